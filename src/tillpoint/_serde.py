"""The one cattrs converter: every (de)serialisation policy lives here, not on the models.

Policies, each in one place below:

* names — snake_case attributes; camelCase on the wire for Digital River models,
  snake_case for Gr4vy ones (``Model.wire_case``); a field may override its wire
  name with ``metadata={"wire": "..."}``;
* three states — ``UNSET`` fields are left out, ``None`` is sent as ``null``;
* unknown fields — kept in ``extra_fields`` and written back out;
* money — JSON numbers are parsed straight to ``Decimal`` (``parse_float``), and a
  ``Decimal`` is written as a JSON number, refusing any that a JSON number (an IEEE
  double, which is what the server reads) cannot carry exactly;
* datetimes — ISO 8601, always timezone-aware (``Z`` means UTC);
* open enums — plain ``str`` at run time, so unknown values survive a round trip;
* strict primitives — a string is never silently made out of a dict, nor an int out
  of a bool: a body that is not the model is a ``ResponseValidationError``.

Decoding never touches cattrs: its hooks are generated here, once per type on first
use, so a process whose first call is a read (a serverless cold start) does not pay
to import cattrs. Encoding goes through the cattrs converter, built on first use.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, Union

import attrs

from .models._base import UNSET, Model, Unset

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "DecodeError",
    "dumps",
    "loads",
    "structure",
    "structure_hook",
    "unstructure",
]

T = TypeVar("T")

StructureHook = Callable[[Any, Any], Any]


class DecodeError(ValueError):
    """A JSON document that is not the expected model; the message says where and why."""


# --- JSON -------------------------------------------------------------------------


# One decoder and one encoder, made once: json.loads/dumps build a new one on every
# call that passes options, which costs more than decoding a small body.
_DECODER = json.JSONDecoder(parse_float=Decimal)


def loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as an exact ``Decimal``."""
    if not isinstance(text, str):
        # What json.loads does with bytes: UTF-8, -16 or -32, told apart by the BOM
        # or the pattern of zero bytes. A body that is none of them is a ValueError.
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    return _DECODER.decode(text)


