"""Monthly attendance statements at the API edge."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import ConfigDict, Field

from api.http.schemas.common import Hours, Money, RequestModel, ResponseModel, UtcDatetime

__all__ = ["AttendanceEntryIn", "AttendanceEntryView", "AttendancePut", "AttendanceView"]


class AttendanceEntryIn(RequestModel):
    """One trainee's month: S = A + J + U; O ≤ A (salariés en insertion only)."""

    dossier_id: uuid.UUID
    scheduled_hours: Hours
    attended_hours: Hours
    justified_absence_hours: Hours = Decimal("0")
    unjustified_absence_hours: Hours = Decimal("0")
    daily_allowances: Money = Field(
        default=Decimal("0"), description="Indemnités journalières (€)."
    )
    hours_outside_work: Hours | None = None


class AttendancePut(RequestModel):
    """The whole statement of the month for the training (it replaces the previous one)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "entries": [
                        {
                            "dossier_id": "5d0c7a56-2f61-4f7c-9a53-2b1f0e6c1a22",
                            "scheduled_hours": "105",
                            "attended_hours": "98",
                            "justified_absence_hours": "3.5",
                            "unjustified_absence_hours": "3.5",
                            "daily_allowances": "0.00",
                        }
                    ]
                }
            ]
        }
    )

    entries: list[AttendanceEntryIn] = Field(max_length=2000)


class AttendanceEntryView(ResponseModel):
    dossier_id: uuid.UUID
    scheduled_hours: Decimal
    attended_hours: Decimal
    justified_absence_hours: Decimal
    unjustified_absence_hours: Decimal
    daily_allowances: Decimal
    hours_outside_work: Decimal | None
    paid: bool


class AttendanceView(ResponseModel):
    training_id: uuid.UUID
    month: str
    version: int
    corrections: int
    updated_at: UtcDatetime
    entries: list[AttendanceEntryView]
