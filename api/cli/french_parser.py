"""argparse in French: the `remu` command's usage, help and usage errors as its users read them.

Python's argparse writes its own words (« usage: », « positional arguments », « the following
arguments are required ») through the module-level ``gettext`` functions ``argparse._`` and
``argparse.ngettext``. `FrenchArgumentParser` puts French ones in their place only while one of
its own methods runs (the parser is built, parses, or formats its help or an error), and puts the
originals back afterwards, so no other parser of the process changes language. A message this
table does not know (a newer Python's) is shown as argparse wrote it: never a crash.

The command line is single-threaded: the swap is not meant for parsers used across threads.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = [
    "MESSAGES",
    "PLURAL_MESSAGES",
    "FrenchArgumentParser",
    "FrenchHelpFormatter",
    "french_messages",
    "translate",
    "translate_plural",
]

MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        # What a person typing `remu` meets: usage, help, usage errors.
        "usage: ": "usage : ",
        "positional arguments": "arguments positionnels",
        "options": "options",
        "subcommands": "sous-commandes",
        "show this help message and exit": "afficher cette aide et quitter",
        "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
        "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
        "the following arguments are required: %s": "arguments obligatoires manquants : %s",
        "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
        "not allowed with argument %s": "interdit avec l'argument %s",
        "unrecognized arguments: %s": "arguments non reconnus : %s",
        "invalid choice: %(value)r (choose from %(choices)s)": (
            "choix invalide : « %(value)s » (choix possibles : %(choices)s)"
        ),
        "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : « %(value)s »",
        "expected one argument": "une valeur est attendue",
        "expected at most one argument": "au plus une valeur est attendue",
        "expected at least one argument": "au moins une valeur est attendue",
        "ambiguous option: %(option)s could match %(matches)s": (
            "option ambiguë : %(option)s peut désigner %(matches)s"
        ),
        "unexpected option string: %s": "option inattendue : %s",
        "ignored explicit argument %r": "valeur ignorée : %r",
        "unknown parser %(parser_name)r (choices: %(choices)s)": (
            "commande inconnue : « %(parser_name)s » (choix possibles : %(choices)s)"
        ),
        "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
        'argument "-" with mode %r': "argument « - » avec le mode %r",
        # A mistake in the parser's own construction (a developer's, caught by the tests).
        ".__call__() not defined": ".__call__() non défini",
        "'required' is an invalid argument for positionals": (
            "« required » n'est pas permis pour un argument positionnel"
        ),
        "mutually exclusive arguments must be optional": (
            "des arguments mutuellement exclusifs doivent être des options"
        ),
        "%r is not callable": "%r n'est pas appelable",
        "cannot merge actions - two groups are named %r": (
            "fusion impossible : deux groupes s'appellent %r"
        ),
        "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
            "option %(option)r invalide : elle doit commencer par un caractère de %(prefix_chars)r"
        ),
        "dest= is required for options like %r": "dest= est obligatoire pour une option comme %r",
        "invalid conflict_resolution value: %r": "valeur de conflict_resolution invalide : %r",
        "cannot have multiple subparser arguments": "un seul groupe de sous-commandes est permis",
        "conflicting subparser: %s": "sous-commande en double : %s",
        "conflicting subparser alias: %s": "alias de sous-commande en double : %s",
    }
)
"""argparse's message → its French (same ``%`` placeholders, by name or by number)."""

PLURAL_MESSAGES: Mapping[tuple[str, str], tuple[str, str]] = MappingProxyType(
    {
        ("expected %s argument", "expected %s arguments"): (
            "%s valeur attendue",
            "%s valeurs attendues",
        ),
        ("conflicting option string: %s", "conflicting option strings: %s"): (
            "option en conflit : %s",
            "options en conflit : %s",
        ),
    }
)
"""argparse's (singular, plural) → the French (singular, plural)."""


def translate(message: str | None) -> str | None:
    """argparse's ``_``: the French of ``message``, or ``message`` itself when unknown (argparse
    also passes ``None``, a sub-commands group without a description)."""
    if message is None:
        return None
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, number: int) -> str:
    """argparse's ``ngettext``: French counts 0 and 1 as singular."""
    french = PLURAL_MESSAGES.get((singular, plural))
    if french is None:
        return singular if number == 1 else plural
    return french[0] if number <= 1 else french[1]


@contextmanager
def french_messages() -> Iterator[None]:
    """argparse speaks French inside the block; its own functions come back after it (nested
    blocks each restore what they found)."""
    found = (getattr(argparse, "_"), getattr(argparse, "ngettext"))  # noqa: B009
    setattr(argparse, "_", translate)  # noqa: B010
    setattr(argparse, "ngettext", translate_plural)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", found[0])  # noqa: B010
        setattr(argparse, "ngettext", found[1])  # noqa: B010


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _in_french(method: _Method) -> _Method:
    @wraps(method)
    def speaking_french(*args: Any, **kwargs: Any) -> Any:
        with french_messages():
            return method(*args, **kwargs)

    return speaking_french  # type: ignore[return-value]


class FrenchHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, with the French space before the colon of a heading
    (« options : »)."""

    def start_section(self, heading: str | None) -> None:
        super().start_section(f"{heading} " if heading else heading)


class FrenchArgumentParser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` whose usage, help and errors are in French; its
    sub-commands are parsers of the same class, listed under the metavar ``COMMANDE``.

    Usage errors still end the program with exit status 2, as argparse does.
    """

    @_in_french
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        super().__init__(*args, **kwargs)

    parse_known_args = _in_french(argparse.ArgumentParser.parse_known_args)
    parse_args = _in_french(argparse.ArgumentParser.parse_args)
    format_usage = _in_french(argparse.ArgumentParser.format_usage)
    format_help = _in_french(argparse.ArgumentParser.format_help)
    error = _in_french(argparse.ArgumentParser.error)
    add_argument = _in_french(argparse.ArgumentParser.add_argument)
    add_argument_group = _in_french(argparse.ArgumentParser.add_argument_group)
    add_mutually_exclusive_group = _in_french(argparse.ArgumentParser.add_mutually_exclusive_group)

    @_in_french
    def add_subparsers(self, **kwargs: Any) -> Any:
        """Sub-commands, named ``COMMANDE`` in the usage and the errors (not the English
        destination: ``action``, ``command``)."""
        kwargs.setdefault("metavar", "COMMANDE")
        return super().add_subparsers(**kwargs)
