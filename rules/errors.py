"""Input errors: a malformed request is not a decision (docs/evaluation-contract.md)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InputError", "InputProblem", "ResultError"]


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem of a request: where (JSON path), a stable code, a French and an English text."""

    path: str
    code: str
    message: str
    technical: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class InputError(ValueError):
    """Every problem found in a malformed request, each with its JSON path."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        super().__init__(self.summary)

    @classmethod
    def single(cls, path: str, code: str, message: str, technical: str) -> InputError:
        return cls([InputProblem(path, code, message, technical)])

    @property
    def summary(self) -> str:
        """The contract's one-line form, e.g. ``input error: … (months[0])``."""
        return "input error: " + "; ".join(f"{p.technical} ({p.path})" for p in self.problems)

    @property
    def detail(self) -> str:
        """The same in French, for the people who read it."""
        return "Demande invalide : " + " ; ".join(f"{p.message} ({p.path})" for p in self.problems)

    def to_dict(self) -> dict[str, object]:
        return {
            "error": self.summary,
            "detail": self.detail,
            "errors": [p.to_dict() for p in self.problems],
        }


class ResultError(ValueError):
    """A stored evaluation result does not follow the contract (``rules.recorded``)."""
