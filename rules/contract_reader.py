"""The request reader, generated once from the contract's one field table.

``rules.contract_fields`` describes every field; ``compile_object`` turns the description of an
object into a Python function that reads it field after field, written out in full (the way
``collections.namedtuple`` and ``dataclasses`` write their methods), so that reading a request
does not interpret the table again: a text or a boolean that is what it should be costs one
test, everything else goes to the typed readers of ``rules.reader``, which name each problem
with its path. What the function does, field by field, in the table's order:

- absent or ``null``: a ``required`` problem when the field is required, then its default
  (``None``: unknown, or zero for the hours and amounts that say so);
- otherwise its value as read (``None`` after a problem, never the default);
- an unknown field or a value that is not an object is named first (``Reader.obj``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any, NamedTuple

from rules.contract_fields import Field, Kind
from rules.periods import Month
from rules.reader import (
    CENT,
    INT_LIMIT,
    MAX_MAGNITUDE_DIGITS,
    MONEY_DIGITS,
    Reader,
    ValueReader,
    enum_reader,
    join,
    read_boolean,
    read_day,
    read_money,
    read_month,
    read_number,
    read_text,
)

__all__ = ["Item", "ObjectReader", "compile_object"]


class Item(NamedTuple):
    """One item of a list field: its values (``None`` when it is not an object) and whether
    reading it found no problem."""

    position: int
    values: dict[str, Any] | None
    clean: bool


ObjectReader = Callable[[Reader, object, str], "dict[str, Any] | None"]
"""Reads an object at ``path``: one value per field (``None`` when unknown, a list as its
``Item``s), every problem with its path; ``None`` when the raw value is null or not an object."""

_SCALARS: dict[Kind, ValueReader] = {
    Kind.TEXT: read_text,
    Kind.BOOLEAN: read_boolean,
    Kind.DATE: read_day,
    Kind.MONTH: read_month,
    Kind.NUMBER: read_number,
    Kind.MONEY: read_money,
}
# A value of these kinds that passes a test is read by the statements beside it, as the typed
# reader would read it (a text, a boolean: unchanged; an integer number of hours: its decimal; a
# decimal within the field's bounds, as the builders of ``remuneration`` and ``payments`` write
# the database's hours and amounts: unchanged; a choice: its member; a date:
# ``date.fromisoformat``; a month: ``Month.parse``); any other value goes to the typed reader
# (``{read}``), which names the problem. Each test is the typed reader's own acceptance
# condition, or a narrower one (``test_contract_reader.py`` compares them value by value).
_USUAL: dict[Kind, list[tuple[str, list[str]]]] = {
    Kind.TEXT: [("{v}.__class__ is str", ["pass"])],
    Kind.BOOLEAN: [("{v} is True or {v} is False", ["pass"])],
    Kind.NUMBER: [
        ("{v}.__class__ is int and 0 <= {v} < INT_LIMIT", ["{v} = Decimal({v})"]),
        (
            "{v}.__class__ is Decimal and {v}.is_finite() and {v} >= 0"
            " and {v}.adjusted() < MAX_MAGNITUDE_DIGITS",
            ["pass"],
        ),
    ],
    Kind.MONEY: [
        (
            "{v}.__class__ is Decimal and {v}.is_finite() and {v} >= 0"
            " and {v}.adjusted() < MONEY_DIGITS and {v} == {v}.quantize(CENT, ROUND_DOWN)",
            ["pass"],
        ),
    ],
    Kind.CHOICE: [("{v}.__class__ is str and {v} in members{i}", ["{v} = members{i}[{v}]"])],
    Kind.DATE: [
        (
            "{v}.__class__ is str and len({v}) == 10",
            ["try:", "    {v} = fromisoformat({v})", "except ValueError:", "    {v} = {read}"],
        )
    ],
    Kind.MONTH: [
        (
            "{v}.__class__ is str",
            ["try:", "    {v} = parse_month({v})", "except ValueError:", "    {v} = {read}"],
        )
    ],
}


def _list_reader(f: Field) -> ValueReader:
    read_item = compile_object(f)
    item_message, item_technical = f.item

    def read_list(r: Reader, raw: object, path: str, key: str) -> list[Item]:
        where = join(path, key)
        items: list[Item] = []
        for index, item in enumerate(r.items(raw, where)):
            at, before = f"{where}[{index}]", len(r.problems)
            if item is None:
                r.problem(at, "required", item_message, item_technical)
                values = None
            else:
                values = read_item(r, item, at)
            items.append(Item(index, values, len(r.problems) == before))
        return items

    return read_list


def _value_reader(f: Field) -> Callable[..., Any]:
    if f.kind is Kind.OBJECT:
        return compile_object(f)
    if f.kind is Kind.LIST:
        return _list_reader(f)
    if f.kind is Kind.CHOICE:
        assert f.choices is not None
        return enum_reader(f.choices)
    return _SCALARS[f.kind]


def _field_source(index: int, f: Field) -> list[str]:
    v, name = f"v{index}", repr(f.name)
    lines = [f"    {v} = get({name})", f"    if {v} is None:"]
    if f.required:
        lines.append(
            f'        r.problem(join(path, {name}), "required", "champ obligatoire", '
            '"required field")'
        )
    lines.append(f"        {v} = default{index}")
    if f.kind is Kind.OBJECT:
        read = f"read{index}(r, {v}, path + {'.' + f.name!r} if path else {name})"
    else:
        read = f"read{index}(r, {v}, path, {name})"
    for test, statements in _USUAL.get(f.kind, ()):
        lines.append(f"    elif {test.format(v=v, i=index)}:")
        lines += [f"        {line.format(v=v, i=index, read=read)}" for line in statements]
    lines += ["    else:", f"        {v} = {read}"]
    return lines


def compile_object(spec: Field) -> ObjectReader:
    """The reader of the object ``spec`` describes, written out once from the field table."""
    namespace: dict[str, Any] = {
        "join": join,
        "allowed": spec.names,
        "Decimal": Decimal,
        "fromisoformat": date.fromisoformat,
        "INT_LIMIT": INT_LIMIT,
        "MAX_MAGNITUDE_DIGITS": MAX_MAGNITUDE_DIGITS,
        "MONEY_DIGITS": MONEY_DIGITS,
        "CENT": CENT,
        "ROUND_DOWN": ROUND_DOWN,
        "parse_month": Month.parse,
    }
    body = [
        "def read_object(r, raw, path):",
        "    if raw is None:",
        "        return None",
        "    if raw.__class__ is not dict or not raw.keys() <= allowed:",
        "        raw = r.obj(raw, path, allowed)",
        "        if raw is None:",
        "            return None",
        "    get = raw.get",
    ]
    for index, f in enumerate(spec.fields):
        namespace[f"read{index}"] = _value_reader(f)
        namespace[f"default{index}"] = f.default
        if f.choices is not None:
            namespace[f"members{index}"] = {member.value: member for member in f.choices}
        body += _field_source(index, f)
    values = ", ".join(f"{f.name!r}: v{index}" for index, f in enumerate(spec.fields))
    body.append(f"    return {{{values}}}")
    source = compile("\n".join(body), f"<contract reader {spec.name or 'request'}>", "exec")
    exec(source, namespace)  # noqa: S102 - our own table's code, as namedtuple and dataclass do
    reader: ObjectReader = namespace["read_object"]
    return reader
