"""Monthly remuneration (docs/rules.md section 3) and mobility aid (section 5), line by line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from rules.context import Evaluation
from rules.decisions import Line, LineKind, UsedParameter
from rules.facts import MonthStatement, Status
from rules.french import cite, fr_date, fr_decimal, fr_hours, fr_money, fr_of_month, fr_rate
from rules.money import ZERO, round_money
from rules.parameters import Band, ParameterValue
from rules.periods import Month

__all__ = ["MonthContext", "mobility_line", "remuneration_line"]

_ONE = Decimal(1)


class MonthContext(NamedTuple):
    """What a month's lines need besides the statement: who, which days, which mode."""

    status: Status
    weekly_hours: Decimal | None
    first_day: date
    last_day: date
    distance_km: Decimal | None


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
    """The parameters of one month (in force on its first day), derived once per set."""

    monthly: ParameterValue
    hours_per_month: ParameterValue
    monthly_amount: Decimal
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


def _month_rates(ev: Evaluation, month: Month) -> _MonthRates:
    key = ("remuneration.month_rates", month.ordinal)
    rates = ev.store.memo.get(key)
    if isinstance(rates, _MonthRates):
        return rates
    monthly = ev.param("remuneration.monthly_amount", month.first_day)
    hours_per_month = ev.param("remuneration.hours_per_month", month.first_day)
    weekly = ev.param("remuneration.full_time_weekly_hours", month.first_day)
    used = (UsedParameter.of(monthly), UsedParameter.of(hours_per_month))
    hourly = monthly.decimal / hours_per_month.decimal
    rates = _MonthRates(
        monthly=monthly,
        hours_per_month=hours_per_month,
        monthly_amount=monthly.decimal,
        hourly=hourly,
        full_time_weekly_hours=weekly.decimal,
        used_insertion=used,
        used_job_seeker=(*used, UsedParameter.of(weekly)),
        texts=_month_texts(month, monthly, hours_per_month, hourly, weekly.decimal),
    )
    ev.store.memo[key] = rates
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

    def render(self) -> str:
        deduction = (
            f" − {fr_money(self.allowances)} d'indemnités journalières" if self.allowances else ""
        )
        floor = " (ramené à 0, le calcul étant négatif)" if self.floored else ""
        texts = self.rates.texts
        return (
            f"Rémunération {texts.of_month} ({self.mode_text()}) : {self.formula()}"
            f"{deduction} = {fr_money(self.amount)}{floor}. {texts.tail}"
        )


def remuneration_line(ev: Evaluation, s: MonthStatement, ctx: MonthContext) -> Line:
    """``R`` of docs/rules.md section 3, rounded once at the end."""
    month = s.month
    rates = _month_rates(ev, month)
    hourly = rates.hourly
    d, big_d = month.days_within(ctx.first_day, ctx.last_day), month.days
    prorata = rates.monthly_amount * d / big_d
    if ctx.status is Status.INSERTION_EMPLOYEE:
        mode, hours = "insertion", s.hours_outside_work or ZERO
        raw = min(hourly * hours, prorata)
        used = rates.used_insertion
    elif ctx.weekly_hours is not None and ctx.weekly_hours >= rates.full_time_weekly_hours:
        mode, hours = "full_time", s.unjustified_absence_hours
        raw = prorata - hourly * hours
        used = rates.used_job_seeker
    else:
        mode, hours = "part_time", s.attended_hours + s.justified_absence_hours
        raw = min(hourly * hours, prorata)
        used = rates.used_job_seeker
    net = raw - s.daily_allowances
    amount = round_money(net) if net > 0 else ZERO
    trace = _RemunerationTrace(
        rates, mode, d, big_d, hours, s.daily_allowances, net < 0, amount, ctx.weekly_hours
    )
    return Line(LineKind.REMUNERATION, month, amount, "remuneration.monthly", used, trace.render)


def _band(bands: tuple[Band, ...], distance: Decimal) -> int:
    """The position of the band the distance falls in."""
    chosen = 0
    for index, band in enumerate(bands):
        if distance >= band.lower:
            chosen = index
    return chosen


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

    def render(self) -> str:
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
    """The mobility scale in force on a month's first day, its bands and, for each band, its
    amount and closing words in French."""

    value: ParameterValue
    bands: tuple[Band, ...]
    texts: tuple[tuple[str, str], ...]


def _month_scale(ev: Evaluation, month: Month) -> _Scale:
    """Looked up and formatted once per parameter set and month."""
    key = ("mobility.month_scale", month.ordinal)
    scale = ev.store.memo.get(key)
    if not isinstance(scale, _Scale):
        value = ev.param("mobility.bands", month.first_day)
        texts = tuple(
            (
                fr_money(band.amount),
                f" km, tranche à partir de {fr_decimal(band.lower)} km ({cite(value)}).",
            )
            for band in value.bands
        )
        scale = ev.store.memo[key] = _Scale(value, value.bands, texts)
    return scale


def mobility_line(ev: Evaluation, s: MonthStatement, ctx: MonthContext) -> Line | None:
    """Mobility of docs/rules.md section 5; ``None`` when the band or the hours give nothing."""
    if ctx.distance_km is None or s.scheduled_hours == 0:
        return None
    month = s.month
    scale = _month_scale(ev, month)
    index = _band(scale.bands, ctx.distance_km)
    band = scale.bands[index]
    if band.amount == 0:
        return None
    if ctx.status is Status.INSERTION_EMPLOYEE:
        hours = s.hours_outside_work if s.hours_outside_work is not None else ZERO
        label = "hors temps de travail"
    else:
        hours = s.attended_hours
        label = "de présence"
    ratio = min(_ONE, hours / s.scheduled_hours)
    d, big_d = month.days_within(ctx.first_day, ctx.last_day), month.days
    amount = round_money(band.amount * d / big_d * ratio)
    if amount == 0:
        return None
    trace = _MobilityTrace(
        month,
        scale.texts[index],
        ctx.distance_km,
        d,
        big_d,
        hours,
        s.scheduled_hours,
        label,
        amount,
    )
    return Line(
        LineKind.MOBILITY,
        month,
        amount,
        "mobility.monthly",
        (UsedParameter.of(scale.value, band=band),),
        trace.render,
    )
