"""The house by domain: each package of `quizzes` imports only the domains below it.

    accounts < bank < study < quizzing < teaching,   deriving -> bank, accounts

A lower domain reaches a higher one's data only through model relations named as strings (an
attempt's `assignment`), never by importing it; `quizzes/views.py` (the front page), `urls.py`,
`models.py`, `admin.py` and the management commands sit above every domain and may import any.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "quizzes"
MAY_IMPORT = {
    "accounts": {"accounts"},
    "bank": {"accounts", "bank"},
    "study": {"accounts", "bank", "study"},
    "quizzing": {"accounts", "bank", "study", "quizzing"},
    "teaching": {"accounts", "bank", "study", "quizzing", "teaching"},
    "deriving": {"accounts", "bank", "deriving"},
}


def imported_domains(path: Path) -> list[tuple[int, str]]:
    """(line, domain) for every import of a `quizzes.<domain>` module in the file, lazy ones included."""
    package = path.relative_to(APP.parent).with_suffix("").parts[:-1]  # e.g. ("quizzes", "study")
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[tuple[str, ...]] = []
        if isinstance(node, ast.Import):
            targets = [tuple(alias.name.split(".")) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = tuple((node.module or "").split(".")) if node.module else ()
            if node.level:
                base = package[: len(package) - node.level + 1] + base
            # `from .. import study` names a module: count each name as part of the path
            targets = [base + (alias.name,) for alias in node.names] if len(base) < 2 else [base]
        for target in targets:
            if len(target) >= 2 and target[0] == "quizzes" and target[1] in MAY_IMPORT:
                found.append((node.lineno, target[1]))
    return found


def domain_files():
    for domain in MAY_IMPORT:
        for path in sorted((APP / domain).rglob("*.py")):
            yield pytest.param(domain, path, id=str(path.relative_to(APP)))


@pytest.mark.parametrize(("domain", "path"), list(domain_files()))
def test_a_domain_imports_only_the_domains_below_it(domain, path):
    wrong = [
        f"line {line}: imports quizzes.{target}"
        for line, target in imported_domains(path)
        if target not in MAY_IMPORT[domain]
    ]
    assert not wrong, f"{path.relative_to(APP)} ({domain}) may import only {sorted(MAY_IMPORT[domain])}: {wrong}"


def test_the_checker_sees_relative_absolute_and_lazy_imports():
    study = APP / "study"
    probe = study / "_probe_for_test_house.py"
    probe.write_text(
        "from ..teaching import results\nfrom quizzes.quizzing.models import Attempt\n"
        "def f():\n    from ..deriving import engine\n"
    )
    try:
        assert sorted(t for _line, t in imported_domains(probe)) == ["deriving", "quizzing", "teaching"]
    finally:
        probe.unlink()


def test_every_domain_says_what_it_owns_and_may_import():
    for domain in MAY_IMPORT:
        doc = ast.get_docstring(ast.parse((APP / domain / "__init__.py").read_text()))
        assert doc and "May import" in doc, f"quizzes/{domain}/__init__.py needs a docstring saying what it may import"
