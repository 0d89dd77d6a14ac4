"""Request bodies and their parts: checked, and converted, when they are built.

A request model (``CheckoutCreate``, ``Item``, ``CheckoutSessionCreate``, …) walks
everything it is given once, in ``__attrs_post_init__``, and so does every part
nested in it, whatever its class:

* a ``dict`` where a model belongs becomes that model, strictly: its keys are the
  model's attribute names (``sku_id``, not ``skuId``), and an unknown key or a value
  of the wrong type is refused;
* a response model where its request counterpart belongs (a ``CheckoutItem`` where
  an ``Item`` goes) keeps only the request's fields, as ``from_response`` does;
* a decimal field takes a ``Decimal`` or an ``int``; a float, a string, ``NaN`` or an
  infinity is refused (``_base.as_decimal``); an integer field takes an ``int`` only;
* anything else of the wrong type is refused.

A refusal is a ``TypeError`` (wrong type, unknown key, missing field) or a
``ValueError`` (a non-finite amount) whose message starts with the path of the
value, e.g. ``CheckoutCreate.items[0].price: …``. Response models are not checked:
they are built by the decoder from JSON that has been checked already.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, Union

import attrs

from .._keywords import closest_name
from ._base import UNSET, Model, Unset, as_decimal

__all__ = ["RequestModel"]

R = TypeVar("R", bound=Model)
Req = TypeVar("Req", bound="RequestModel[Any]")


class RequestModel(Generic[R]):
    """Mixin of request models; ``R`` is the response model the request part copies."""

    __slots__ = ()

    response_type: ClassVar[type[Model]]
    """The response model whose request fields ``from_response`` keeps."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if typing.get_origin(base) is RequestModel:
                (cls.response_type,) = typing.get_args(base)

    def __attrs_post_init__(self) -> None:
        assert isinstance(self, Model)
        _check_model(self, type(self).__name__)

    @classmethod
    def from_response(cls: type[Req], response: R, **changes: Any) -> Req:
        """This request part, made from the response's part: only the fields a request
        may carry are kept (and ``changes`` on top), so nothing the server alone
        writes (an item's ``id``, ``amount``, ``tax``, a shipping ``taxAmount``, fields
        this version does not know) is sent back. The copy shares nothing with
        ``response``."""
        if not isinstance(response, cls.response_type):
            raise TypeError(
                f"{cls.__name__}.from_response takes a {cls.response_type.__name__}, "
                f"got {type(response).__name__}"
            )
        theirs = {a.name for a in attrs.fields(type(response))} - {"extra_fields"}
        fields = {
            name: _copy(getattr(response, name))
            for name in _field_types(cls)
            if name in theirs and getattr(response, name) is not UNSET
        }
        return cls(**{**fields, **changes})


def _copy(value: Any) -> Any:
    """A deep copy of a response's part, without the fields this version does not know."""
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, Model):
        return attrs.evolve(
            value,
            extra_fields={},
            **{
                a.name: _copy(getattr(value, a.name))
                for a in attrs.fields(type(value))
                if a.init and a.name != "extra_fields"
            },
        )
    return value


# --- the walk -----------------------------------------------------------------------

_hints: dict[type[Any], dict[str, Any]] = {}


def _field_types(cls: type[Any]) -> dict[str, Any]:
    """Each field's type (``extra_fields`` aside), resolved once per class."""
    known = _hints.get(cls)
    if known is None:
        hints = typing.get_type_hints(cls)
        known = _hints[cls] = {
            a.name: hints[a.name] for a in attrs.fields(cls) if a.name != "extra_fields"
        }
    return known


def _check_model(obj: Model, path: str) -> None:
    for name, t in _field_types(type(obj)).items():
        value = getattr(obj, name)
        checked = _check(value, t, f"{path}.{name}")
        if checked is not value:
            setattr(obj, name, checked)


