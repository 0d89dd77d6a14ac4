"""The sandbox's shape: its modules import each other without a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import tillpoint.sandbox

PACKAGE = Path(tillpoint.sandbox.__file__).parent


def sibling_imports(path: Path) -> set[str]:
    """Every sandbox module ``path`` imports, wherever the import sits: at the top, in a
    function (a lazy import) or under ``TYPE_CHECKING``; each of them is a dependency."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.partition(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_no_module_of_the_sandbox_imports_itself_back() -> None:
    graph = {path.stem: sibling_imports(path) for path in PACKAGE.glob("*.py")}
    assert len(graph) > 10  # the walk found the package

    def reaches(start: str, target: str) -> bool:
        seen: set[str] = set()
        stack = list(graph.get(start, ()))
        while stack:
            module = stack.pop()
            if module == target:
                return True
            if module not in seen:
                seen.add(module)
                stack.extend(graph.get(module, ()))
        return False

    circles = sorted(m for m in graph if m != "__init__" and reaches(m, m))
    assert circles == []
