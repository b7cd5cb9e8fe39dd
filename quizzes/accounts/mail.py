"""Mails: a subject, a text and an HTML body rendered from templates/mail/<name>*, in the recipient's language."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def language_of(user, default: str | None = None) -> str:
    """The language the user last read the site in (kept with their settings), else `default`."""
    try:
        return user.study_settings.language
    except (ObjectDoesNotExist, AttributeError):
        return default or translation.get_language() or settings.LANGUAGE_CODE


def site_url(path: str = "", request=None) -> str:
    """An absolute link for a mail: from the request when there is one, else LEARNAPP_SITE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.LEARNAPP_SITE_URL + path


def render_mail(name: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of templates/mail/<name>_subject.txt, <name>.txt and <name>.html."""
    with translation.override(language):
        context = {"site_url": settings.LEARNAPP_SITE_URL, "LANGUAGE_CODE": language, **context}
        subject = " ".join(render_to_string(f"mail/{name}_subject.txt", context).split())
        text = render_to_string(f"mail/{name}.txt", context)
        html = render_to_string(f"mail/{name}.html", context)
    return subject, text, html


def send_mail(name: str, to: str, context: dict, *, language: str, headers: dict | None = None) -> None:
    subject, text, html = render_mail(name, context, language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    message.send()
