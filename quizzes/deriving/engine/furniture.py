"""Text furniture: passages that are transcripts, menus, tables or exercise lines rather than prose. Both the
question builders and the final gate ask it, so it sits below both."""

import re

# menu options of an interactive tool: "(A)llow", "[(D)eny]", "(S)ave"
_MENU_OPTION = re.compile(r"\(\w\)\w|\[\(\w\)")
# "Profile: /usr/sbin/x", "Severity: 8": a capitalised label followed by a value, as a tool prints it
_LABEL = re.compile(r"(?:^|\s)[A-Z][a-z]+(?: [A-Z][a-z]+)?: (?=\S)")
_PATH = re.compile(r"(?<![\w/])/?(?:[\w.+-]+/){1,}[\w.+-]*")
URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)
_HEADING_RULE = re.compile(r"(?:^|\s)=\s.+\s=(?:\s|$)")
_EXERCISE = re.compile(r"^\s*(?:>>|\$ |# |% |C:\\>)")


def furniture(passage: str) -> bool:
    """A passage that is a transcript, a menu, a table or an exercise line rather than prose."""
    if _EXERCISE.match(passage) or _HEADING_RULE.search(passage):
        return True
    if len(_MENU_OPTION.findall(passage)) >= 2 or len(_LABEL.findall(passage)) >= 2:
        return True
    paths = [p for p in _PATH.findall(URL.sub(" ", passage)) if p.count("/") >= 2 or p.startswith("/")]
    if len(paths) >= 3:
        return True
    # a key table flattened into a line: "C-v Avance d'un écran M-v Recule d'un écran C-l Efface…"
    return len(re.findall(r"(?<!\w)[CMS]-\S+ [A-ZÀ-Ý][a-zà-ÿ]", passage)) >= 2
