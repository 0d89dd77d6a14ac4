"""The one cattrs converter: every (de)serialisation policy lives here, not on the models.

Policies, each a hook registered on the converter below (cattrs generates the
per-class functions that call them, in both directions):

* names — snake_case attributes; camelCase on the wire for Digital River models,
  snake_case for Gr4vy ones (``Model.wire_case``); a field may override its wire
  name with ``metadata={"wire": "..."}``;
* three states — ``UNSET`` fields are left out, ``None`` is sent as ``null``;
* unknown fields — kept in ``extra_fields`` and written back out;
* money — JSON numbers are parsed straight to ``Decimal`` (``parse_float``), and a
  ``Decimal`` is written as a JSON number, refusing any that a JSON number (an IEEE
  double, which is what the server reads) cannot carry exactly; a decoded number
  must be finite and within a double's range (``NaN``, ``Infinity`` and
  ``1e999999999`` are refused, naming the field);
* datetimes — ISO 8601, always timezone-aware (``Z`` means UTC); dates strictly
  ``YYYY-MM-DD``;
* open enums — plain ``str`` at run time, so unknown values survive a round trip;
* strict primitives — a string is never silently made out of a dict, nor an int out
  of a bool: a body that is not the model is a ``DecodeError`` naming the JSON path
  (``Checkout.items[2].tax: ...``), which an operation returns as a
  ``ResponseValidationError``.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, TypeVar, Union

import attrs
import cattrs
from cattrs.cols import list_structure_factory
from cattrs.errors import BaseValidationError, ClassValidationError, IterableValidationError
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._json_number import exact_json_number
from .models._base import UNSET, Model, Unset

__all__ = [
    "DecodeError",
    "converter",
    "dumps",
    "loads",
    "structure",
    "unstructure",
    "wire_names",
]

T = TypeVar("T")


class DecodeError(ValueError):
    """A JSON document that is not the expected model; the message says where and why."""


# --- JSON -------------------------------------------------------------------------


# One decoder and one encoder, made once: json.loads/dumps build a new one on every
# call that passes options, which costs more than decoding a small body. The
# non-standard NaN/Infinity/-Infinity literals Python's parser accepts become
# Decimals too, so the field they land in refuses them by name (see _structure_decimal_hook).
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=Decimal)


def loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as an exact ``Decimal``."""
    if not isinstance(text, str):
        # What json.loads does with bytes: UTF-8, -16 or -32, told apart by the BOM
        # or the pattern of zero bytes. A body that is none of them is a ValueError.
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return _DECODER.decode(text)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return exact_json_number(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_ENCODER = json.JSONEncoder(
    default=_json_default, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def dumps(data: Any) -> bytes:
    """Encode unstructured data as compact UTF-8 JSON."""
    return _ENCODER.encode(data).encode()


# --- primitives: strict, because a wrong type means a wrong model -------------------


def _structure_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a string, got {type(value).__name__}")


def _structure_bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected a boolean, got {type(value).__name__}")


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and value.adjusted() < 19  # int(Decimal("1e999999999")) would take hours
        and value == value.to_integral_value()
    ):
        return int(value)
    raise ValueError(f"expected an integer, got {type(value).__name__}")


_LARGEST_DOUBLE = Decimal(sys.float_info.max)


def _structure_decimal_hook(allows_none: bool) -> Callable[[Any, Any], Decimal | None]:
    def structure_decimal(value: Any, _: Any) -> Decimal | None:
        if value.__class__ is Decimal and value.is_finite() and value.adjusted() < 308:
            return value  # what parse_float gives, and surely below the largest double
        if value is None:
            _refuse_null(allows_none)
            return None
        return _decimal_of(value)

    return structure_decimal


def _decimal_of(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    # The server writes doubles: a NaN, an infinity or a number no double can hold
    # is not an amount, and must not reach arithmetic as one.
    if not number.is_finite():
        raise ValueError(f"expected a finite number, got {number}")
    if number.copy_abs() > _LARGEST_DOUBLE:  # copy_abs: abs() would round, and overflow
        raise ValueError("expected a number within a double's range (about ±1.8e308)")
    return number


def _structure_datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    # "Z", as the servers write it, is read by fromisoformat from 3.11 only. Slicing
    # it off is cheaper than the re.sub it replaced (an optional datetime field's
    # hook ~400 -> ~260 ns, timeit best of 7).
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date-time") from None
    # The APIs speak UTC; a server that forgets the offset still means UTC.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _unstructure_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"{value!r} is naive; use a timezone-aware datetime")
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _structure_date(value: Any, _: Any) -> date:
    # Strictly YYYY-MM-DD: date.fromisoformat (3.11+) would also take "20200131".
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"expected an ISO 8601 date (YYYY-MM-DD), got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


def _unstructure_date(value: date) -> str:
    return value.isoformat()


# --- type predicates, for the hook factories -----------------------------------------


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (Union, types.UnionType)


def _is_open_enum(t: Any) -> bool:
    """``Literal["a", "b"] | str``: documented values for the reader, any str on the wire."""
    args = typing.get_args(t)
    return (
        _is_union(t)
        and str in args
        and all(a is str or typing.get_origin(a) is typing.Literal for a in args)
    )


# Field types repeat across models (the same ``str | Unset | None`` objects): asking
# about each once spares the slow ``==`` of typing's Literal, per field, per model.
@functools.cache
def _optional_parts(t: Any) -> tuple[Any, bool]:
    """``X | None | Unset`` → ``(X, allows_none)``."""
    args = typing.get_args(t)
    rest = tuple(a for a in args if a is not type(None) and a != Unset)
    if len(rest) == 1:
        inner = rest[0]
    elif str in rest and _is_open_enum(Union[rest]):
        inner = str
    else:
        inner = Union[rest]
    return inner, type(None) in args


@functools.cache
def _is_optional_field(t: Any) -> bool:
    return _is_union(t) and any(a is type(None) or a == Unset for a in typing.get_args(t))


def _is_list(t: Any) -> bool:
    return typing.get_origin(t) is list


def _is_dict(t: Any) -> bool:
    return typing.get_origin(t) is dict


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Model)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_wire_names_of: dict[type[Model], dict[str, str]] = {}


def wire_names(cls: type[Model]) -> dict[str, str]:
    """Attribute name → wire name, for every field but ``extra_fields``."""
    names = _wire_names_of.get(cls)
    if names is None:
        names = _wire_names_of[cls] = {}
        for a in attrs.fields(cls):
            if a.name == "extra_fields":
                continue
            wire = a.metadata.get("wire")
            if wire is None:
                wire = _camel(a.name) if cls.wire_case == "camel" else a.name
            names[a.name] = wire
    return names


def _exact_type(t: Any) -> type | None:
    """The one class a JSON value of type ``t`` arrives as, when no conversion is needed.

    ``json.loads`` yields exactly ``str``, ``bool``, ``int`` or (with ``parse_float``)
    ``Decimal``; a value of exactly that class can be taken as it is, skipping the
    hook. ``bool`` and ``int`` stay apart because the check is by exact class. A
    ``Decimal`` always goes through its hook, which refuses the non-finite ones.
    """
    if t in (str, bool, int):
        return t  # type: ignore[no-any-return]
    if _is_open_enum(t):
        return str
    return None


_annotation_types: dict[tuple[str, str], Any] = {}


class _Annotations:
    """Any object with ``__annotations__`` is something ``typing.get_type_hints`` resolves."""

    def __init__(self, annotations: dict[str, str]) -> None:
        self.__annotations__ = annotations


def _field_types(cls: type[Model]) -> dict[str, Any]:
    """Each field's type, its annotation string resolved where the field was declared.

    What ``typing.get_type_hints(cls)`` gives, but each distinct string (``"str |
    Unset | None"`` recurs hundreds of times across the models) is resolved once per
    module rather than once per field of every class and of its bases: on a cold
    start, resolving is a third of the first call's cost.
    """
    declared_in = {}
    for owner in reversed(cls.__mro__):
        for name in vars(owner).get("__annotations__", {}):
            declared_in[name] = owner.__module__
    pending: dict[str, set[str]] = {}
    for a in attrs.fields(cls):
        if isinstance(a.type, str) and (declared_in[a.name], a.type) not in _annotation_types:
            pending.setdefault(declared_in[a.name], set()).add(a.type)
    try:
        for module, texts in pending.items():
            ordered = sorted(texts)
            hints = typing.get_type_hints(
                _Annotations({f"_{i}": text for i, text in enumerate(ordered)}),
                globalns=vars(sys.modules[module]),
            )
            for i, text in enumerate(ordered):
                _annotation_types[module, text] = hints[f"_{i}"]
    except NameError:  # a name only the class body knows: typing's full rules
        return typing.get_type_hints(cls)
    return {
        a.name: _annotation_types[declared_in[a.name], a.type]
        if isinstance(a.type, str)
        else a.type
        for a in attrs.fields(cls)
    }


def _resolve_types(cls: type[Model]) -> None:
    """``attrs.resolve_types(cls)``, with each distinct string resolved once (``_field_types``).

    cattrs resolves a class's string annotations before generating its function, through
    ``attrs.resolve_types`` unless they are resolved already: this stores the types the
    way it does (on the attributes, and the class marked resolved).
    """
    if getattr(cls, "__attrs_types_resolved__", None) is cls:
        return
    types_ = _field_types(cls)
    for a in attrs.fields(cls):
        object.__setattr__(a, "type", types_[a.name])
    cls.__attrs_types_resolved__ = cls  # type: ignore[attr-defined]


# --- the converter -----------------------------------------------------------------

converter = cattrs.Converter(detailed_validation=True)
"""Decodes and encodes every model; cattrs generates its per-class functions on first use."""


# The hooks of what a field holds are looked up on first use, not when cattrs generates
# the class's function: a cold start's one response holds about 20 of the 34 classes a
# checkout can reach, and generating a class's function is most of its first decode.
#
# An optional field (``X | Unset | None``, most fields) gets a hook of its own shape, in
# which the common value costs one call and one class test: a full checkout makes 445
# such calls, and a generic hook (test, then call the inner hook) took twice as long
# (structure of a full checkout 119 -> 99 µs in-process, best of 7 runs of 200; a model
# field: 2 calls -> 1, and likewise, later, a list or a free-form object field).


def _refuse_null(allows_none: bool) -> None:
    if not allows_none:
        raise ValueError("null is not allowed here")


def _structure_optional_factory(t: Any) -> Callable[[Any, Any], Any]:
    inner, allows_none = _optional_parts(t)
    if _is_model(inner):
        return _structure_model_hook(inner, allows_none)
    if inner is Decimal:
        return _structure_decimal_hook(allows_none)
    if _is_list(inner):
        return _structure_list_hook(inner, allows_none)
    if _is_dict(inner):
        return _structure_dict_hook(inner, allows_none)
    hook: Callable[[Any, Any], Any] | None = None

    def structure_other(value: Any, _: Any) -> Any:
        nonlocal hook
        if value is None:
            _refuse_null(allows_none)
            return None
        if hook is None:
            hook = converter.get_structure_hook(inner)
        return hook(value, inner)

    exact = _exact_type(inner)
    if exact is None:
        return structure_other

    def structure_exact(value: Any, _: Any) -> Any:
        if value.__class__ is exact:
            return value
        return structure_other(value, _)

    return structure_exact


def _structure_list_hook(t: Any, allows_none: bool) -> Callable[[Any, Any], list[Any] | None]:
    # cattrs' own list hook (with each failing index noted), behind a strict gate:
    # it would take any iterable, making a list out of a dict's keys or a string. An
    # optional list handles null itself (one call, not two), and a list of plain
    # JSON scalars (a cart item's categories) is checked in a loop without a hook
    # call per item: 210 -> 90 ns for two strings, timeit best of 7.
    (item_type,) = typing.get_args(t) or (Any,)
    exact = _exact_type(item_type)
    structure_items: Callable[[Any, Any], list[Any]] | None = None

    def structure_list(value: Any, _: Any) -> list[Any] | None:
        nonlocal structure_items
        if value.__class__ is not list:
            if value is None:
                _refuse_null(allows_none)
                return None
            raise ValueError(f"expected an array, got {type(value).__name__}")
        if exact is not None:
            for item in value:
                if item.__class__ is not exact:
                    break  # converted, or refused naming its index, below
            else:
                return value.copy()
        if structure_items is None:
            structure_items = list_structure_factory(t, converter)
        return structure_items(value, t)

    return structure_list


def _structure_dict_hook(t: Any, allows_none: bool) -> Callable[[Any, Any], Any]:
    # Free-form objects (metadata, a payment method's details) stay the parsed dict;
    # only their values' kinds are checked, with one isinstance each rather than a
    # lambda call, and an optional one handles null itself, one call instead of two
    # (an item's two-key metadata 185 -> 122 ns, timeit best of 7).
    _, value_type = typing.get_args(t) or (str, Any)
    allowed: tuple[type, ...] | None
    if value_type is Any:
        allowed = None
    elif value_type is str:
        allowed = (str,)
    else:  # metadata-style scalars: str | int | bool, and a number the parser made a Decimal
        allowed = (*(typing.get_args(value_type) or (value_type,)), Decimal)

    def structure_dict(value: Any, _: Any) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            if value is None:
                _refuse_null(allows_none)
                return None
            raise ValueError(f"expected an object, got {type(value).__name__}")
        if allowed is not None:
            for key, item in value.items():
                if not isinstance(item, allowed):
                    raise ValueError(f"{key!r}: {type(item).__name__} is not allowed here")
        return value

    return structure_dict


_structure_fns_of: dict[type[Model], tuple[Callable[[Any, Any], Model], frozenset[str]]] = {}
_explain_fn_of: dict[type[Model], Callable[[Any, Any], Model]] = {}


def _structure_fns(cls: type[Model]) -> tuple[Callable[[Any, Any], Model], frozenset[str]]:
    """cattrs' plain function for ``cls`` and its wire names; made once per class."""
    fns = _structure_fns_of.get(cls)
    if fns is None:
        build = _generate_structure_fn(cls, detailed=False)
        fns = _structure_fns_of[cls] = (build, frozenset(wire_names(cls).values()))
    return fns


def _explain_fn(cls: type[Model]) -> Callable[[Any, Any], Model]:
    """cattrs' detailed function, five times the code: made only when an object fails."""
    fn = _explain_fn_of.get(cls)
    if fn is None:
        fn = _explain_fn_of[cls] = _generate_structure_fn(cls, detailed=True)
    return fn


def _generate_structure_fn(cls: type[Model], *, detailed: bool) -> Callable[[Any, Any], Model]:
    # cattrs generates the function: wire names in, the attrs __init__ (defaults,
    # validators) out; an absent field keeps its default (UNSET).
    _resolve_types(cls)
    overrides: dict[str, Any] = {
        name: override(rename=wire) for name, wire in wire_names(cls).items()
    }
    overrides["extra_fields"] = override(omit=True)
    return make_dict_structure_fn(
        cls,
        converter,
        _cattrs_forbid_extra_keys=False,
        _cattrs_detailed_validation=detailed,
        **overrides,
    )


def _structure_model_hook(cls: type[Model], allows_none: bool) -> Callable[[Any, Any], Any]:
    # Two functions, both cattrs': the plain one decodes (it compiles to a fifth of
    # the detailed one's code, which is most of a cold start's first call); the
    # detailed one is generated only when an object fails, to say which field.
    build: Callable[[Any, Any], Model] | None = None
    known: frozenset[str] = frozenset()

    def structure_model(o: Any, _: Any) -> Model | None:
        nonlocal build, known
        if o.__class__ is not dict:
            if o is None:
                _refuse_null(allows_none)
                return None
            raise ValueError(f"expected an object for {cls.__name__}, got {type(o).__name__}")
        if build is None:
            build, known = _structure_fns(cls)
        try:
            obj = build(o, cls)
        except Exception:
            _explain_fn(cls)(o, cls)  # raises ClassValidationError, naming each failed field
            raise
        if not known.issuperset(o):
            obj.extra_fields = {k: v for k, v in o.items() if k not in known}
        return obj

    return structure_model


def _unstructure_optional_factory(t: Any) -> Callable[[Any], Any]:
    inner, _ = _optional_parts(t)
    hook = converter.get_unstructure_hook(inner)
    if hook == identity:
        return identity
    return lambda value: None if value is None else hook(value)


def _unstructure_model_factory(cls: type[Model]) -> Callable[[Model], dict[str, Any]]:
    _resolve_types(cls)
    defaults = {a.name: a.default for a in attrs.fields(cls)}
    # Leave out what was never set (UNSET) — but a real default such as
    # CheckoutList.has_more=False is a value, and is written.
    overrides: dict[str, Any] = {
        name: override(rename=wire, omit_if_default=defaults[name] is UNSET)
        for name, wire in wire_names(cls).items()
    }
    overrides["extra_fields"] = override(omit=True)
    build = make_dict_unstructure_fn(cls, converter, **overrides)

    def unstructure_model(obj: Model) -> dict[str, Any]:
        data = build(obj)
        # Known fields win over a stale copy of the same name in extra_fields.
        return {**obj.extra_fields, **data} if obj.extra_fields else data

    return unstructure_model


# Later registrations win in cattrs' dispatch; these predicates do not overlap.
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(Decimal, _structure_decimal_hook(allows_none=False))
converter.register_structure_hook(datetime, _structure_datetime)
converter.register_structure_hook(date, _structure_date)
converter.register_structure_hook_factory(_is_open_enum, lambda _: _structure_str)
converter.register_structure_hook_factory(_is_optional_field, _structure_optional_factory)
converter.register_structure_hook_factory(
    _is_list, lambda t: _structure_list_hook(t, allows_none=False)
)
converter.register_structure_hook_factory(
    _is_dict, lambda t: _structure_dict_hook(t, allows_none=False)
)
converter.register_structure_hook_factory(
    _is_model, lambda cls: _structure_model_hook(cls, allows_none=False)
)

converter.register_unstructure_hook(datetime, _unstructure_datetime)
converter.register_unstructure_hook(date, _unstructure_date)
# Decimal stays a Decimal until json.dumps, where _json_default writes it exactly.
converter.register_unstructure_hook(Decimal, identity)
converter.register_unstructure_hook_factory(_is_optional_field, _unstructure_optional_factory)
converter.register_unstructure_hook_factory(_is_open_enum, lambda _: identity)
# Dict values are JSON already (or Decimals, written by _json_default).
converter.register_unstructure_hook_factory(_is_dict, lambda _: identity)
converter.register_unstructure_hook_factory(_is_model, _unstructure_model_factory)
# UNSET is never unstructured (omit_if_default drops it) but keep it explicit.
converter.register_unstructure_hook(type(UNSET), lambda _: None)


# --- the two entry points ------------------------------------------------------------


def structure(data: Any, cls: type[T]) -> T:
    """Build a model from parsed JSON, or raise ``DecodeError`` saying where and why."""
    try:
        return converter.structure(data, cls)
    except (BaseValidationError, ValueError, TypeError) as exc:
        raise DecodeError(_describe(_name_of(cls), exc)) from None
    except Exception as exc:  # a hook we did not write; still not the caller's traceback
        raise DecodeError(_describe(_name_of(cls), exc)) from exc


def _name_of(cls: Any) -> str:
    return getattr(cls, "__name__", None) or str(cls)


def unstructure(obj: Any) -> Any:
    """Turn a model (or list of models) into JSON-ready data."""
    return converter.unstructure(obj)


# --- cattrs' validation errors, told as JSON paths -----------------------------------

_SHOWN_PROBLEMS = 3
"""A hostile body can fail in thousands of places; the message names the first few."""


def _describe(root: str, exc: BaseException) -> str:
    problems = list(_problems(exc))
    shown = "; ".join(f"{root}{path}: {reason}" for path, reason in problems[:_SHOWN_PROBLEMS])
    more = len(problems) - _SHOWN_PROBLEMS
    return f"{shown} (and {more} more)" if more > 0 else shown


def _problems(exc: BaseException, path: str = "") -> typing.Iterator[tuple[str, str]]:
    """Each leaf failure under ``exc`` with its JSON path (wire names, list indices)."""
    if isinstance(exc, ClassValidationError):
        by_attribute, unplaced = exc.group_exceptions()
        names = wire_names(exc.cl) if _is_model(exc.cl) else {}
        for sub, attribute in by_attribute:
            wire = names.get(attribute.name, attribute.name)
            if isinstance(sub, KeyError):  # generated code's o['wireName'] on a required field
                yield f"{path}.{wire}", "required field is missing"
            else:
                yield from _problems(sub, f"{path}.{wire}")
        for sub in unplaced:  # the attrs __init__ itself (a validator) refused
            yield from _problems(sub, path)
    elif isinstance(exc, IterableValidationError):
        by_index, unplaced = exc.group_exceptions()
        for sub, index in by_index:
            yield from _problems(sub, f"{path}[{index.index}]")
        for sub in unplaced:
            yield from _problems(sub, path)
    else:
        yield path, str(exc) or type(exc).__name__
