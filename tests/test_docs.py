"""Every ```python block in ``docs/*.md`` runs against the sandbox, so the docs cannot rot.

Conventions (also in ``docs/writing-docs.md``):

* A page's blocks run **in order, in one namespace**, like a reader typing them into
  ``python -m asyncio``: a later block may use what an earlier one defined.
* Top-level ``await``, ``async with`` and ``async for`` work (the code is compiled with
  ``ast.PyCF_ALLOW_TOP_LEVEL_AWAIT``) and run on the page's event loop, under asyncio
  and under trio. Blocks without them run in a worker thread, with no loop running, so
  that ``asyncio.run(...)`` and ``trio.run(...)`` behave as in a script.
* Before a page runs, ``TILLPOINT_SERVER_URL`` and ``TILLPOINT_BEARER_AUTH`` point at a
  fresh sandbox served on 127.0.0.1, so ``TillpointCore()`` reaches it.
* A block that cannot run here (an app skeleton, code for a real account) is preceded by
  ``<!-- docs-test: skip <reason> -->``; the reason is mandatory. Nothing else is skipped:
  ``py``/``python3``/``pycon`` fences are refused, so a block cannot slip through by its
  language tag.
"""

from __future__ import annotations

import ast
import gc
import inspect
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import attrs
import pytest

from tillpoint import Tillpoint, TillpointCore
from tillpoint.sandbox import Sandbox
from tillpoint.sync import Tillpoint as SyncTillpoint

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TOKEN = "sk_test_docs"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
_SKIP = re.compile(r"^\s*<!--\s*docs-test:\s*skip\b(?P<reason>.*?)-->\s*$")
_EXECUTED_LANGUAGE = "python"
_REFUSED_LANGUAGES = {"py", "python3", "pycon", "py3"}


@attrs.frozen
class Block:
    page: str
    line: int
    language: str
    code: str
    skip_reason: str | None

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"