_MAX_EXACT_INT = 2**53


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        # Beyond 2**53 a double (what the server reads) no longer holds every
        # integer, and int() of Decimal("1E+400") would build a 401-digit number.
        if (
            value.is_finite()
            and value.adjusted() < 16
            and value.as_tuple().exponent >= 0  # type: ignore[operator]
            and abs(value) <= _MAX_EXACT_INT
        ):
            return int(value)  # Decimal("10") goes out as 10, not 10.0
        number = float(value)
        # repr(float) is the shortest string that reads back as the same double, so a
        # Decimal survives exactly iff reading that string gives the Decimal back.
        if not value.is_finite() or Decimal(repr(number)) != value:
            raise ValueError(
                f"{value} cannot be sent exactly as a JSON number; "
                "round it (for example to 2 decimal places) first"
            )
        return number
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_ENCODER = json.JSONEncoder(
    default=_json_default, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def dumps(data: Any) -> bytes:
    """Encode unstructured data as compact UTF-8 JSON."""
    return _ENCODER.encode(data).encode()


def structure(data: Any, cls: type[T]) -> T:
    """Build a model from parsed JSON, or raise ``DecodeError`` saying where and why."""
    try:
        return structure_hook(cls)(data, cls)  # type: ignore[no-any-return]
    except _Problem as problem:
        raise DecodeError(
            f"{getattr(cls, '__name__', cls)}{problem.path}: {problem.reason}"
        ) from None
    except Exception as exc:  # a hook we did not write; still not the caller's traceback
        raise DecodeError(f"{getattr(cls, '__name__', cls)}: {exc}") from exc


def unstructure(obj: Any) -> Any:
    """Turn a model (or list of models) into JSON-ready data."""
    return _converter().unstructure(obj)


class _Problem(ValueError):
    """Why a value does not fit, and where (a JSON-path suffix such as ``.items[2].tax``)."""

    def __init__(self, reason: str, path: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def under(self, step: str) -> _Problem:
        return _Problem(self.reason, step + self.path)


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


def _structure_decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise ValueError(f"expected a number, got {type(value).__name__}")


_ISO_Z = re.compile(r"[zZ]$")


def _structure_datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(_ISO_Z.sub("+00:00", value))
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


_PRIMITIVES: dict[Any, StructureHook] = {
    str: _structure_str,
    bool: _structure_bool,
    int: _structure_int,
    Decimal: _structure_decimal,
    datetime: _structure_datetime,
    date: _structure_date,
}


# --- containers ----------------------------------------------------------------


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
_optional_parts_of: dict[Any, tuple[Any, bool]] = {}
_is_optional: dict[Any, bool] = {}


def _optional_parts(t: Any) -> tuple[Any, bool]:
    """``X | None | Unset`` → ``(X, allows_none)``."""
    parts = _optional_parts_of.get(t)
    if parts is None:
        parts = _optional_parts_of[t] = _split_optional(t)
    return parts


def _split_optional(t: Any) -> tuple[Any, bool]:
    args = typing.get_args(t)
    rest = tuple(a for a in args if a is not type(None) and a != Unset)
    if len(rest) == 1:
        inner = rest[0]
    elif str in rest and _is_open_enum(Union[rest]):
        inner = str
    else:
        inner = Union[rest]
    return inner, type(None) in args


def _is_optional_field(t: Any) -> bool:
    known = _is_optional.get(t)
    if known is None:
        known = _is_optional[t] = _is_union(t) and any(
            a is type(None) or a == Unset for a in typing.get_args(t)
        )
    return known


def _structure_optional_factory(t: Any) -> Callable[[Any, Any], Any]:
    inner, allows_none = _optional_parts(t)

    def structure_optional(value: Any, _: Any) -> Any:
        if value is None:
            if allows_none:
                return None
            raise ValueError("null is not allowed here")
        return (_structure_hooks.get(inner) or structure_hook(inner))(value, inner)

    return structure_optional


def _is_list(t: Any) -> bool:
    return typing.get_origin(t) is list


def _structure_list_factory(t: Any) -> Callable[[Any, Any], Any]:
    (item_type,) = typing.get_args(t) or (Any,)
    exact = _exact_type(item_type)

    def structure_list(value: Any, _: Any) -> list[Any]:
        if value.__class__ is not list:
            raise _Problem(f"expected an array, got {type(value).__name__}")
        if exact is not None and all(item.__class__ is exact for item in value):
            return value
        items = []
        hook = _structure_hooks.get(item_type) or structure_hook(item_type)
        for index, item in enumerate(value):
            try:
                items.append(hook(item, item_type))
            except _Problem as problem:
                raise problem.under(f"[{index}]") from None
            except (ValueError, TypeError) as exc:
                raise _Problem(str(exc), f"[{index}]") from None
        return items

    return structure_list


def _is_dict(t: Any) -> bool:
    return typing.get_origin(t) is dict


def _structure_dict_factory(t: Any) -> Callable[[Any, Any], Any]:
    _, value_type = typing.get_args(t) or (str, Any)
    if value_type is Any:
        check: Callable[[Any], bool] | None = None
    elif value_type is str:
        check = lambda v: isinstance(v, str)
    else:  # metadata-style scalars: str | int | bool
        allowed = tuple(typing.get_args(value_type)) or (value_type,)
        check = lambda v: isinstance(v, allowed) or isinstance(v, Decimal)

    def structure_dict(value: Any, _: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError(f"expected an object, got {type(value).__name__}")
        if check is not None:
            for key, item in value.items():
                if not check(item):
                    raise ValueError(f"{key!r}: {type(item).__name__} is not allowed here")
        return value

    return structure_dict


# --- models ----------------------------------------------------------------------


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Model)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_names(cls: type[Model]) -> dict[str, str]:
    """Attribute name → wire name, for every field but ``extra_fields``."""
    names = {}
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
    ``Decimal``; a value of exactly that class can be taken as it is, skipping a hook
    call. ``bool`` and ``int`` stay apart because the check is by exact class.
    """
    if t in (str, bool, int, Decimal):
        return t  # type: ignore[no-any-return]
    if _is_open_enum(t):
        return str
    return None


class _NoExactType:
    """A class no JSON value has: fields without a fast path always take the slow one."""


_MISSING = object()


_annotations: dict[tuple[str, str], Any] = {}


def _field_types(cls: type[Model]) -> dict[str, Any]:
    """Each field's type, its annotation string evaluated where the field was declared.

    What ``typing.get_type_hints`` gives, but each distinct string (``"str | Unset |
    None"`` recurs hundreds of times across the models) is compiled and evaluated
    once per module rather than once per field: on a cold start, that is most of the
    cost of generating the first call's hooks.
    """
    types_: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if not isinstance(a.type, str):
            types_[a.name] = a.type
            continue
        owner = next((c for c in cls.__mro__ if a.name in inspect.get_annotations(c)), cls)
        key = (owner.__module__, a.type)
        if key not in _annotations:
            try:
                _annotations[key] = eval(a.type, vars(sys.modules[owner.__module__]))
            except NameError:  # a name only the class body knows: typing's full rules
                return typing.get_type_hints(cls)
        types_[a.name] = _annotations[key]
    return types_


_INTERPRETED_OBJECTS = 16
"""Objects of a class decoded by walking its plan before its hook is compiled."""


def _structure_model_factory(cls: type[Model]) -> Callable[[Any, Any], Model]:
    # The plan — per field its wire name, default, fast-path class and slow path —
    # is made once. The first objects of a class are decoded by walking the plan;
    # after that, by code generated from it, which is faster per object but costs
    # ~0.25 ms a class to compile: a serverless cold start's one call (a full
    # checkout is ~20 classes, ten line items) would spend more compiling than decoding.
    plan = _ModelPlan(cls)
    uses = 0
    compiled: Callable[[Any, Any], Model] | None = None

    def structure_first(o: Any, _: Any) -> Model:
        nonlocal uses, compiled
        if compiled is None:
            uses += 1
            if uses <= _INTERPRETED_OBJECTS:
                return plan.interpret(o)
            # Consumers look hooks up when they use them (see _structure_hooks), so from
            # now on they get the compiled one; this indirection serves only references
            # taken earlier (a list being decoded), which must not compile it again.
            compiled = _structure_hooks[cls] = plan.compile()
        return compiled(o, _)

    return structure_first


class _ModelPlan:
    """How one model class decodes: interpreted as data, or compiled into a function."""

    def __init__(self, cls: type[Model]) -> None:
        field_types = _field_types(cls)
        names = wire_names(cls)
        self.cls = cls
        self.known = frozenset(names.values())
        # (attribute, wire name, default, exact class, slow path, default is constant)
        self.fields: list[tuple[str, str, Any, type, Callable[[Any], Any], bool]] = []
        for a in attrs.fields(cls):
            if a.name == "extra_fields":
                continue
            constant = a.default is not attrs.NOTHING and not isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
            t = field_types[a.name]
            inner = _optional_parts(t)[0] if _is_optional_field(t) else t
            self.fields.append(
                (
                    a.name,
                    names[a.name],
                    a.default if constant else _MISSING,
                    _exact_type(inner) or _NoExactType,
                    _slow_field(a, names[a.name], t),
                    constant,
                )
            )

    def interpret(self, o: Any) -> Model:
        if o.__class__ is not dict:
            raise _Problem(f"expected an object for {self.cls.__name__}, got {type(o).__name__}")
        obj = object.__new__(self.cls)
        for name, wire, default, exact, slow, constant in self.fields:
            x = o.get(wire, default)
            # An absent field keeps a constant default (UNSET) as it is; a factory or
            # a required field must go through the slow path even when absent.
            if x.__class__ is not exact and not (constant and x is default):
                x = slow(x)
            setattr(obj, name, x)
        obj.extra_fields = {} if self.known.issuperset(o) else _extras(o, self.known)
        return obj

    def compile(self) -> Callable[[Any, Any], Model]:
        # The same steps as interpret(), unrolled: one dict lookup per field, a value
        # of the expected exact class (str, int, bool, Decimal) stored without any
        # call, and the attrs __init__ skipped — models are plain slotted classes with
        # no validators, so setting the slots is equivalent.
        cls = self.cls
        namespace: dict[str, Any] = {
            "_cls": cls,
            "_new": object.__new__,
            "_Problem": _Problem,
            "_known": self.known,
            "_extras": _extras,
        }
        lines = [
            "def structure(o, _):",
            "    if o.__class__ is not dict:",
            "        raise _Problem(",
            f"            'expected an object for {cls.__name__}, got ' + type(o).__name__",
            "        )",
            "    obj = _new(_cls)",
        ]
        for index, (name, wire, default, exact, slow, constant) in enumerate(self.fields):
            namespace[f"_d{index}"] = default
            namespace[f"_e{index}"] = exact
            namespace[f"_s{index}"] = slow
            skip_default = f" and x is not _d{index}" if constant else ""
            lines += [
                f"    x = o.get({wire!r}, _d{index})",
                f"    if x.__class__ is not _e{index}{skip_default}:",
                f"        x = _s{index}(x)",
                f"    obj.{name} = x",
            ]
        lines += [
            "    obj.extra_fields = {} if _known.issuperset(o) else _extras(o, _known)",
            "    return obj",
        ]
        exec(compile("\n".join(lines), f"<tillpoint structure {cls.__name__}>", "exec"), namespace)
        return namespace["structure"]  # type: ignore[no-any-return]


def _extras(data: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in known}


def _slow_field(field: attrs.Attribute[Any], wire: str, t: Any) -> Callable[[Any], Any]:
    """Everything but the fast path: missing, null, conversion, and where it went wrong.

    The field's own hook is looked up on first use: a nested model that never turns
    up in a response (most of them, in most responses) is never generated.
    """
    inner, allows_none = _optional_parts(t) if _is_optional_field(t) else (t, False)
    default: Any = field.default
    factory = default.factory if isinstance(default, attrs.Factory) else None  # type: ignore[arg-type]

    def slow(value: Any) -> Any:
        if value is _MISSING:
            if factory is not None:
                return factory()
            raise _Problem(f"required field {wire} is missing")
        if value is None:
            if allows_none:
                return None
            raise _Problem("null is not allowed here", f".{wire}")
        try:
            return (_structure_hooks.get(inner) or structure_hook(inner))(value, inner)
        except _Problem as problem:
            raise problem.under(f".{wire}") from None
        except (ValueError, TypeError) as exc:
            raise _Problem(str(exc), f".{wire}") from None

    return slow


def _passthrough(value: Any, _: Any) -> Any:
    return value


# --- dispatch: which hook decodes a type ------------------------------------------

_structure_hooks: dict[Any, StructureHook] = {}
# Hooks that decode a nested type look it up here at each use (``_structure_hooks.get(t)
# or structure_hook(t)``, inline on the hot path) rather than keep it: a model's hook is
# replaced by a compiled one after its first objects, and its users must see the new one.


def structure_hook(t: Any) -> StructureHook:
    """The hook that decodes JSON into ``t``: made on first use, then cached."""
    hook = _structure_hooks.get(t)
    if hook is None:
        hook = _structure_hooks[t] = _make_structure_hook(t)
    return hook


def _make_structure_hook(t: Any) -> StructureHook:
    primitive = _PRIMITIVES.get(t)
    if primitive is not None:
        return primitive
    if t is Any:
        return _passthrough
    if _is_model(t):
        return _structure_model_factory(t)
    if _is_optional_field(t):
        return _structure_optional_factory(t)
    if _is_open_enum(t):
        return _structure_str
    if _is_list(t):
        return _structure_list_factory(t)
    if _is_dict(t):
        return _structure_dict_factory(t)
    # Nothing the models use today; cattrs' own rules, rather than a wrong guess.
    return _converter().get_structure_hook(t)


def _is_ours(t: Any) -> bool:
    return (
        t in _PRIMITIVES
        or _is_model(t)
        or _is_optional_field(t)
        or _is_open_enum(t)
        or _is_list(t)
        or _is_dict(t)
    )


# --- encoding: the cattrs converter, built on first use ------------------------------

_converter_instance: cattrs.Converter | None = None


def _converter() -> cattrs.Converter:
    global _converter_instance
    if _converter_instance is None:
        _converter_instance = _build_converter()
    return _converter_instance


def __getattr__(name: str) -> Any:
    # ``_serde.converter`` stays available, without importing cattrs until it is used.
    if name == "converter":
        return _converter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _build_converter() -> cattrs.Converter:
    import cattrs
    from cattrs.fns import identity
    from cattrs.gen import make_dict_unstructure_fn, override

    converter = cattrs.Converter(detailed_validation=True)

    def unstructure_optional_factory(t: Any) -> Callable[[Any], Any]:
        inner, _ = _optional_parts(t)
        hook = converter.get_unstructure_hook(inner)
        if hook == identity:
            return identity
        return lambda value: None if value is None else hook(value)

    def unstructure_model_factory(cls: type[Model]) -> Callable[[Model], dict[str, Any]]:
        attrs.resolve_types(cls)
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

    # Decoding through the converter decodes exactly as structure() does.
    converter.register_structure_hook_factory(_is_ours, structure_hook)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_unstructure_hook(date, _unstructure_date)
    # Decimal stays a Decimal until json.dumps, where _json_default writes it exactly.
    converter.register_unstructure_hook(Decimal, identity)
    converter.register_unstructure_hook_factory(_is_optional_field, unstructure_optional_factory)
    converter.register_unstructure_hook_factory(_is_open_enum, lambda _: identity)
    # Dict values are JSON already (or Decimals, written by _json_default).
    converter.register_unstructure_hook_factory(_is_dict, lambda _: identity)
    converter.register_unstructure_hook_factory(_is_model, unstructure_model_factory)
    # UNSET is never unstructured (omit_if_default drops it) but keep it explicit.
    converter.register_unstructure_hook(type(UNSET), lambda _: None)
    return converter
