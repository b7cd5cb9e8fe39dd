"""Reading a rendered form back: what an input holds, whether a box is ticked, whether a text is on the page."""

import html
import re


def shown(page: str, text: str) -> bool:
    return text in html.unescape(page)


def input_tag(page: str, name: str) -> str:
    """The first <input> with this name, to read its value and attributes."""
    m = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert m, f"no input named {name}"
    return m.group(0)


def checked(page: str, name: str, value) -> bool:
    tags = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    return any(f'value="{value}"' in t and "checked" in t for t in tags)


def input_value(page: str, name: str) -> str | None:
    m = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    if not m:
        return None
    v = re.search(r'value="([^"]*)"', m.group(0))
    return html.unescape(v.group(1)) if v else ""


def assert_own_tokens_and_nonces(first, second) -> None:
    """Two responses of a kept page carry their own CSRF tokens and a nonce each, the one of their CSP header."""
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    a, b = token.findall(first.content.decode()), token.findall(second.content.decode())
    assert a and set(a).isdisjoint(b)
    for response in (first, second):
        nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        assert len(nonces) == 1
        assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]
