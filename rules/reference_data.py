"""The one loader of dated reference data: every YAML file of remu is read here.

The rules' parameters, the payment procedure rules, the SEPA calendars, the bank return reasons,
the letters' texts and delays, the operations' and the case queue's rules all share:

- `read_yaml` / `read_resource`: YAML read strictly. Refused, with the file, line and a French
  message: YAML 1.1's booleans in disguise (``NO``, ``yes``, ``on``, ``off``, ``True``… unquoted:
  Norway read as *false*), floats (money is written as a quoted decimal, ``"723.36"``), octal
  and sexagesimal integers (``010``, ``1:30``), duplicate keys. Only ``true`` and ``false``
  are booleans.
- `parse_date`: an in-force date, ``AAAA-MM-JJ`` (a YAML date or an ISO string; never a moment).
- `check_dates`: versions in strictly increasing order (no unsorted, no duplicate date).
- `in_force`: the version in force on a day (the last one starting on or before it).
- `check_keys` / `require_source`: unknown keys and missing sources refused.
- `DatedVersion` / `load_versions` / `version_in_force`: for a file written as a source and a
  list of versions, each with its ``in_force_from`` date and its source (the payment procedure,
  the bank's reason codes, the TARGET2 calendar, the letters' delays): one pydantic schema per
  file adds its own fields to `DatedVersion`; the envelope, the dates' order and the look-up
  are here.

Each file keeps its own schema (pydantic model or dataclass) built on these; the parsing of
dates, the in-force lookup and the trap refusal are this module's only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Generic, NoReturn, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

__all__ = [
    "DatedVersion",
    "NotInForce",
    "ReferenceDataError",
    "check_dates",
    "check_keys",
    "find_floats",
    "in_force",
    "load_versions",
    "parse_date",
    "read_resource",
    "read_yaml",
    "require_source",
    "version_in_force",
]

_V = TypeVar("_V")

_BOOLEANS = {"true": True, "false": False}


class ReferenceDataError(ValueError):
    """A reference data file that cannot be trusted: refused whole, with a French message."""


class NotInForce(ReferenceDataError, LookupError):
    """No version in force on the day asked (before the first one): never a default."""


def _where(node: Node) -> str:
    mark = node.start_mark
    return f"{mark.name}, ligne {mark.line + 1}"


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader without YAML 1.1's traps."""


def _bool(loader: _StrictLoader, node: ScalarNode) -> bool:
    text = loader.construct_scalar(node)
    if text not in _BOOLEANS:
        raise ReferenceDataError(
            f"{_where(node)} : valeur ambiguë {text!r} (YAML la lit comme un booléen) ; "
            f'l\'écrire entre guillemets ("{text}") ou écrire true / false'
        )
    return _BOOLEANS[str(text)]


def _float(_loader: _StrictLoader, node: ScalarNode) -> NoReturn:
    raise ReferenceDataError(
        f"{_where(node)} : nombre à virgule flottante {node.value!r} refusé ; écrire la valeur "
        f'décimale entre guillemets, par exemple "{node.value}"'
    )


def _int(loader: _StrictLoader, node: ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    digits = text.lstrip("+-")
    if ":" in digits or (len(digits) > 1 and digits[0] == "0"):
        raise ReferenceDataError(
            f"{_where(node)} : nombre {node.value!r} ambigu en YAML (octal ou base 60) ; "
            "l'écrire entre guillemets"
        )
    value: int = yaml.SafeLoader.construct_yaml_int(loader, node)
    return value


def _mapping(loader: _StrictLoader, node: MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[object] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise ReferenceDataError(f"{_where(key_node)} : clé {key!r} en double")
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor("tag:yaml.org,2002:bool", _bool)
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _float)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _int)
_StrictLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


def read_yaml(source: Path | str, *, name: str | None = None) -> Any:
    """The content of a YAML file (a path) or text (with its `name`), read strictly."""
    if isinstance(source, Path):
        text, name = source.read_text(encoding="utf-8"), name or source.name
    else:
        text, name = source, name or "<texte>"
    try:
        loader = _StrictLoader(text)
        loader.name = name
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except ConstructorError as exc:
        raise ReferenceDataError(f"{name} : YAML refusé ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{name} : YAML illisible ({exc})") from exc


