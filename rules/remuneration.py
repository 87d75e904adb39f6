"""Monthly remuneration (docs/rules.md section 3) and mobility aid (section 5), line by line."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from rules.decisions import Line, LineKind, UsedParameter, new_tuple
from rules.facts import MonthStatement, Status
from rules.french import cite, fr_date, fr_decimal, fr_hours, fr_money, fr_of_month, fr_rate
from rules.money import ZERO, round_money
from rules.parameters import Band, ParameterStore, ParameterValue
from rules.periods import Month

__all__ = ["mobility_line", "remuneration_line"]

_REMUNERATION, _MOBILITY = LineKind.REMUNERATION, LineKind.MOBILITY
_INSERTION = Status.INSERTION_EMPLOYEE


_MODES = {
    "insertion": "salarié en insertion, heures hors temps de travail",
    "full_time": "temps plein",
    "part_time": "temps partiel",
}


@dataclass(frozen=True, slots=True)
class _MonthTexts:
    """The French figures of one month's parameters, formatted once per parameter set."""

    of_month: str
    monthly: str
    rate: str
    threshold: str
    tail: str


@dataclass(frozen=True, slots=True)
class _MonthRates:
    """The parameters of one month (in force on its first day), derived once per set: what a
    monthly run works out once for every dossier of the month. ``prorata[d]`` is ``M × d / D``
    for ``d`` from 0 to ``D`` days, computed as the rule writes it."""

    monthly: ParameterValue
    hours_per_month: ParameterValue
    days: int
    prorata: tuple[Decimal, ...]
    hourly: Decimal
    full_time_weekly_hours: Decimal
    used_insertion: tuple[UsedParameter, ...]
    used_job_seeker: tuple[UsedParameter, ...]
    texts: _MonthTexts


def _month_texts(
    month: Month, monthly: ParameterValue, hours_per_month: ParameterValue, hourly: Decimal,
    weekly: Decimal,
) -> _MonthTexts:  # fmt: skip
    monthly_text = fr_money(monthly.decimal)
    return _MonthTexts(
        of_month=fr_of_month(month),
        monthly=monthly_text,
        rate=fr_rate(hourly),
        threshold=fr_hours(weekly),
        tail=(
            f"Montant mensuel en vigueur au {fr_date(month.first_day)} : {monthly_text} "
            f"({cite(monthly)}). Taux horaire : montant mensuel / "
            f"{fr_hours(hours_per_month.decimal)} ({cite(hours_per_month)})."
        ),
    )


def _month_rates(store: ParameterStore, month: Month) -> _MonthRates:
    rates = store.memo.get(("remuneration.month_rates", month.ordinal))
    if isinstance(rates, _MonthRates):
        return rates
    first = month.first_day
    monthly = store.at("remuneration.monthly_amount", first)
    hours_per_month = store.at("remuneration.hours_per_month", first)
    weekly = store.at("remuneration.full_time_weekly_hours", first)
    used = (UsedParameter.of(monthly), UsedParameter.of(hours_per_month))
    amount, big_d = monthly.decimal, month.days
    hourly = amount / hours_per_month.decimal
    rates = _MonthRates(
        monthly=monthly,
        hours_per_month=hours_per_month,
        days=big_d,
        prorata=tuple(amount * d / big_d for d in range(big_d + 1)),
        hourly=hourly,
        full_time_weekly_hours=weekly.decimal,
        used_insertion=used,
        used_job_seeker=(*used, UsedParameter.of(weekly)),
        texts=_month_texts(month, monthly, hours_per_month, hourly, weekly.decimal),
    )
    store.memo["remuneration.month_rates", month.ordinal] = rates
    return rates


class _RemunerationTrace(NamedTuple):
    """The exact figures of one remuneration line, turned into French only when asked; what
    depends on the month's parameters alone was formatted once (``_MonthRates``)."""

    rates: _MonthRates
    mode: str
    d: int
    big_d: int
    hours: Decimal
    allowances: Decimal
    floored: bool
    amount: Decimal
    weekly_hours: Decimal | None

    def mode_text(self) -> str:
        if self.mode == "insertion" or self.weekly_hours is None:
            return _MODES[self.mode]
        comparison = "au moins" if self.mode == "full_time" else "moins de"
        return (
            f"{_MODES[self.mode]} : {fr_hours(self.weekly_hours)} par semaine, "
            f"{comparison} {self.rates.texts.threshold}"
        )

    def formula(self) -> str:
        texts = self.rates.texts
        prorata = f"{texts.monthly} × {self.d} jours / {self.big_d} jours"
        if self.mode == "insertion":
            return (
                f"le plus petit de {texts.rate} × {fr_hours(self.hours)} hors temps de travail "
                f"et {prorata}"
            )
        if self.mode == "full_time":
            if not self.hours:
                return prorata
            return f"{prorata} − {texts.rate} × {fr_hours(self.hours)} d'absence non justifiée"
        return (
            f"le plus petit de {texts.rate} × {fr_hours(self.hours)} de présence et d'absence "
            f"justifiée et {prorata}"
        )

    def __call__(self) -> str:
        """The explanation in French (the trace is the line's ``render``: no bound method to
        build for each line)."""
        deduction = (
            f" − {fr_money(self.allowances)} d'indemnités journalières" if self.allowances else ""
        )
        floor = " (ramené à 0, le calcul étant négatif)" if self.floored else ""
        texts = self.rates.texts
        return (
            f"Rémunération {texts.of_month} ({self.mode_text()}) : {self.formula()}"
            f"{deduction} = {fr_money(self.amount)}{floor}. {texts.tail}"
        )


