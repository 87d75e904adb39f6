"""Eligibility to the remuneration (docs/rules.md section 2): every failing condition counts."""

from __future__ import annotations

from rules.context import Evaluation
from rules.facts import EvaluationRequest, Indemnity, Status
from rules.french import cite, fr_date, fr_hours
from rules.periods import age_on
from rules.reasons import ReasonCode

__all__ = ["check_eligibility"]

_SCOPE = "remuneration"
_INDEMNITY_NAMES = {
    Indemnity.ARE: "l'allocation d'aide au retour à l'emploi (ARE)",
    Indemnity.AREF: "l'allocation d'aide au retour à l'emploi formation (AREF)",
    Indemnity.RFF: "la rémunération de fin de formation (RFF)",
}


def _age(ev: Evaluation, req: EvaluationRequest) -> None:
    birth, start = req.trainee.birth_date, req.training.start_date
    if birth is None:
        ev.need("trainee.birth_date")
    if start is None:
        ev.need("training.start_date")
    if birth is None or start is None:
        return
    minimum = ev.param("eligibility.minimum_age", start)
    age = age_on(birth, start)
    if age < minimum.integer:
        ev.fail(
            ReasonCode.AGE_BELOW_MINIMUM,
            _SCOPE,
            f"Âge à l'entrée en formation le {fr_date(start)} : {age} ans ; l'âge minimal est de "
            f"{minimum.value} ans ({cite(minimum)}).",
        )


def _training(ev: Evaluation, req: EvaluationRequest) -> None:
    training = req.training
    if training.approved_for_remuneration is None:
        ev.need("training.approved_for_remuneration")
    elif not training.approved_for_remuneration:
        ev.fail(
            ReasonCode.TRAINING_NOT_APPROVED,
            _SCOPE,
            "La formation n'a pas l'agrément de la Région pour la rémunération des stagiaires "
            "(Code du travail, article R6341-4).",
        )
    if training.total_hours is None:
        ev.need("training.total_hours")
    elif training.start_date is not None:
        minimum = ev.param("training.minimum_total_hours", training.start_date)
        if training.total_hours < minimum.decimal:
            ev.fail(
                ReasonCode.TRAINING_TOO_SHORT,
                _SCOPE,
                f"La formation dure {fr_hours(training.total_hours)} ; il faut au moins "
                f"{fr_hours(minimum.decimal)} ({cite(minimum)}).",
            )


def _job_seeker(ev: Evaluation, req: EvaluationRequest) -> None:
    trainee = req.trainee
    if trainee.france_travail_registered is None:
        ev.need("trainee.france_travail_registered")
    elif not trainee.france_travail_registered:
        ev.fail(
            ReasonCode.NOT_REGISTERED_JOB_SEEKER,
            _SCOPE,
            "La personne n'est pas inscrite comme demandeur d'emploi à France Travail.",
        )
    indemnity = trainee.france_travail_indemnity
    if indemnity is None:
        ev.need("trainee.france_travail_indemnity")
    elif indemnity is not Indemnity.NONE:
        ev.fail(
            ReasonCode.INDEMNIFIED_BY_FRANCE_TRAVAIL,
            _SCOPE,
            f"France Travail verse {_INDEMNITY_NAMES[indemnity]} pendant la formation ; la Région "
            "rémunère seulement les stagiaires que France Travail n'indemnise pas.",
        )


def _insertion(ev: Evaluation, req: EvaluationRequest) -> None:
    insertion = req.trainee.insertion
    contract = insertion.contract if insertion else None
    complement = insertion.are_complement if insertion else None
    hours = insertion.training_hours_outside_work if insertion else None
    if contract is None:
        ev.need("trainee.insertion.contract")
    elif req.training.start_date is not None:
        eligible = ev.param("insertion.eligible_contracts", req.training.start_date)
        if contract not in eligible.codes:
            listed = ", ".join(eligible.codes)
            ev.fail(
                ReasonCode.INSERTION_CONTRACT_NOT_ELIGIBLE,
                _SCOPE,
                f"Le contrat d'insertion « {contract} » n'ouvre pas droit à la rémunération ; "
                f"contrats admis : {listed} ({cite(eligible)}).",
            )
    if complement is None:
        ev.need("trainee.insertion.are_complement")
    elif complement:
        ev.fail(
            ReasonCode.INSERTION_ARE_COMPLEMENT,
            _SCOPE,
            "Le salarié reçoit un complément d'allocation chômage (ARE) de France Travail : la "
            "Région ne rémunère pas la formation dans ce cas.",
        )
    if hours is None:
        ev.need("trainee.insertion.training_hours_outside_work")
    elif hours <= 0:
        ev.fail(
            ReasonCode.INSERTION_NO_HOURS_OUTSIDE_WORK,
            _SCOPE,
            "Aucune heure de formation n'est prévue en dehors du temps de travail ; les heures "
            "sur le temps de travail sont payées par l'employeur ou son OPCO.",
        )


def _one_training_at_a_time(ev: Evaluation, req: EvaluationRequest) -> None:
    """One remunerated training at a time: another granted training must not overlap this one."""
    others = req.history.remunerated_trainings
    start, end = req.training.start_date, req.training.end_date
    if others is None or start is None or end is None:
        return
    last = req.exit.date if req.exit is not None else end
    for other in others:
        if other.start_date <= last and start <= other.end_date:
            ev.fail(
                ReasonCode.REMUNERATION_OVERLAP,
                _SCOPE,
                f"Une autre formation de la même personne, du {fr_date(other.start_date)} au "
                f"{fr_date(other.end_date)}, est déjà rémunérée et chevauche celle-ci "
                f"(du {fr_date(start)} au {fr_date(last)}) : on ne peut être rémunéré que pour une "
                "formation à la fois.",
            )


def check_eligibility(ev: Evaluation, req: EvaluationRequest) -> None:
    """Evaluate every condition of docs/rules.md section 2 on the known inputs."""
    _age(ev, req)
    _training(ev, req)
    _one_training_at_a_time(ev, req)
    status = req.trainee.status
    if status is None:
        ev.need("trainee.status")
    elif status is Status.OTHER:
        ev.fail(
            ReasonCode.STATUS_NOT_ELIGIBLE,
            _SCOPE,
            "La rémunération est réservée aux demandeurs d'emploi et aux salariés en insertion.",
        )
    elif status is Status.JOB_SEEKER:
        _job_seeker(ev, req)
    else:
        _insertion(ev, req)
