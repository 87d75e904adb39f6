"""Stable reason codes of docs/rules.md, with the rule each one comes from."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RULE_OF", "ReasonCode"]


class ReasonCode(StrEnum):
    AGE_BELOW_MINIMUM = "AGE_BELOW_MINIMUM"
    TRAINING_NOT_APPROVED = "TRAINING_NOT_APPROVED"
    TRAINING_TOO_SHORT = "TRAINING_TOO_SHORT"
    STATUS_NOT_ELIGIBLE = "STATUS_NOT_ELIGIBLE"
    NOT_REGISTERED_JOB_SEEKER = "NOT_REGISTERED_JOB_SEEKER"
    INDEMNIFIED_BY_FRANCE_TRAVAIL = "INDEMNIFIED_BY_FRANCE_TRAVAIL"
    INSERTION_CONTRACT_NOT_ELIGIBLE = "INSERTION_CONTRACT_NOT_ELIGIBLE"
    INSERTION_ARE_COMPLEMENT = "INSERTION_ARE_COMPLEMENT"
    INSERTION_NO_HOURS_OUTSIDE_WORK = "INSERTION_NO_HOURS_OUTSIDE_WORK"
    REMUNERATION_OVERLAP = "REMUNERATION_OVERLAP"
    IDENTITY_EXPIRED = "IDENTITY_EXPIRED"
    NIR_INVALID = "NIR_INVALID"
    NIR_MISMATCH = "NIR_MISMATCH"
    IBAN_INVALID = "IBAN_INVALID"
    IBAN_NOT_SEPA = "IBAN_NOT_SEPA"
    RIB_HOLDER_MISMATCH = "RIB_HOLDER_MISMATCH"
    AID_NOT_AVAILABLE = "AID_NOT_AVAILABLE"
    AID_OUT_OF_PERIOD = "AID_OUT_OF_PERIOD"
    EQUIPMENT_ALREADY_GRANTED = "EQUIPMENT_ALREADY_GRANTED"
    LICENCE_NOT_USEFUL_FOR_TRADE = "LICENCE_NOT_USEFUL_FOR_TRADE"
    LICENCE_CODE_NOT_STARTED = "LICENCE_CODE_NOT_STARTED"
    LICENCE_AID_ALREADY_RECEIVED = "LICENCE_AID_ALREADY_RECEIVED"
    LICENCE_NOTHING_TO_FUND = "LICENCE_NOTHING_TO_FUND"


_R = ReasonCode
#: The rule identifier (section of docs/rules.md) each code comes from.
RULE_OF: dict[ReasonCode, str] = {
    _R.AGE_BELOW_MINIMUM: "eligibility.age",
    _R.TRAINING_NOT_APPROVED: "eligibility.training_approved",
    _R.TRAINING_TOO_SHORT: "eligibility.training_duration",
    _R.STATUS_NOT_ELIGIBLE: "eligibility.status",
    _R.NOT_REGISTERED_JOB_SEEKER: "eligibility.job_seeker_registered",
    _R.INDEMNIFIED_BY_FRANCE_TRAVAIL: "eligibility.not_indemnified",
    _R.INSERTION_CONTRACT_NOT_ELIGIBLE: "eligibility.insertion_contract",
    _R.INSERTION_ARE_COMPLEMENT: "eligibility.insertion_are_complement",
    _R.INSERTION_NO_HOURS_OUTSIDE_WORK: "eligibility.insertion_hours_outside_work",
    _R.REMUNERATION_OVERLAP: "eligibility.one_training_at_a_time",
    _R.IDENTITY_EXPIRED: "documents.identity",
    _R.NIR_INVALID: "documents.vitale.nir",
    _R.NIR_MISMATCH: "documents.vitale.nir_matches_trainee",
    _R.IBAN_INVALID: "documents.rib.iban",
    _R.IBAN_NOT_SEPA: "documents.rib.sepa",
    _R.RIB_HOLDER_MISMATCH: "documents.rib.holder",
    _R.AID_NOT_AVAILABLE: "aids.availability",
    _R.AID_OUT_OF_PERIOD: "aids.request_window",
    _R.EQUIPMENT_ALREADY_GRANTED: "aids.equipment.once",
    _R.LICENCE_NOT_USEFUL_FOR_TRADE: "aids.driving_licence.useful",
    _R.LICENCE_CODE_NOT_STARTED: "aids.driving_licence.code",
    _R.LICENCE_AID_ALREADY_RECEIVED: "aids.driving_licence.once",
    _R.LICENCE_NOTHING_TO_FUND: "aids.driving_licence.amount",
}