def parse_blocks(page: Path) -> list[Block]:
    """Every fenced block of a Markdown page, with its language and skip marker."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        language = opening["info"].strip().split(" ", 1)[0].split("{", 1)[0].lower()
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skip = _SKIP.match(previous)
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not (
            lines[j].strip().startswith(fence) and lines[j].strip().strip(fence[0]) == ""
        ):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        if j == len(lines):
            raise AssertionError(f"docs/{page.name}:{i + 1}: unclosed code fence")
        blocks.append(
            Block(
                page=page.relative_to(DOCS).as_posix(),
                line=i + 1,
                language=language,
                code=textwrap.dedent("\n".join(body)) + "\n",
                skip_reason=skip["reason"].strip() if skip else None,
            )
        )
        i = j + 1
    return blocks


def pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


ALL_BLOCKS = [block for page in pages() for block in parse_blocks(page)]
PYTHON_BLOCKS = [b for b in ALL_BLOCKS if b.language == _EXECUTED_LANGUAGE]
RUN = [b for b in PYTHON_BLOCKS if b.skip_reason is None]
SKIPPED = [b for b in PYTHON_BLOCKS if b.skip_reason is not None]
PAGES_WITH_CODE = sorted({b.page for b in RUN})


@pytest.fixture
def docs_env(served: tuple[Sandbox, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """The session's served sandbox (tests/conftest.py, emptied) as the environment's API."""
    _, base_url = served
    monkeypatch.setenv("TILLPOINT_SERVER_URL", base_url)
    monkeypatch.setenv("TILLPOINT_BEARER_AUTH", TOKEN)
    monkeypatch.delenv("TILLPOINT_MERCHANT_ACCOUNT_ID", raising=False)
    monkeypatch.delenv("TILLPOINT_LOG", raising=False)
    return base_url


class BlockFailed(AssertionError):
    """A docs block raised; the message names the page and line, and shows the code."""


def _compile(block: Block) -> Any:
    try:
        return compile(
            block.code, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
        )
    except SyntaxError as exc:
        raise AssertionError(f"{block.where}: does not compile: {exc}") from exc


async def _run_page(blocks: list[Block], namespace: dict[str, Any]) -> int:
    ran = 0
    try:
        for block in blocks:
            code = _compile(block)
            try:
                if code.co_flags & inspect.CO_COROUTINE:
                    await eval(code, namespace)
                else:
                    await anyio.to_thread.run_sync(exec, code, namespace)
            except Exception as exc:
                raise BlockFailed(f"{block.where}: {exc!r}\n\n{block.code}") from exc
            ran += 1
    finally:
        # Close whatever the page left open, on the loop it belongs to.
        for value in list(namespace.values()):
            if isinstance(value, (TillpointCore, Tillpoint)):
                await value.aclose()
            elif isinstance(value, SyncTillpoint):
                await value.core.aclose()  # closes the sync pool too
    return ran


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("page", PAGES_WITH_CODE)
def test_page_code_runs(page: str, backend: str, docs_env: str) -> None:
    blocks = [b for b in RUN if b.page == page]
    namespace: dict[str, Any] = {"__name__": f"docs.{page.removesuffix('.md')}"}
    ran = anyio.run(_run_page, blocks, namespace, backend=backend)
    del namespace
    gc.collect()  # an unclosed socket would warn now, and fail this page, not a later test
    assert ran == len(blocks) > 0


def test_every_python_block_is_run_or_skipped_for_a_stated_reason() -> None:
    refused = [b.where for b in ALL_BLOCKS if b.language in _REFUSED_LANGUAGES]
    assert not refused, f"use ```python (executed) or mark the block skipped: {refused}"
    assert all(b.skip_reason for b in SKIPPED), [b.where for b in SKIPPED if not b.skip_reason]
    markers = [
        (page.name, n)
        for page in pages()
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if "docs-test:" in line and not _SKIP.match(line)
    ]
    assert not markers, f"unknown docs-test markers: {markers}"
    # The counts pin the conventions: a page that silently lost its blocks fails here.
    assert len(RUN) + len(SKIPPED) == len(PYTHON_BLOCKS)
    assert len(RUN) >= 60, len(RUN)
    assert len(SKIPPED) <= 8, [b.where for b in SKIPPED]


def test_skip_markers_only_precede_code() -> None:
    for page in pages():
        lines = page.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            if _SKIP.match(line):
                following = next((x for x in lines[n + 1 :] if x.strip()), "")
                assert _FENCE.match(following), f"docs/{page.name}:{n + 1}: marker without code"


def test_parser_reads_languages_markers_and_titles(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n\n"
        '```python title="app.py"\nx = 1\n```\n\n'
        "<!-- docs-test: skip needs a real account -->\n"
        "```python\nraise SystemExit\n```\n\n"
        "```console\n$ make demo\n```\n"
    )
    global DOCS
    saved, DOCS = DOCS, tmp_path
    try:
        blocks = parse_blocks(page)
    finally:
        DOCS = saved
    assert [(b.language, b.line, b.skip_reason) for b in blocks] == [
        ("python", 3, None),
        ("python", 8, "needs a real account"),
        ("console", 12, None),
    ]
    assert blocks[0].code == "x = 1\n"


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_runner_shares_a_namespace_supports_await_and_reports_failures(backend: str) -> None:
    def block(line: int, code: str) -> Block:
        return Block(page="synthetic.md", line=line, language="python", code=code, skip_reason=None)

    namespace: dict[str, Any] = {}
    blocks = [
        block(1, "import anyio\nvalues = []\n"),
        block(5, "await anyio.sleep(0)\nvalues.append('awaited')\n"),
        block(9, "import asyncio\nvalues.append(asyncio.run(asyncio.sleep(0, 'nested loop')))\n"),
    ]
    assert anyio.run(_run_page, blocks, namespace, backend=backend) == 3
    assert namespace["values"] == ["awaited", "nested loop"]

    failing = [block(1, "x = 1\n"), block(4, "assert x == 2, 'the docs are wrong'\n")]
    with pytest.raises(BlockFailed, match=r"docs/synthetic\.md:4: AssertionError") as caught:
        anyio.run(_run_page, failing, {}, backend=backend)
    assert "the docs are wrong" in str(caught.value.__cause__)


def test_mkdocs_build_is_strict_and_clean(tmp_path: Path) -> None:
    """``make docs`` in-process: every page, every ``:::`` reference, no warnings."""
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    if mkdocs is None:
        pytest.skip("mkdocs is not installed (the docs dependency group)")
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "reference" / "core" / "index.html").exists()


def test_the_pytest_plugin_example_runs_as_a_users_test_module(
    pytester: pytest.Pytester,
) -> None:
    """The one example that cannot run as a block — a user's pytest module using the
    ``tillpoint.testing`` fixtures — runs as one: in a fresh project, through the plugin's
    entry point, against the ``start_checkout`` the page defines."""
    sandbox_page = [b for b in PYTHON_BLOCKS if b.page == "sandbox.md"]
    (user_code,) = [b for b in sandbox_page if "async def start_checkout(" in b.code]
    (user_tests,) = [b for b in sandbox_page if "from myshop.checkout import" in b.code]
    assert user_tests.skip_reason, "the module is run here, not as a block"
    pytester.makepyfile(
        **{
            "myshop/__init__.py": "",
            "myshop/checkout.py": "from decimal import Decimal\n"
            "from tillpoint import Tillpoint, models\n\n" + user_code.code,
            "tests/test_checkout.py": user_tests.code,
        }
    )

    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", "tests")

    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 2, result.stdout.str()
    assert not {"failed", "errors", "skipped"} & outcomes.keys(), result.stdout.str()
    for name in ("test_start_checkout_totals_the_cart", "test_start_checkout_survives_a_500"):
        result.stdout.fnmatch_lines([f"*{name}*PASSED*"])


# --- the API reference: Sphinx roles become links -------------------------------------

ROLE_PATTERN = re.compile(r":(?:class|func|meth|attr|data|exc|mod|obj):`")


def _loaded_with_the_docs_extension() -> Any:
    griffe = pytest.importorskip("griffe")  # the docs dependency group
    extension = griffe.load_extensions(f"{DOCS / '_hooks' / 'sphinx_roles.py'}:SphinxRoles")
    return griffe.load("tillpoint", search_paths=[ROOT / "src"], extensions=extension)


def _docstrings(obj: Any) -> Iterator[tuple[str, str]]:
    if obj.docstring is not None:
        yield obj.path, obj.docstring.value
    for member in obj.members.values():
        if not member.is_alias:
            yield from _docstrings(member)


def test_the_reference_shows_no_sphinx_role_and_no_rest_literal_marker() -> None:
    source = (ROOT / "src" / "tillpoint").rglob("*.py")
    assert any(ROLE_PATTERN.search(path.read_text(encoding="utf-8")) for path in source)
    docstrings = dict(_docstrings(_loaded_with_the_docs_extension()))
    assert len(docstrings) > 100
    leftovers = {path: text for path, text in docstrings.items() if ROLE_PATTERN.search(text)}
    assert leftovers == {}
    markers = [path for path, text in docstrings.items() if re.search(r"::\s*$", text, re.M)]
    assert markers == []


def test_roles_resolve_where_the_docstring_is() -> None:
    docstrings = dict(_docstrings(_loaded_with_the_docs_extension()))
    fake_clock = docstrings["tillpoint.testing.FakeClock"]
    # A method of the class itself, and a class imported into the module.
    assert '<autoref identifier="tillpoint.testing.FakeClock.advance" optional>`advance`' in (
        fake_clock
    )
    assert 'identifier="tillpoint.sandbox.Sandbox" optional>`Sandbox`' in fake_clock
    # ``~`` shows the last part only; an inherited method resolves on the subclass.
    sandbox = docstrings["tillpoint.sandbox._sandbox.Sandbox"]
    assert 'identifier="tillpoint.sandbox._payments.SEED_SOURCES"' in sandbox
    assert 'identifier="tillpoint.sandbox._sandbox.Sandbox.reset" optional>`reset`' in sandbox
