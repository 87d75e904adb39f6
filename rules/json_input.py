"""Bounded JSON reading: exact decimals, at most 64 levels of nesting, numbers of bounded size.

Every door that reads JSON (the library's ``loads``, ``remu evaluate``, every HTTP route) goes
through ``bounded_loads``, so that a hostile document is an input error with its JSON path,
never a crash of the parser (Python's recursion limit, its 4 300-digit integer limit) nor a
decimal that no arithmetic can use.
"""

from __future__ import annotations

import json
import re
import threading
from decimal import Decimal
from typing import Any

from rules.errors import InputError, InputProblem

__all__ = ["MAX_JSON_DEPTH", "MAX_NUMBER_CHARS", "bounded_loads"]

MAX_JSON_DEPTH = 64
MAX_NUMBER_CHARS = 40
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')


class _OversizedNumber:
    """Stands for a number literal too long to be read; found back afterwards for its path."""

    __slots__ = ()


_OVERSIZED = _OversizedNumber()


_seen = threading.local()
"""Whether the document being read (in this thread) holds an oversized number literal."""


def _decimal(literal: str) -> object:
    if len(literal) > MAX_NUMBER_CHARS:
        _seen.oversized = True
        return _OVERSIZED
    return Decimal(literal)


def _integer(literal: str) -> object:
    if len(literal) > MAX_NUMBER_CHARS:
        _seen.oversized = True
        return _OVERSIZED
    return int(literal)


# One decoder for every document (building one per call, as ``json.loads`` with hooks does,
# cost a third of the reading); its hooks only ever read their argument.
_DECODER = json.JSONDecoder(parse_float=_decimal, parse_int=_integer)


def _frame_path(frames: list[list[Any]]) -> str:
    path = ""
    for kind, position in frames:
        if kind == "[":
            path += f"[{position}]"
        elif position is not None:
            path += f".{position}" if path else str(position)
    return path


def _key(token: str) -> str | None:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _too_deep_at(text: str) -> str | None:
    """The path of the first container nested deeper than the limit ("" for the root), or None."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return None
    frames: list[list[Any]] = []
    last_string: str | None = None
    for match in _TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            last_string = token
        elif first in "[{":
            if len(frames) >= MAX_JSON_DEPTH:
                return _frame_path(frames)
            frames.append([first, 0 if first == "[" else None])
        elif first in "]}":
            if frames:
                frames.pop()
        elif first == ":" and frames and frames[-1][0] == "{" and last_string is not None:
            frames[-1][1] = _key(last_string)
        elif first == "," and frames and frames[-1][0] == "[":
            frames[-1][1] += 1
    return None


def _find_oversized(value: object, path: str) -> str | None:
    """The path of the first oversized number (iterative walk: the depth is already bounded)."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        current, where = stack.pop()
        if current is _OVERSIZED:
            return where
        if isinstance(current, dict):
            for key, item in reversed(list(current.items())):
                stack.append((item, f"{where}.{key}" if where else str(key)))
        elif isinstance(current, list):
            for index in range(len(current) - 1, -1, -1):
                stack.append((current[index], f"{where}[{index}]"))
    return None


def _problem(path: str, code: str, message: str, technical: str) -> InputError:
    return InputError([InputProblem(path, code, message, technical)])


def bounded_loads(raw: bytes | str) -> Any:
    """Parse JSON keeping every number exact (decimals become ``Decimal``, never float).

    Raises ``InputError`` for unreadable JSON, nesting deeper than ``MAX_JSON_DEPTH`` or a number
    literal longer than ``MAX_NUMBER_CHARS`` characters, each with its JSON path.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise _problem("", "json", "JSON illisible (UTF-8 attendu)", "invalid UTF-8") from exc
    deep = _too_deep_at(text)
    if deep is not None:
        raise _problem(
            deep,
            "json_too_deep",
            f"imbrication trop profonde (au plus {MAX_JSON_DEPTH} niveaux)",
            f"nesting deeper than {MAX_JSON_DEPTH} levels",
        )
    _seen.oversized = False
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        decode_error = exc if isinstance(exc, json.JSONDecodeError) else None
        message = decode_error.msg if decode_error else type(exc).__name__
        where = (
            f" (ligne {decode_error.lineno}, colonne {decode_error.colno})" if decode_error else ""
        )
        raise _problem("", "json", f"JSON illisible{where}", f"invalid JSON: {message}") from exc
    if _seen.oversized:
        raise _problem(
            _find_oversized(value, "") or "",
            "number_too_long",
            f"nombre trop long (au plus {MAX_NUMBER_CHARS} caractères)",
            f"number literal longer than {MAX_NUMBER_CHARS} characters",
        )
    return value
