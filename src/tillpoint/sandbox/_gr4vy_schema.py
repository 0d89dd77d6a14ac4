"""A pydantic-style validator for the Gr4vy checkout-session body (contract §5.3).

Gr4vy's v2 API is FastAPI + pydantic with ``additionalProperties: false`` on
every schema, so a bad body yields a 422 whose ``detail`` lists *every*
problem, each as ``{"type", "loc", "msg", "input", "ctx"?}`` with pydantic's
error types and messages (``missing`` / "Field required", ``extra_forbidden``
/ "Extra inputs are not permitted", ``string_too_long``, ...).

The sandbox validates in *strict* mode on purpose: pydantic's lax mode would
coerce ``"5"`` or ``5.0`` into an integer, but an SDK that sends those has a
serialisation bug worth surfacing, so the sandbox reports ``int_type`` instead.

Validation also normalises: every schema field appears in the output, absent
ones as their default (``None``, or e.g. ``0`` for ``discount_amount``), which
is what a pydantic response model serialises.

Why not pydantic itself (decided, with figures; re-measure before revisiting):

* Fidelity: ``tests/sandbox/test_sandbox_gr4vy_fidelity.py`` sends 11 bad bodies
  to this validator and to a real FastAPI app; 10 of 11 ``detail`` lists are
  identical, and the 11th (a malformed UUID) differs only in the wording of the
  reason. Pydantic would not make it exact for free either: FastAPI validates the
  parsed JSON in Python mode, where a strict UUID or enum field refuses every
  JSON string (``is_instance_of``), so those fields need hand-set lax mode.
* Cost: importing pydantic took ~280-320 ms and building one small strict model
  ~60-90 ms on the (loaded, 2-core) development machine, against ~200 ms for the
  whole of ``tillpoint.sandbox`` today; the session schema would be ~10 models.
* Size: this module (363 lines) would go, but the field declarations in
  ``_sessions.py`` would become pydantic classes of about the same length.
* ``make demo``: 13 packages today, 17 with pydantic (pydantic, pydantic-core,
  annotated-types, typing-inspection): within the limit of 20, not the reason.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from ._clock import parse_iso_datetime

__all__ = [
    "Bool",
    "Enum",
    "Errors",
    "Int",
    "ListOf",
    "Loc",
    "Model",
    "Num",
    "Schema",
    "Str",
    "StrMap",
    "error",
]

Loc = tuple[str | int, ...]
Errors = list[dict[str, Any]]


def error(
    errors: Errors,
    type_: str,
    loc: Loc,
    msg: str,
    value: Any,
    ctx: dict[str, Any] | None = None,
) -> None:
    entry: dict[str, Any] = {"type": type_, "loc": list(loc), "msg": msg, "input": value}
    if ctx is not None:
        entry["ctx"] = ctx
    errors.append(entry)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class Schema:
    def __init__(self, *, nullable: bool = True) -> None:
        self.nullable = nullable

    def validate(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if value is None:
            if self.nullable:
                return None
            self.type_error(value, loc, errors)
            return None
        return self.validate_value(value, loc, errors)

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        raise NotImplementedError

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        raise NotImplementedError


class Str(Schema):
    def __init__(
        self,
        *,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        format: str | None = None,  # "uuid", "date-time" or "date"
        nullable: bool = True,
    ) -> None:
        super().__init__(nullable=nullable)
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern
        self.format = format

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(errors, "string_type", loc, "Input should be a valid string", value)

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, str):
            self.type_error(value, loc, errors)
            return value
        if self.format == "uuid":
            try:
                return str(uuid.UUID(value))
            except ValueError as exc:
                error(
                    errors,
                    "uuid_parsing",
                    loc,
                    f"Input should be a valid UUID, {exc}",
                    value,
                    {"error": str(exc)},
                )
                return value
        if self.format == "date-time" and parse_iso_datetime(value) is None:
            reason = "input is not a valid ISO 8601 date-time"
            error(
                errors,
                "datetime_from_date_parsing",
                loc,
                f"Input should be a valid datetime or date, {reason}",
                value,
                {"error": reason},
            )
            return value
        if self.format == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            reason = "input is not a valid YYYY-MM-DD date"
            error(
                errors,
                "date_from_datetime_parsing",
                loc,
                f"Input should be a valid date or datetime, {reason}",
                value,
                {"error": reason},
            )
            return value
        if self.min_length is not None and len(value) < self.min_length:
            error(
                errors,
                "string_too_short",
                loc,
                f"String should have at least {_plural(self.min_length, 'character')}",
                value,
                {"min_length": self.min_length},
            )
        elif self.max_length is not None and len(value) > self.max_length:
            error(
                errors,
                "string_too_long",
                loc,
                f"String should have at most {_plural(self.max_length, 'character')}",
                value,
                {"max_length": self.max_length},
            )
        elif self.pattern is not None and not re.search(self.pattern, value):
            error(
                errors,
                "string_pattern_mismatch",
                loc,
                f"String should match pattern '{self.pattern}'",
                value,
                {"pattern": self.pattern},
            )
        return value


class Int(Schema):
    def __init__(
        self,
        *,
        ge: int | None = None,
        gt: int | None = None,
        le: int | None = None,
        nullable: bool = True,
    ) -> None:
        super().__init__(nullable=nullable)
        self.ge, self.gt, self.le = ge, gt, le

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(errors, "int_type", loc, "Input should be a valid integer", value)

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            self.type_error(value, loc, errors)
            return value
        _check_bounds(value, loc, errors, ge=self.ge, gt=self.gt, le=self.le)
        return value


class Num(Schema):
    def __init__(
        self, *, ge: int | None = None, le: int | None = None, nullable: bool = True
    ) -> None:
        super().__init__(nullable=nullable)
        self.ge, self.le = ge, le

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(errors, "float_type", loc, "Input should be a valid number", value)

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            self.type_error(value, loc, errors)
            return value
        _check_bounds(value, loc, errors, ge=self.ge, gt=None, le=self.le)
        return value


def _check_bounds(
    value: float, loc: Loc, errors: Errors, *, ge: int | None, gt: int | None, le: int | None
) -> None:
    if gt is not None and not value > gt:
        error(errors, "greater_than", loc, f"Input should be greater than {gt}", value, {"gt": gt})
    elif ge is not None and not value >= ge:
        error(
            errors,
            "greater_than_equal",
            loc,
            f"Input should be greater than or equal to {ge}",
            value,
            {"ge": ge},
        )
    elif le is not None and not value <= le:
        error(
            errors,
            "less_than_equal",
            loc,
            f"Input should be less than or equal to {le}",
            value,
            {"le": le},
        )


class Bool(Schema):
    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(errors, "bool_type", loc, "Input should be a valid boolean", value)

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, bool):
            self.type_error(value, loc, errors)
        return value


class Enum(Schema):
    def __init__(self, *values: str, nullable: bool = True) -> None:
        super().__init__(nullable=nullable)
        self.values = values
        quoted = [f"'{v}'" for v in values]
        self.expected = (
            quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        )

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(
            errors,
            "enum",
            loc,
            f"Input should be {self.expected}",
            value,
            {"expected": self.expected},
        )

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if value not in self.values:
            self.type_error(value, loc, errors)
        return value


class ListOf(Schema):
    def __init__(
        self, item: Schema, *, max_items: int | None = None, nullable: bool = True
    ) -> None:
        super().__init__(nullable=nullable)
        self.item = item
        self.max_items = max_items

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(errors, "list_type", loc, "Input should be a valid list", value)

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, list):
            self.type_error(value, loc, errors)
            return value
        if self.max_items is not None and len(value) > self.max_items:
            error(
                errors,
                "too_long",
                loc,
                f"List should have at most {_plural(self.max_items, 'item')} after validation, "
                f"not {len(value)}",
                value,
                {"field_type": "List", "max_length": self.max_items, "actual_length": len(value)},
            )
            return value
        return [
            self.item.validate(element, (*loc, index), errors)
            for index, element in enumerate(value)
        ]


class StrMap(Schema):
    """``dict[str, str]`` (Gr4vy ``metadata``)."""

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(errors, "dict_type", loc, "Input should be a valid dictionary", value)

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, dict):
            self.type_error(value, loc, errors)
            return value
        for key, item in value.items():
            if not isinstance(item, str):
                error(errors, "string_type", (*loc, key), "Input should be a valid string", item)
        return dict(value)


class Model(Schema):
    """An object with known fields and ``additionalProperties: false``.

    ``fields`` maps a name to ``(schema, default)``; names in ``required`` have
    no default.
    """

    def __init__(
        self,
        fields: dict[str, tuple[Schema, Any]],
        *,
        required: tuple[str, ...] = (),
        nullable: bool = True,
    ) -> None:
        super().__init__(nullable=nullable)
        self.fields = fields
        self.required = required

    def type_error(self, value: Any, loc: Loc, errors: Errors) -> None:
        error(
            errors,
            "model_attributes_type",
            loc,
            "Input should be a valid dictionary or object to extract fields from",
            value,
        )

    def validate_value(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, dict):
            self.type_error(value, loc, errors)
            return value
        result: dict[str, Any] = {}
        for name, (schema, default) in self.fields.items():
            if name in value:
                result[name] = schema.validate(value[name], (*loc, name), errors)
            elif name in self.required:
                error(errors, "missing", (*loc, name), "Field required", value)
            else:
                result[name] = default
        for name, extra in value.items():
            if name not in self.fields:
                error(
                    errors, "extra_forbidden", (*loc, name), "Extra inputs are not permitted", extra
                )
        return result
