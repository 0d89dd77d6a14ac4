"""The sandbox's shape: modules without import circles, and nothing left behind per call."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import tillpoint.sandbox
from tillpoint import Ok
from tillpoint.funcs import checkouts_list
from tillpoint.sandbox import Sandbox

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


def test_in_process_calls_leave_no_timer_behind_on_the_loop() -> None:
    # Every call's attempt deadline schedules a timer and cancels it when the call
    # returns. In-process nothing has to wait, so without the sandbox giving the loop a
    # turn per request, the loop never got to drop those cancelled timers: one stayed
    # queued per call (20,000 after 20,000 calls). Counted, never timed.
    calls = 2_000

    async def run() -> int:
        async with Sandbox().core() as core:
            for _ in range(calls):
                assert isinstance(await checkouts_list(core, limit=1), Ok)
            # The loop's queue of timers (private, but it is exactly what leaked).
            return len(asyncio.get_running_loop()._scheduled)  # type: ignore[attr-defined]

    assert asyncio.run(run()) < calls // 10
