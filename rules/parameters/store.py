"""The parameter store: "value of X at date D", or an error — never a silent zero."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from rules.parameters.loader import DEFAULT_DIRECTORY, load_directory
from rules.parameters.schema import Band, Parameter, ParameterError, ParameterValue, Value

__all__ = ["REQUIRED_PARAMETERS", "ParameterStore", "load_parameters"]

REQUIRED_PARAMETERS = (
    "remuneration.monthly_amount",
    "remuneration.hours_per_month",
    "remuneration.full_time_weekly_hours",
    "training.minimum_total_hours",
    "eligibility.minimum_age",
    "advance.amount",
    "advance.recoverable",
    "mobility.bands",
    "equipment.rate",
    "equipment.cap",
    "aids.request_window_days_after_end",
    "driving_licence.rate",
    "driving_licence.cap",
    "insertion.eligible_contracts",
    "sepa.countries",
)


def _plain(value: Value) -> object:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return [
        {"from_km": str(item.lower), "amount": str(item.amount)} if isinstance(item, Band) else item
        for item in value
    ]


class ParameterStore:
    """All parameters of one set, answering by date; the digest identifies the set's content."""

    def __init__(self, parameters: Iterable[Parameter], *, name: str = "reglement-v1") -> None:
        self._parameters: dict[str, Parameter] = {}
        for parameter in parameters:
            if parameter.id in self._parameters:
                raise ParameterError(f"{parameter.file_name} : paramètre {parameter.id} en double")
            self._parameters[parameter.id] = parameter
        missing = [pid for pid in REQUIRED_PARAMETERS if pid not in self._parameters]
        if missing:
            raise ParameterError(f"paramètres manquants : {', '.join(missing)}")
        self._dates = {
            pid: [v.in_force_from for v in p.values] for pid, p in self._parameters.items()
        }
        self.name = name
        self._answers: dict[tuple[str, date], ParameterValue] = {}
        #: Values derived from parameters (e.g. a month's rates), kept by the rules modules.
        self.memo: dict[tuple[str, object], object] = {}
        self.digest = hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def canonical_json(self) -> str:
        """Every parameter and value in a stable text form: what the digest is computed on."""
        return json.dumps(
            [self.describe(pid) for pid in sorted(self._parameters)],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def describe(self, parameter_id: str) -> dict[str, object]:
        parameter = self.parameter(parameter_id)
        return {
            "id": parameter.id,
            "label": parameter.label,
            "type": parameter.kind.value,
            "closed_from": parameter.closed_from.isoformat() if parameter.closed_from else None,
            "values": [
                {
                    "from": v.in_force_from.isoformat(),
                    "value": _plain(v.value),
                    "source": v.source,
                    "status": v.status,
                }
                for v in parameter.values
            ],
        }

    @property
    def ids(self) -> list[str]:
        return sorted(self._parameters)

    def parameter(self, parameter_id: str) -> Parameter:
        try:
            return self._parameters[parameter_id]
        except KeyError:
            raise ParameterError(f"paramètre inconnu : {parameter_id}") from None

    def at(self, parameter_id: str, day: date) -> ParameterValue:
        """The value in force on ``day`` (its date included, until the next value's date)."""
        answer = self._answers.get((parameter_id, day))
        if answer is not None:
            return answer
        parameter = self.parameter(parameter_id)
        index = bisect.bisect_right(self._dates[parameter_id], day) - 1
        if index < 0:
            first = parameter.values[0].in_force_from.isoformat()
            raise ParameterError(
                f"{parameter_id} : aucune valeur en vigueur le {day.isoformat()} "
                f"(première valeur au {first})"
            )
        if parameter.closed_from is not None and day >= parameter.closed_from:
            raise ParameterError(
                f"{parameter_id} : paramètre fermé depuis le {parameter.closed_from.isoformat()}, "
                f"aucune valeur le {day.isoformat()}"
            )
        answer = parameter.values[index]
        if len(self._answers) < 100_000:
            self._answers[(parameter_id, day)] = answer
        return answer

    def as_mapping(self) -> Mapping[str, Parameter]:
        return dict(self._parameters)


def load_parameters(directory: Path | None = None) -> ParameterStore:
    """Load and check a parameter set (the bundled one by default)."""
    return ParameterStore(load_directory(directory or DEFAULT_DIRECTORY))
