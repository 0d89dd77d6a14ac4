"""A griffe extension: Sphinx roles in docstrings become cross-references in the site.

The docstrings are written for readers of the source and of ``help()``, where
``:class:`Sandbox``` is the usual way to name another object. mkdocstrings renders
Markdown, so such a role would reach the page as literal text. This extension rewrites
``:class:``, ``:func:``, ``:meth:``, ``:attr:``, ``:data:``, ``:exc:``, ``:mod:`` and
``:obj:`` roles while the API is loaded, before any page is rendered:

* the target is resolved from the object the docstring belongs to, as Python would
  resolve the name there (its members, its module's imports, then outwards);
* the link is an *optional* autoref: a target that no page documents (a private
  module, the standard library) renders as plain code instead of failing the build;
* ``~`` keeps Sphinx's meaning: show only the last part of the dotted name.

It also turns reST's literal-block marker (a paragraph ending in ``::``) into the one
colon a reader expects: the indented example after it already renders as code.

The source files are not changed, so ``help()`` keeps the roles Python readers expect.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|attr|data|exc|mod|obj):`(?P<target>[^`]+)`")
LITERAL_MARKER = re.compile(r"(?<=\S)::[ \t]*$", re.MULTILINE)
"""reST's ``text::`` before an indented example; in Markdown the example is code already."""
BARE_LITERAL_MARKER = re.compile(r"^[ \t]*::[ \t]*$", re.MULTILINE)
"""The same marker on a line of its own, which reST drops from the output."""


class SphinxRoles(griffe.Extension):
    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        # Once the whole package is loaded, so that every name can be resolved.
        _rewrite(pkg)


def _rewrite(obj: griffe.Object) -> None:
    docstring = obj.docstring
    if docstring is not None and ":" in docstring.value:
        text = ROLE.sub(lambda match: _autoref(obj, match["target"]), docstring.value)
        docstring.value = LITERAL_MARKER.sub(":", BARE_LITERAL_MARKER.sub("", text))
    for member in obj.members.values():
        if not member.is_alias:
            _rewrite(member)  # type: ignore[arg-type]


def _autoref(obj: griffe.Object, written: str) -> str:
    target = written.lstrip("~")
    shown = target.rsplit(".", 1)[-1] if written.startswith("~") else target.lstrip(".")
    identifier = _resolve(obj, target)
    return f'<autoref identifier="{identifier}" optional>`{shown}`</autoref>'


def _resolve(obj: griffe.Object, target: str) -> str:
    if target.startswith("."):
        # Relative to the package of the module the docstring is in, as in an import.
        package = obj.module.path.rsplit(".", 1)[0]
        return f"{package}{target}"
    head, _, rest = target.partition(".")
    # A name bound where the docstring is (a class's own method, an imported name), or
    # else an absolute dotted path as written.
    scope = obj if obj.is_class or obj.is_module else obj.parent
    while scope is not None:
        found = _bound_in(scope, head)
        if found is not None:
            return f"{found}.{rest}" if rest else found
        scope = scope.parent
    return target


def _bound_in(scope: griffe.Object, name: str) -> str | None:
    """The full path ``name`` stands for inside ``scope``, or ``None``."""
    if scope.is_class and name in scope.all_members:  # inherited members too
        return f"{scope.path}.{name}"
    try:
        return scope.resolve(name)
    except (griffe.NameResolutionError, AttributeError):
        return None
