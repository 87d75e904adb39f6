"""Versioned letter templates and the service's contact, read from data files.

The words of a letter are data (``data/templates.yaml``), not code: the Region rewrites them
(plain language, legal mentions) without a release, and each letter names the template version
it was written with. Loading is the only I/O here; the context builders receive the loaded
objects and stay pure.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from exports.letters.context import ServiceContact
from remuneration.contact import load_contact_data
from rules.reasons import ReasonCode
from rules.reference_data import ReferenceDataError, parse_date, read_yaml

__all__ = [
    "DATA_DIRECTORY",
    "LetterTemplates",
    "PlainText",
    "TemplateError",
    "fill",
    "load_service_contact",
    "load_templates",
    "parse_service_contact",
    "parse_templates",
]

DATA_DIRECTORY = Path(__file__).parent / "data"
_INDEX = re.compile(r"\[\d+\]")
_DEFAULT_MISSING = "default"


class TemplateError(ValueError):
    """A template file is malformed, or a template was filled with missing fields."""


@dataclass(frozen=True, slots=True)
class PlainText:
    """What happened, in plain words, and what the trainee can do about it."""

    text: str
    action: str


def fill(template: str, fields: Mapping[str, str]) -> str:
    """Fill ``{name}`` fields; refuses unknown fields, attribute access and format specs."""
    parts: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        parts.append(literal)
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise TemplateError(f"champ de modèle interdit : {{{name}}}")
        if name not in fields:
            raise TemplateError(f"champ de modèle non renseigné : {{{name}}}")
        parts.append(fields[name])
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class LetterTemplates:
    """The texts of one template version, by dotted key (``decision.subject.granted``)."""

    version: str
    in_force_from: date
    source: str
    texts: Mapping[str, str | tuple[str, ...]]
    reasons: Mapping[str, PlainText]
    missing: Mapping[str, PlainText]
    remedies_sources: tuple[str, ...]

    def text(self, key: str, **fields: str) -> str:
        return fill(self.raw_text(key), fields)

    def lines(self, key: str, **fields: str) -> tuple[str, ...]:
        value = self._raw(key)
        if isinstance(value, str):
            return (fill(value, fields),)
        return tuple(fill(line, fields) for line in value)

    def raw_text(self, key: str) -> str:
        """A template left unfilled, for fields only the renderer knows (page numbers)."""
        value = self._raw(key)
        if not isinstance(value, str):
            raise TemplateError(f"le modèle {key} est une liste, pas un texte")
        return value

    def reason(self, code: str) -> PlainText:
        try:
            return self.reasons[code]
        except KeyError:
            raise TemplateError(f"aucun texte pour le motif {code}") from None

    def missing_item(self, path: str) -> PlainText:
        """The wording of a missing input; indexes are generic (``aid_requests[].code_status``)."""
        generic = _INDEX.sub("[]", path)
        return self.missing.get(generic, self.missing[_DEFAULT_MISSING])

    def _raw(self, key: str) -> str | tuple[str, ...]:
        try:
            return self.texts[key]
        except KeyError:
            raise TemplateError(f"modèle inconnu : {key}") from None


def _flatten(node: Mapping[str, Any], prefix: str, out: dict[str, str | tuple[str, ...]]) -> None:
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{path}.", out)
        elif isinstance(value, str):
            out[path] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            out[path] = tuple(value)
        else:
            raise TemplateError(f"{path} : texte ou liste de textes attendu")


def _plain_texts(raw: object, where: str) -> dict[str, PlainText]:
    if not isinstance(raw, Mapping):
        raise TemplateError(f"{where} : dictionnaire attendu")
    result: dict[str, PlainText] = {}
    for key, entry in raw.items():
        if not isinstance(entry, Mapping) or set(entry) != {"text", "action"}:
            raise TemplateError(f"{where}.{key} : clés text et action attendues")
        if not all(isinstance(entry[k], str) and entry[k].strip() for k in ("text", "action")):
            raise TemplateError(f"{where}.{key} : textes non vides attendus")
        result[str(key)] = PlainText(text=entry["text"], action=entry["action"])
    return result


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        data = read_yaml(path)
    except ReferenceDataError as error:
        raise TemplateError(str(error)) from error
    if not isinstance(data, Mapping):
        raise TemplateError(f"{path.name} : dictionnaire attendu")
    return data


def _as_date(raw: object, where: str) -> date:
    try:
        return parse_date(raw, where=where)
    except ReferenceDataError as error:
        raise TemplateError(str(error)) from error


def parse_templates(data: Mapping[str, Any]) -> LetterTemplates:
    """Check a template document: version, every reason code of the rules, the remedies' sources."""
    version, source = data.get("version"), data.get("source")
    if not isinstance(version, str) or not version or not isinstance(source, str):
        raise TemplateError("version et source obligatoires")
    reasons = _plain_texts(data.get("reasons"), "reasons")
    uncovered = sorted(code.value for code in ReasonCode if code.value not in reasons)
    if uncovered:
        raise TemplateError(f"motifs sans texte : {', '.join(uncovered)}")
    missing = _plain_texts(data.get("missing"), "missing")
    if _DEFAULT_MISSING not in missing:
        raise TemplateError("missing.default obligatoire")
    texts: dict[str, str | tuple[str, ...]] = {}
    body = {k: v for k, v in data.items() if k not in {"version", "in_force_from", "source"}}
    body = {k: v for k, v in body.items() if k not in {"reasons", "missing"}}
    _flatten(body, "", texts)
    sources = texts.pop("remedies.sources", ())
    if isinstance(sources, str) or not sources:
        raise TemplateError("remedies.sources : liste des textes de loi obligatoire")
    return LetterTemplates(
        version=version,
        in_force_from=_as_date(data.get("in_force_from"), "in_force_from"),
        source=source,
        texts=MappingProxyType(texts),
        reasons=MappingProxyType(reasons),
        missing=MappingProxyType(missing),
        remedies_sources=sources,
    )


