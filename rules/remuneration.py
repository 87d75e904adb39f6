"""Monthly remuneration (rules.md section 3) and mobility aid (section 5), line by line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from rules.context import Evaluation
from rules.decisions import Line, LineKind, UsedParameter
from rules.facts import MonthStatement, Status
from rules.french import fr_date, fr_decimal, fr_hours, fr_money, fr_of_month, fr_rate
from rules.money import ZERO, round_money
from rules.parameters import Band, ParameterValue
from rules.periods import Month

__all__ = ["MonthContext", "mobility_line", "remuneration_line"]

_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class MonthContext:
    """What a month's lines need besides the statement: who, which days, which mode."""

    status: Status
    full_time: bool | None
    first_day: date
    last_day: date
    distance_km: Decimal | None


def _cite(value: ParameterValue) -> str:
    return f"{value.source}, en vigueur depuis le {fr_date(value.in_force_from)}"


def _explain_remuneration(
    *,
    month: Month,
    mode: str,
    formula: str,
    amount: Decimal,
    monthly: ParameterValue,
    hours_per_month: ParameterValue,
    allowances: Decimal,
    floored: bool,
) -> str:
    deduction = f" − {fr_money(allowances)} d'indemnités journalières" if allowances else ""
    floor = " (ramené à 0, le calcul étant négatif)" if floored else ""
    return (
        f"Rémunération {fr_of_month(month)} ({mode}) : {formula}{deduction} = {fr_money(amount)}"
        f"{floor}. Montant mensuel en vigueur au {fr_date(month.first_day)} : "
        f"{fr_money(monthly.decimal)} ({_cite(monthly)}). Taux horaire : montant mensuel / "
        f"{fr_hours(hours_per_month.decimal)} ({_cite(hours_per_month)})."
    )


def remuneration_line(ev: Evaluation, s: MonthStatement, ctx: MonthContext) -> Line:
    """``R`` of rules.md section 3, rounded once at the end."""
    month = s.month
    monthly = ev.param("remuneration.monthly_amount", month.first_day)
    hours_per_month = ev.param("remuneration.hours_per_month", month.first_day)
    m, hpm = monthly.decimal, hours_per_month.decimal
    d, big_d = month.days_within(ctx.first_day, ctx.last_day), month.days
    prorata = m * d / big_d
    hourly = m / hpm
    prorata_text = f"{fr_money(m)} × {d} jours / {big_d} jours"
    used = [monthly, hours_per_month]
    if ctx.status is Status.INSERTION_EMPLOYEE:
        outside = s.hours_outside_work if s.hours_outside_work is not None else ZERO
        raw = min(hourly * outside, prorata)
        mode = "salarié en insertion, heures hors temps de travail"
        formula = (
            f"le plus petit de {fr_rate(hourly)} × {fr_hours(outside)} hors temps de travail "
            f"et {prorata_text}"
        )
    elif ctx.full_time:
        raw = prorata - hourly * s.unjustified_absence_hours
        mode = "temps plein"
        formula = prorata_text
        if s.unjustified_absence_hours:
            formula += (
                f" − {fr_rate(hourly)} × {fr_hours(s.unjustified_absence_hours)} "
                "d'absence non justifiée"
            )
        used.append(ev.param("remuneration.full_time_weekly_hours", month.first_day))
    else:
        paid_hours = s.attended_hours + s.justified_absence_hours
        raw = min(hourly * paid_hours, prorata)
        mode = "temps partiel"
        formula = (
            f"le plus petit de {fr_rate(hourly)} × {fr_hours(paid_hours)} de présence et "
            f"d'absence justifiée et {prorata_text}"
        )
        used.append(ev.param("remuneration.full_time_weekly_hours", month.first_day))
    net = raw - s.daily_allowances
    amount = round_money(max(ZERO, net))
    render = partial(
        _explain_remuneration,
        month=month,
        mode=mode,
        formula=formula,
        amount=amount,
        monthly=monthly,
        hours_per_month=hours_per_month,
        allowances=s.daily_allowances,
        floored=net < 0,
    )
    return Line(
        kind=LineKind.REMUNERATION,
        period=month,
        amount=amount,
        rule="remuneration.monthly",
        parameters=tuple(UsedParameter.of(p) for p in used),
        render=render,
    )


def _band(bands: tuple[Band, ...], distance: Decimal) -> Band:
    chosen = bands[0]
    for band in bands:
        if distance >= band.lower:
            chosen = band
    return chosen


def _explain_mobility(
    *,
    month: Month,
    band: Band,
    distance: Decimal,
    d: int,
    big_d: int,
    ratio_text: str,
    amount: Decimal,
    source: ParameterValue,
) -> str:
    return (
        f"Aide à la mobilité {fr_of_month(month)} : {fr_money(band.amount)} × {d} jours / {big_d} "
        f"jours × {ratio_text} = {fr_money(amount)}. Distance domicile – lieu de formation : "
        f"{fr_decimal(distance)} km, tranche à partir de {fr_decimal(band.lower)} km "
        f"({_cite(source)})."
    )


def mobility_line(ev: Evaluation, s: MonthStatement, ctx: MonthContext) -> Line | None:
    """Mobility of rules.md section 5; ``None`` when the band or the hours give nothing."""
    if ctx.distance_km is None or s.scheduled_hours == 0:
        return None
    month = s.month
    bands = ev.param("mobility.bands", month.first_day)
    band = _band(bands.bands, ctx.distance_km)
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
    ratio_text = (
        f"{fr_hours(hours)} {label} / {fr_hours(s.scheduled_hours)} prévues"
        if ratio < _ONE
        else "1 (toutes les heures prévues)"
    )
    return Line(
        kind=LineKind.MOBILITY,
        period=month,
        amount=amount,
        rule="mobility.monthly",
        parameters=(UsedParameter.of(bands, band=band),),
        render=partial(
            _explain_mobility,
            month=month,
            band=band,
            distance=ctx.distance_km,
            d=d,
            big_d=big_d,
            ratio_text=ratio_text,
            amount=amount,
            source=bands,
        ),
    )
