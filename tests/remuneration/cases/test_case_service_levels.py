"""Service-level policy: targets by (category, priority), channel ceilings, written answers."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from remuneration.cases.domain import (
    CaseConfigurationError,
    CaseHistory,
    Category,
    Channel,
    MessageDirection,
    MessageRecorded,
    Priority,
    ServiceLevelPolicy,
    SlaTargets,
    TargetOverride,
    WrittenAnswerRequiredError,
    check_written_answer,
)

H = timedelta(hours=1)
DAY = 7 * H
PARIS = ZoneInfo("Europe/Paris")
ELECTRONIC_WEEK = 5 * DAY
POSTAL_TWO_WEEKS = 10 * DAY


def test_priority_defaults(policy: ServiceLevelPolicy) -> None:
    targets = policy.targets_for(
        category=Category.PAYMENT_MISSING, priority=Priority.URGENT, channel=Channel.PHONE
    )
    assert (targets.first_response, targets.next_response, targets.resolution) == (
        4 * H,
        DAY,
        3 * DAY,
    )
    assert not targets.written_answer_required
    assert policy.at_risk_percent == Decimal(80)
    assert policy.raise_priority_on_breach


def test_category_and_pair_overrides(policy: ServiceLevelPolicy) -> None:
    normal = policy.targets_for(
        category=Category.COMPLAINT, priority=Priority.NORMAL, channel=Channel.MAIL
    )
    assert normal.resolution == 15 * DAY
    assert normal.written_answer_required
    high = policy.targets_for(
        category=Category.COMPLAINT, priority=Priority.HIGH, channel=Channel.MAIL
    )
    assert high.resolution == 5 * DAY
    assert high.written_answer_required
    fraud = policy.targets_for(
        category=Category.BANK_DETAILS_CHANGE, priority=Priority.HIGH, channel=Channel.SYSTEM
    )
    assert fraud.first_response == 4 * H


@pytest.mark.parametrize(
    ("category", "priority"), list(itertools.product(Category, Priority)), ids=str
)
def test_shipped_policy_keeps_the_public_commitments(
    policy: ServiceLevelPolicy, category: Category, priority: Priority
) -> None:
    email = policy.targets_for(category=category, priority=priority, channel=Channel.EMAIL)
    mail = policy.targets_for(category=category, priority=priority, channel=Channel.MAIL)
    assert email.first_response <= ELECTRONIC_WEEK
    assert mail.first_response <= POSTAL_TWO_WEEKS
    assert email.written_answer_required is (category is Category.COMPLAINT)


def test_channel_ceiling_caps_a_long_first_response(policy: ServiceLevelPolicy) -> None:
    lax = ServiceLevelPolicy(
        valid_from=policy.valid_from,
        source=policy.source,
        by_priority={
            p: SlaTargets(first_response=20 * DAY, next_response=DAY, resolution=30 * DAY)
            for p in policy.by_priority
        },
        overrides=(),
        first_response_ceilings=policy.first_response_ceilings,
        at_risk_percent=Decimal(80),
        raise_priority_on_breach=False,
    )
    by = {
        channel: lax.targets_for(
            category=Category.OTHER, priority=Priority.LOW, channel=channel
        ).first_response
        for channel in Channel
    }
    assert by[Channel.EMAIL] == ELECTRONIC_WEEK
    assert by[Channel.MAIL] == POSTAL_TWO_WEEKS
    assert by[Channel.PHONE] == 20 * DAY


def history_with(channel: Channel) -> CaseHistory:
    created = datetime(2025, 7, 7, 9, tzinfo=PARIS)
    message = MessageRecorded(at=created + H, direction=MessageDirection.OUTBOUND, channel=channel)
    return CaseHistory(created_at=created, events=(message,))


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.MAIL])
def test_a_written_answer_allows_resolving_a_complaint(channel: Channel) -> None:
    now = datetime(2025, 7, 8, 9, tzinfo=PARIS)
    check_written_answer(written_answer_required=True, history=history_with(channel), now=now)


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.COUNTER, Channel.SYSTEM])
def test_a_complaint_answered_only_orally_cannot_be_resolved(channel: Channel) -> None:
    now = datetime(2025, 7, 8, 9, tzinfo=PARIS)
    with pytest.raises(WrittenAnswerRequiredError, match="réponse écrite"):
        check_written_answer(written_answer_required=True, history=history_with(channel), now=now)
    check_written_answer(written_answer_required=False, history=history_with(channel), now=now)


def test_policy_validation(policy: ServiceLevelPolicy) -> None:
    with pytest.raises(CaseConfigurationError, match="strictement positif"):
        SlaTargets(first_response=H, next_response=timedelta(0), resolution=H)
    with pytest.raises(CaseConfigurationError, match="priorités : urgent"):
        replace(
            policy,
            by_priority={p: t for p, t in policy.by_priority.items() if p is not Priority.URGENT},
        )
    twice = (TargetOverride(Category.OTHER), TargetOverride(Category.OTHER))
    with pytest.raises(CaseConfigurationError, match="plusieurs"):
        replace(policy, overrides=twice)
    for threshold in ("0", "100"):
        with pytest.raises(CaseConfigurationError, match="à risque"):
            replace(policy, at_risk_percent=Decimal(threshold))