def _check(value: Any, t: Any, path: str) -> Any:
    """``value`` as type ``t`` (converted where the module docstring says), or a refusal."""
    if t is Any:
        return value
    if typing.get_origin(t) in (Union, types.UnionType):
        args = typing.get_args(t)
        if value is UNSET and Unset in args:
            return value
        if value is None:
            if type(None) in args:
                return value
            raise TypeError(f"{path}: None is not allowed here")
        rest = [a for a in args if a is not type(None) and a != Unset]
        if str in rest and all(a is str or typing.get_origin(a) is typing.Literal for a in rest):
            t = str  # an open enum: any string
        elif len(rest) == 1:
            t = rest[0]
        elif all(a in (str, int, bool) for a in rest):  # metadata values
            if isinstance(value, tuple(rest)):
                return value
            names = " | ".join(a.__name__ for a in rest)
            raise TypeError(f"{path}: expected {names}, got {_what(value)}")
        else:
            return value  # no such field in the models; nothing to check against
    if t is Decimal:
        return as_decimal(value, path)
    if t in (str, bool, int):
        # By exact class where it matters: True is not the int 1 here.
        if isinstance(value, t) and not (t is int and isinstance(value, bool)):
            return value
        raise TypeError(_wrong_type(value, t, path))
    if t is datetime:
        if not isinstance(value, datetime):
            raise TypeError(_wrong_type(value, t, path))
        if value.tzinfo is None:
            raise ValueError(f"{path}: {value!r} is naive; use a timezone-aware datetime")
        return value
    if t is date:
        if not isinstance(value, date):
            raise TypeError(_wrong_type(value, t, path))
        return value
    origin = typing.get_origin(t)
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise TypeError(_wrong_type(value, list, path))
        (item_type,) = typing.get_args(t)
        return [_check(item, item_type, f"{path}[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError(_wrong_type(value, dict, path))
        _, value_type = typing.get_args(t)
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: key {key!r} is not a string")
            _check(item, value_type, f"{path}[{key!r}]")
        return value
    if isinstance(t, type) and issubclass(t, Model):
        return _as_model(value, t, path)
    return value


def _as_model(value: Any, cls: type[Model], path: str) -> Model:
    if isinstance(value, cls):
        if not isinstance(value, RequestModel):  # a request part checked itself when built
            _check_model(value, path)
        return value
    response_type = getattr(cls, "response_type", None)
    if response_type is not None and isinstance(value, response_type):
        return _prefixed(path, lambda: cls.from_response(value))  # type: ignore[attr-defined]
    if isinstance(value, dict):
        return _from_dict(value, cls, path)
    raise TypeError(
        f"{path}: expected {cls.__name__} (or a dict of its fields), got {_what(value)}"
    )


def _from_dict(data: dict[Any, Any], cls: type[Model], path: str) -> Model:
    known = _field_types(cls)
    for key in data:
        if key not in known and key != "extra_fields":
            suggestion = _did_you_mean(key, known)
            raise TypeError(f"{path}: {cls.__name__} has no field {key!r}{suggestion}")
    for a in attrs.fields(cls):
        if a.default is attrs.NOTHING and a.name not in data:
            raise TypeError(f"{path}.{a.name} is required")
    kwargs = {
        key: value if key == "extra_fields" else _check(value, known[key], f"{path}.{key}")
        for key, value in data.items()
    }
    return _prefixed(path, lambda: cls(**kwargs))


def _prefixed(path: str, build: Callable[[], Model]) -> Model:
    """``build()``, with a refusal from inside it saying where the part is."""
    try:
        return build()
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{path}: {exc}") from None


def _did_you_mean(key: Any, names: Iterable[str]) -> str:
    if not isinstance(key, str):
        return ""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
    close = closest_name(snake, list(names))
    return f" (did you mean {close!r}?)" if close is not None else ""


def _what(value: Any) -> str:
    if isinstance(value, (int, float, str, Decimal)):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__


def _wrong_type(value: Any, t: type, path: str) -> str:
    message = f"{path}: expected {t.__name__}, got {_what(value)}"
    if t is int and isinstance(value, (float, Decimal)) and "amount" in path.rpartition(".")[2]:
        message += "; Gr4vy amounts are integers in minor units (1299 is 12.99)"
    return message
