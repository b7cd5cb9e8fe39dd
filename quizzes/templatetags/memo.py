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
from django.urls import get_script_prefix

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
