"""Reading parameter files: one YAML file per parameter, refused whole when malformed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rules.parameters.schema import (
    Parameter,
    ParameterError,
    ParameterKind,
    ParameterValue,
    parse_value,
)
from rules.reference_data import (
    ReferenceDataError,
    check_keys,
    find_floats,
    parse_date,
    read_yaml,
    require_source,
)

__all__ = ["DEFAULT_DIRECTORY", "load_directory", "parse_parameter"]

DEFAULT_DIRECTORY = Path(__file__).parent / "data"

_TOP_KEYS = {"id", "label", "type", "unit", "values"}
_ENTRY_KEYS = {"from", "value", "source", "status", "closed"}
_STATUSES = {"R", "N", "A"}


def _entry(
    raw: object, *, parameter_id: str, kind: ParameterKind, where: str
) -> tuple[date, ParameterValue | None]:
    if not isinstance(raw, dict):
        raise ParameterError(f"{where} : une entrée est un dictionnaire (from, value, source)")
    check_keys(raw, allowed=_ENTRY_KEYS, where=where)
    in_force_from = parse_date(raw.get("from"), where=f"{where}.from")
    source = require_source(raw.get("source"), where=where)
    if raw.get("closed") is True:
        if "value" in raw:
            raise ParameterError(f"{where} : une entrée de fermeture n'a pas de valeur")
        return in_force_from, None
    if "value" not in raw:
        raise ParameterError(f"{where} : valeur manquante")
    status = raw.get("status")
    if status not in _STATUSES:
        raise ParameterError(f"{where}.status : R, N ou A attendu, reçu {status!r}")
    value = parse_value(kind, raw["value"], where=f"{where}.value")
    return in_force_from, ParameterValue(
        parameter_id=parameter_id,
        value=value,
        in_force_from=in_force_from,
        source=source,
        status=str(status),
    )


def _header(raw: dict[str, Any], *, where: str) -> tuple[str, str, ParameterKind, list[Any]]:
    check_keys(raw, allowed=_TOP_KEYS, where=where)
    parameter_id, label, kind_text, values = (
        raw.get("id"),
        raw.get("label"),
        raw.get("type"),
        raw.get("values"),
    )
    if not isinstance(parameter_id, str) or not parameter_id:
        raise ParameterError(f"{where} : identifiant (id) manquant")
    if not isinstance(label, str) or not label:
        raise ParameterError(f"{where} : libellé (label) manquant")
    try:
        kind = ParameterKind(str(kind_text))
    except ValueError as exc:
        allowed = ", ".join(k.value for k in ParameterKind)
        raise ParameterError(f"{where}.type : {kind_text!r} inconnu ({allowed})") from exc
    if not isinstance(values, list) or not values:
        raise ParameterError(f"{where}.values : au moins une valeur datée est requise")
    return parameter_id, label, kind, values


def parse_parameter(raw: object, *, file_name: str) -> Parameter:
    """Check and type the content of one parameter file (every refusal a `ParameterError`)."""
    try:
        return _parse_parameter(raw, file_name=file_name)
    except ParameterError:
        raise
    except ReferenceDataError as exc:
        raise ParameterError(str(exc)) from exc


def _parse_parameter(raw: object, *, file_name: str) -> Parameter:
    if not isinstance(raw, dict):
        raise ParameterError(f"{file_name} : le fichier doit décrire un paramètre (dictionnaire)")
    floats = list(find_floats(raw, file_name))
    if floats:
        raise ParameterError(
            f"{floats[0]} : nombre à virgule flottante refusé ; écrire la valeur décimale entre "
            'guillemets, par exemple "723.36"'
        )
    parameter_id, label, kind, raw_values = _header(raw, where=file_name)
    values: list[ParameterValue] = []
    closed_from: date | None = None
    previous: date | None = None
    for index, raw_entry in enumerate(raw_values):
        where = f"{file_name} values[{index}]"
        in_force_from, value = _entry(raw_entry, parameter_id=parameter_id, kind=kind, where=where)
        if previous is not None and in_force_from <= previous:
            problem = "en double" if in_force_from == previous else "non triée"
            raise ParameterError(f"{where}.from : date {in_force_from.isoformat()} {problem}")
        if closed_from is not None:
            raise ParameterError(f"{where} : aucune valeur après la fermeture du paramètre")
        previous = in_force_from
        if value is None:
            closed_from = in_force_from
        else:
            values.append(value)
    if not values:
        raise ParameterError(f"{file_name} : aucune valeur en vigueur")
    return Parameter(
        id=parameter_id,
        label=label,
        kind=kind,
        values=tuple(values),
        closed_from=closed_from,
        file_name=file_name,
    )


def load_directory(directory: Path) -> list[Parameter]:
    """Load every ``*.yaml`` of a directory; each file must be named after its parameter id."""
    if not directory.is_dir():
        raise ParameterError(f"{directory} : répertoire de paramètres introuvable")
    parameters: list[Parameter] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = read_yaml(path)
        except ReferenceDataError as exc:
            raise ParameterError(str(exc)) from exc
        parameter = parse_parameter(raw, file_name=path.name)
        if path.name != f"{parameter.id}.yaml":
            raise ParameterError(f"{path.name} : le fichier doit s'appeler {parameter.id}.yaml")
        parameters.append(parameter)
    if not parameters:
        raise ParameterError(f"{directory} : aucun fichier de paramètre")
    return parameters