def load_templates(path: Path | None = None) -> LetterTemplates:
    """Read and check a template file; the packaged ``templates.yaml`` (read once) by default."""
    if path is None:
        return _packaged_templates()
    return parse_templates(_read_yaml(path))


@lru_cache(maxsize=1)
def _packaged_templates() -> LetterTemplates:
    return parse_templates(_read_yaml(DATA_DIRECTORY / "templates.yaml"))


def _text(data: Mapping[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"contact du service : {key} obligatoire")
    return value


def _required(data: Mapping[str, Any], key: str) -> str:
    value = _text(data, key)
    assert value is not None
    return value


def parse_service_contact(data: Mapping[str, Any]) -> ServiceContact:
    """Check the sender block: every letter must say who writes and how to reach them."""
    lines = data.get("address_lines")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, str) for x in lines):
        raise TemplateError("contact du service : address_lines obligatoire")
    signatory, court = data.get("signatory"), data.get("court")
    if not isinstance(signatory, Mapping) or not isinstance(court, Mapping):
        raise TemplateError("contact du service : signatory et court obligatoires")
    return ServiceContact(
        organisation=_required(data, "organisation"),
        service=_required(data, "service"),
        department=_text(data, "department", optional=True),
        address_lines=tuple(lines),
        city=_required(data, "city"),
        phone=_required(data, "phone"),
        hours=_required(data, "hours"),
        email=_required(data, "email"),
        website=_text(data, "website", optional=True),
        signatory_delegation=_text(signatory, "delegation", optional=True),
        signatory_title=_required(signatory, "title"),
        signatory_name=_text(signatory, "name", optional=True),
        court_name=_required(court, "name"),
        court_address=_required(court, "address"),
    )


def load_service_contact(path: Path | None = None) -> ServiceContact:
    """Read the service's contact (``remuneration.contact``: the same file as the macros')."""
    if path is None:
        return _packaged_contact()
    return parse_service_contact(load_contact_data(path))


@lru_cache(maxsize=1)
def _packaged_contact() -> ServiceContact:
    return parse_service_contact(load_contact_data())