def remuneration_line(
    store: ParameterStore, s: MonthStatement, status: Status, weekly_hours: Decimal | None, d: int
) -> Line:
    """``R`` of docs/rules.md section 3 for ``d`` days of the statement's month, rounded once at
    the end. (Named tuples are built from a plain tuple, ``new_tuple``: the same tuples, without
    their Python-level ``__new__``: this runs for every dossier of every monthly run.)"""
    month = s.month
    rates = _month_rates(store, month)
    hourly, prorata = rates.hourly, rates.prorata[d]
    if status is _INSERTION:
        mode, hours = "insertion", s.hours_outside_work or ZERO
        part = hourly * hours
        raw = prorata if prorata < part else part  # min(h × O, prorata)
        used = rates.used_insertion
    elif weekly_hours is not None and weekly_hours >= rates.full_time_weekly_hours:
        mode, hours = "full_time", s.unjustified_absence_hours
        raw = prorata - hourly * hours
        used = rates.used_job_seeker
    else:
        mode, hours = "part_time", s.attended_hours + s.justified_absence_hours
        part = hourly * hours
        raw = prorata if prorata < part else part  # min(h × (A + J), prorata)
        used = rates.used_job_seeker
    allowances = s.daily_allowances
    net = raw - allowances
    amount = round_money(net) if net > 0 else ZERO
    trace = new_tuple(
        _RemunerationTrace,
        (rates, mode, d, rates.days, hours, allowances, net < 0, amount, weekly_hours),
    )
    return new_tuple(Line, (_REMUNERATION, month, amount, "remuneration.monthly", used, trace))


class _MobilityTrace(NamedTuple):
    """The exact figures of one mobility line, turned into French only when asked."""

    month: Month
    band_texts: tuple[str, str]
    distance: Decimal
    d: int
    big_d: int
    hours: Decimal
    scheduled: Decimal
    label: str
    amount: Decimal

    def __call__(self) -> str:
        """The explanation in French (the trace is the line's ``render``: no bound method to
        build for each line)."""
        ratio_text = (
            f"{fr_hours(self.hours)} {self.label} / {fr_hours(self.scheduled)} prévues"
            if self.hours < self.scheduled
            else "1 (toutes les heures prévues)"
        )
        band_amount, closing = self.band_texts
        return (
            f"Aide à la mobilité {fr_of_month(self.month)} : {band_amount} × {self.d} jours / "
            f"{self.big_d} jours × {ratio_text} = {fr_money(self.amount)}. Distance domicile – "
            f"lieu de formation : {fr_decimal(self.distance)}{closing}"
        )


class _Scale(NamedTuple):
    """The mobility scale in force on a month's first day, derived once per parameter set and
    month. For each band: its amount × ``d`` / ``D`` for ``d`` from 0 to ``D`` days (``None``
    for a band that pays nothing), what a line cites, its amount and closing words in French."""

    days: int
    lowers: tuple[Decimal, ...]
    by_days: tuple[tuple[Decimal, ...] | None, ...]
    used: tuple[tuple[UsedParameter, ...], ...]
    texts: tuple[tuple[str, str], ...]


def _month_scale(store: ParameterStore, month: Month) -> _Scale:
    scale = store.memo.get(("mobility.month_scale", month.ordinal))
    if isinstance(scale, _Scale):
        return scale
    value = store.at("mobility.bands", month.first_day)
    bands, big_d = value.bands, month.days
    scale = _Scale(
        days=big_d,
        lowers=tuple(band.lower for band in bands),
        by_days=tuple(_by_days(band, big_d) for band in bands),
        used=tuple((UsedParameter.of(value, band=band),) for band in bands),
        texts=tuple(
            (
                fr_money(band.amount),
                f" km, tranche à partir de {fr_decimal(band.lower)} km ({cite(value)}).",
            )
            for band in bands
        ),
    )
    store.memo["mobility.month_scale", month.ordinal] = scale
    return scale


def _by_days(band: Band, big_d: int) -> tuple[Decimal, ...] | None:
    if band.amount == 0:
        return None
    return tuple(band.amount * d / big_d for d in range(big_d + 1))


def mobility_line(
    store: ParameterStore, s: MonthStatement, status: Status, distance: Decimal | None, d: int
) -> Line | None:
    """Mobility of docs/rules.md section 5 for ``d`` days of the statement's month:
    ``B × d / D × min(1, hours / S)``; ``None`` when the band or the hours give nothing."""
    scheduled = s.scheduled_hours
    if distance is None or not scheduled:
        return None
    month = s.month
    scale = _month_scale(store, month)
    # the band the distance falls in: the last whose lower bound it reaches (else the first)
    index = bisect_right(scale.lowers, distance, 1) - 1
    by_days = scale.by_days[index]
    if by_days is None:
        return None
    if status is _INSERTION:
        hours = s.hours_outside_work if s.hours_outside_work is not None else ZERO
        label = "hors temps de travail"
    else:
        hours = s.attended_hours
        label = "de présence"
    # min(1, hours / S): the ratio is 1 when every scheduled hour counts
    prorated = by_days[d]
    amount = round_money(prorated if hours >= scheduled else prorated * (hours / scheduled))
    if not amount:
        return None
    trace = new_tuple(
        _MobilityTrace,
        (month, scale.texts[index], distance, d, scale.days, hours, scheduled, label, amount),
    )
    return new_tuple(Line, (_MOBILITY, month, amount, "mobility.monthly", scale.used[index], trace))