def read_resource(package: str, name: str) -> Any:
    """A YAML file shipped inside a package (``read_resource("payments.data", "x.yaml")``)."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return read_yaml(text, name=name)


def find_floats(node: object, path: str) -> Iterable[str]:
    """The paths of the floats in already-read data (a dictionary built in Python, say)."""
    if isinstance(node, float):
        yield path
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from find_floats(child, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for index, child in enumerate(node):
            yield from find_floats(child, f"{path}[{index}]")


def parse_date(raw: object, *, where: str) -> date:
    """An in-force date: a YAML date or an ISO ``AAAA-MM-JJ`` text (never a moment)."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ReferenceDataError(f"{where} : date AAAA-MM-JJ attendue, reçu {raw!r}")


def check_dates(dates: Sequence[date], *, where: str) -> None:
    """Versions in strictly increasing order of their in-force dates."""
    if not dates:
        raise ReferenceDataError(f"{where} : au moins une version datée est requise")
    for index in range(1, len(dates)):
        if dates[index] <= dates[index - 1]:
            problem = "en double" if dates[index] == dates[index - 1] else "non triée"
            raise ReferenceDataError(
                f"{where}[{index}] : date {dates[index].isoformat()} {problem}"
            )


def in_force(versions: Sequence[_V], on: date, *, start: Callable[[_V], date], where: str) -> _V:
    """The version in force on `on`: the last one whose `start` is on or before it."""
    current: _V | None = None
    for version in versions:
        if start(version) <= on:
            current = version
    if current is None:
        raise NotInForce(f"{where} : aucune version en vigueur le {on.isoformat()}")
    return current


def check_keys(
    raw: object, *, allowed: Iterable[str], where: str, required: Iterable[str] = ()
) -> dict[str, Any]:
    """A dictionary with no unknown key and every required one."""
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"{where} : un dictionnaire est attendu")
    unknown = set(raw) - set(allowed)
    if unknown:
        raise ReferenceDataError(f"{where} : clé inconnue {sorted(map(str, unknown))}")
    missing = [key for key in required if key not in raw]
    if missing:
        raise ReferenceDataError(f"{where} : clé manquante {missing}")
    return raw


def require_source(raw: object, *, where: str) -> str:
    """The source of a value (legal text, deliberation, or stated hypothesis): never empty."""
    if not isinstance(raw, str) or not raw.strip():
        raise ReferenceDataError(
            f"{where}.source : source manquante (texte légal, délibération ou hypothèse)"
        )
    return raw.strip()


class DatedVersion(BaseModel):
    """One version of a dated file: in force from a day, with its source; subclasses add the
    file's own values (frozen, unknown keys refused)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    in_force_from: date
    source: str = Field(min_length=1)

    @field_validator("in_force_from", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> date:
        return parse_date(value, where="in_force_from")


_D = TypeVar("_D", bound=DatedVersion)


class _VersionedFile(BaseModel, Generic[_D]):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(min_length=1)
    versions: tuple[_D, ...] = Field(min_length=1)


def load_versions(
    version: type[_D], raw: object, *, where: str, strict: bool | None = None
) -> tuple[_D, ...]:
    """The versions of a file ``{source, versions: [...]}``, in strictly increasing order."""
    model = _VersionedFile[version]  # type: ignore[valid-type]
    versions: tuple[_D, ...] = model.model_validate(raw, strict=strict).versions
    check_dates([v.in_force_from for v in versions], where=f"{where} versions")
    return versions


def version_in_force(versions: Sequence[_D], on: date, *, where: str) -> _D:
    """The version in force on ``on`` (`NotInForce` before the first one, never a default)."""
    return in_force(versions, on, start=_start, where=where)


def _start(version: DatedVersion) -> date:
    return version.in_force_from
