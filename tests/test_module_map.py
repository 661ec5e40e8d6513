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
    """Module paths the map names, relative to tui/: "cli/main.py", "app.py", "nlp/"."""
    named: set[str] = set()
    package = ""  # the subpackage whose paragraph we are in ("" for tui itself)
    for line in map_block():
        entry = re.match(r"^  (\S+)", line)
        if entry:
            head = entry.group(1)
            package = head if head.endswith("/") else ""
            named.add(head)
            if not package:
                continue
        elif not line.startswith("    "):
            package = ""
            continue
        for module in re.findall(r"(?<![\w./`-])([a-z_]+\.py)\b", line[len("  ") :]):
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
