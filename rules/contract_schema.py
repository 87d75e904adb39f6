"""The JSON Schema of the evaluation contract's request, generated from its one field table
(``rules.contract_fields``): what the OpenAPI document shows is what the parser reads."""

from __future__ import annotations

from typing import Any

from rules.contract_fields import REQUEST, Field, Kind

__all__ = ["request_schema"]

_NUMBER: list[dict[str, Any]] = [
    {"type": "number", "minimum": 0},
    {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
]
_MONEY: list[dict[str, Any]] = [{"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}]


def _object(spec: Field) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: _field(f) for f in spec.fields},
        "additionalProperties": False,
    }
    required = [f.name for f in spec.fields if f.required]
    if required:
        schema["required"] = required
    return schema


def _typed(kind: str, f: Field, **extra: Any) -> dict[str, Any]:
    return {"type": kind if f.required else [kind, "null"], **extra}


def _alternatives(options: list[dict[str, Any]], f: Field) -> dict[str, Any]:
    if f.required and len(options) == 1:
        return options[0]
    return {"anyOf": options if f.required else [*options, {"type": "null"}]}


def _field(f: Field) -> dict[str, Any]:
    if f.kind is Kind.OBJECT:
        return _alternatives([_object(f)], f)
    if f.kind is Kind.LIST:
        return _typed("array", f, items=_object(f))
    if f.kind is Kind.CHOICE:
        assert f.choices is not None
        return _alternatives([{"type": "string", "enum": [c.value for c in f.choices]}], f)
    if f.kind is Kind.NUMBER:
        return _alternatives(list(_NUMBER), f)
    if f.kind is Kind.MONEY:
        return _alternatives(list(_MONEY), f)
    extra = {
        Kind.DATE: {"format": "date"},
        Kind.MONTH: {"pattern": r"^\d{4}-\d{2}$"},
        Kind.BOOLEAN: {},
        Kind.TEXT: {},
    }[f.kind]
    return _typed("boolean" if f.kind is Kind.BOOLEAN else "string", f, **extra)


def request_schema() -> dict[str, Any]:
    """The request's JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it)."""
    return _object(REQUEST)
