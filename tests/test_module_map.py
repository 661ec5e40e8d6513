"""The README's module map lists every module of `tui`, and only modules that exist."""

from __future__ import annotations

import re

from checkout import REPO_ROOT

PACKAGE = REPO_ROOT / "tui"


def map_block() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    architecture = text.split("## Architecture", 1)[1]
    block = architecture.split("```", 2)[1]
    return block.splitlines()


def mapped_modules() -> set[str]:
    """Module paths the map names, relative to tui/: "app.py", "nlp/", "nlp/quotes.py".

    A package's entry is indented by two spaces, a subpackage's by four, under its parent;
    the modules of either are named in the lines that follow, indented further."""
    named: set[str] = set()
    top = package = ""  # the package whose paragraph we are in ("" for tui itself)
    for line in map_block():
        indent = len(line) - len(line.lstrip(" "))
        head = line.split()[0] if line.strip() else ""
        if indent == 0:
            top = package = ""  # styles/, tests/: outside tui
            continue
        if indent == 2:
            named.add(head)
            top = package = head if head.endswith("/") else ""
            if not package:
                continue  # a module of tui itself; its description names no modules
        elif indent == 4 and head.endswith("/") and top:
            package = top + head
            named.add(package)
        elif not package:
            continue
        for module in re.findall(r"(?<![\w./`-])([a-z_]+\.py)\b", line):
            named.add(package + module)
    return named


def tree_modules() -> set[str]:
    modules: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if path.name == "__init__.py":
            if relative.parent.parts:
                modules.add(relative.parent.as_posix() + "/")
            continue
        modules.add(relative.as_posix())
    return modules


def test_every_module_of_tui_is_in_the_readme_map() -> None:
    missing = tree_modules() - mapped_modules()
    assert not missing, f"modules missing from the README's module map: {sorted(missing)}"


def test_the_readme_map_names_only_modules_that_exist() -> None:
    stale = mapped_modules() - tree_modules()
    assert not stale, f"the README's module map names modules that do not exist: {sorted(stale)}"
