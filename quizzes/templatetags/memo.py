"""{% memo value… %}…{% endmemo %}: markup rendered once per process for each combination of the values
given, for markup that is a function of those values and of the code only (the navigation for a language, a
page and a role; a static file's URL), never of a user's data, a CSRF token or a nonce: those stay outside.

Every page renders the frame of templates/base.html, where that markup is most of the work. Django's
{% cache %} keeps markup in a cache backend: a hashed key, a lock and an unpickling for each fragment (about
50 µs, where rendering the navigation costs 300). This is a dictionary on the template's node: it lives as
long as the compiled template, is bounded, and is emptied when a setting changes (a test's URLconf).
"""

from django import template
from django.core.signals import setting_changed
from django.template.loader_tags import BlockNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

register = template.Library()

# Combinations kept per fragment, then all forgotten. The navigation's languages × pages × roles stay far below;
# a question's inputs (one per question, version and language: the shipped bank's 339 in one or two languages, a
# school's bank of a thousand) fit at a few kB each, a few MB per process. At 256 they were all forgotten every few
# hundred questions and rendered again.
LIMIT = 2048
_generation = 0  # bumped when a setting changes: every fragment renders again


def _forget(**kwargs) -> None:
    global _generation
    _generation += 1


setting_changed.connect(_forget, dispatch_uid="memo-forget")


class MemoNode(template.Node):
    # Not searched for blocks: a child template's {% extends %} walks its parent's nodes on each render, and a
    # block inside kept markup could not be overridden anyway.
    child_nodelists = ()

    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values
        self.kept: dict = {}
        self.generation = _generation

    def render(self, context) -> str:
        # The URLs in the markup start with the prefix the app is served under.
        key = (get_script_prefix(), *(value.resolve(context) for value in self.values))
        try:
            hash(key)
        except TypeError:
            raise template.TemplateSyntaxError(f"memo: plain values only (text, numbers): {key!r}") from None
        if self.generation != _generation or len(self.kept) >= LIMIT:
            self.kept, self.generation = {}, _generation
        markup = self.kept.get(key)
        if markup is None:
            markup = self.kept[key] = self.nodelist.render(context)
        return markup


@register.tag
def memo(parser, token):
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("memo: a {% block %} cannot be kept (a page may fill it in)")
    return MemoNode(nodelist, values)


# {% id_url name id %}: reverse(name, args=[id]) for a URL whose one argument is an integer id (a card's): the path
# around the id is the same for every id, so it is reversed once per name, script prefix and URLconf, and the id is
# written in. A review page has three such URLs per card, where each reversal cost about as much as the rest of
# its line.
_STAND_IN = 987_654_321_012  # an id no path is made of: it only marks where the id goes
_paths: dict = {}
_paths_generation = _generation


@register.simple_tag
def id_url(name: str, pk) -> str:
    global _paths, _paths_generation
    if _paths_generation != _generation:
        _paths, _paths_generation = {}, _generation
    key = (name, get_script_prefix(), get_urlconf())
    around = _paths.get(key)
    if around is None:
        try:
            around = reverse(name, args=[_STAND_IN]).split(str(_STAND_IN))
        except NoReverseMatch as exc:
            raise template.TemplateSyntaxError(f"id_url: {name!r} takes no single id ({exc})") from None
        if len(around) != 2:
            raise template.TemplateSyntaxError(f"id_url: {name!r} has no single place for an id")
        around = _paths[key] = tuple(around)
    return f"{around[0]}{int(pk)}{around[1]}"
