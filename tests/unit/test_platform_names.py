"""workflows/ and commands/ know no messenger by name: no identifier and no string in their code
says slack, dingtalk, feishu or lark. A platform is data there (a `Source`, the string an
adapter gives, e.g. `Context.source`, an account's platform), never a name the code branches
on: the messengers' values are bot/platforms.py's, and the wiring in bot/ says which of them
have cards, forms or buttons in direct messages (`NotifyConfig`).

Comments and docstrings may name messengers: they explain behaviour ("DingTalk prefixes spaces")
without making it depend on the name. Everything else counts: names of variables, functions,
classes, attributes, arguments and imports, and every other string (f-string parts included).
"""

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("workflows", "commands")
PLATFORM = re.compile(r"slack|dingtalk|feishu|lark", re.I)


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _words(node: ast.AST) -> list[str]:
    """The identifiers and strings a node itself holds."""
    match node:
        case ast.Name(id=name) | ast.Attribute(attr=name) | ast.arg(arg=name):
            return [name]
        case ast.FunctionDef(name=name) | ast.AsyncFunctionDef(name=name) | ast.ClassDef(name=name):
            return [name]
        case ast.alias(name=name, asname=asname):
            return [name, asname or ""]
        case ast.ImportFrom(module=module):
            return [module or ""]
        case ast.keyword(arg=name):
            return [name or ""]
        case ast.Constant(value=str() as text):
            return [text]
    return []


def platform_names(path: Path) -> list[str]:
    """Each identifier or string (not a docstring or comment) that names a messenger."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        found += [f"{getattr(node, 'lineno', '?')}: {word!r}" for word in _words(node)
                  if PLATFORM.search(word)]
    return found


def found_now() -> dict[str, list[str]]:
    files = sorted(p for package in CHECKED for p in (ROOT / package).rglob("*.py"))
    named = {str(p.relative_to(ROOT)): platform_names(p) for p in files}
    return {name: words for name, words in named.items() if words}


def test_no_platform_names_in_the_domain_or_the_use_cases() -> None:
    found = found_now()
    assert not found, ("platform names in workflows/ or commands/ (make the platform data, "
                       f"given by the adapter): {found}")


def test_the_check_sees_names_and_strings_but_not_comments_or_docstrings(
        tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Slack\'s ids."""\n# DingTalk prefixes spaces\n'
                      'def to_lark(slack_id):\n    """For Feishu."""\n'
                      '    return f"dingtalk:{slack_id}"\n', encoding="utf-8")
    assert Counter(w.split(": ", 1)[1] for w in platform_names(sample)) == Counter(
        ["'to_lark'", "'slack_id'", "'dingtalk:'", "'slack_id'"])
