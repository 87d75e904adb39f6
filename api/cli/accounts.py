"""``remu users``, ``remu tokens``, ``remu api-keys``: accounts, from the operator's terminal.

A token is issued only to an existing, active user, for at most the configured lifetime
(`REMU_TOKEN_TTL_MINUTES`, 8 h by default): no command creates an identity on the side. Every
command leaves an audit event naming the operator (the operating-system user who ran it).
Deactivating a user or revoking a key takes effect at the next request: authentication reads
the user's `active` flag and the key's revocation every time.
"""

from __future__ import annotations

import argparse
import getpass
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from api.cli.arguments import NAME, identifier, integer
from api.settings import Settings, issue_token, load_settings, system_clock
from remuneration.db.migrate import upgrade
from remuneration.db.models import User
from remuneration.db.session import engine_scope, make_session_factory
from remuneration.domain.errors import FieldProblem, InvalidFacts, NotAllowed
from remuneration.domain.timezone import PARIS
from remuneration.services.audit import record_event
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector, decode_master_key
from remuneration.services.users import (
    API_KEY_PREFIX,
    create_api_key,
    create_user,
    deactivate_user,
    find_user,
    list_api_keys,
    list_users,
    revoke_api_key,
)

__all__ = ["cli_request_id", "operator_context", "operator_name", "register"]

EXIT_OK = 0


def operator_name() -> str:
    """The operating-system user running the command (the operator of the audit log)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


def cli_request_id(command: str) -> str:
    """The request id of a command's audit events: the command and the operator who ran it."""
    return f"cli:{command}:{operator_name()[:24]}:{uuid.uuid4().hex[:12]}"[:64]


def operator_context(session: Session, settings: Settings, command: str) -> ServiceContext:
    """A context for an operator command: the administrator role, no user id, the operator's
    name in the request id of every audit event it writes."""
    operator = operator_name()
    return ServiceContext(
        session=session,
        actor=Actor(user_id=None, name=f"{operator} (ligne de commande)", role=Role.ADMIN),
        now=system_clock(),
        protector=FieldProtector(decode_master_key(settings.data_key.get_secret_value())),
        request_id=cli_request_id(command),
    )


@contextmanager
def _unit(command: str) -> Iterator[tuple[ServiceContext, Settings]]:
    settings = load_settings()
    upgrade(settings.database_url)
    with (
        engine_scope(settings.database_url) as engine,
        make_session_factory(engine).begin() as session,
    ):
        yield operator_context(session, settings, command), settings


def _audit(ctx: ServiceContext, action: str, entity_id: uuid.UUID | str, **after: Any) -> None:
    record_event(
        ctx,
        action=action,
        entity_type="account",
        entity_id=entity_id,
        after={**after, "operator": operator_name(), "door": "cli"},
    )


def _users_create(args: argparse.Namespace) -> int:
    with _unit("users-create") as (ctx, _):
        user = create_user(
            ctx.session,
            name=args.name,
            role=Role(args.role),
            now=ctx.now,
            display_name=args.display_name,
            organisation_id=args.organisation,
        )
        _audit(ctx, "user.created", user.id, name=user.name, role=user.role)
        print(user.id)
    return EXIT_OK


def _users_deactivate(args: argparse.Namespace) -> int:
    with _unit("users-deactivate") as (ctx, _):
        user = deactivate_user(ctx.session, args.name)
        _audit(ctx, "user.deactivated", user.id, name=user.name)
        print(f"Utilisateur {user.name} désactivé : ses jetons et clés d'API sont refusés.")
    return EXIT_OK


def _user_row(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "name": user.name,
        "display_name": user.display_name,
        "role": user.role,
        "organisation_id": str(user.organisation_id) if user.organisation_id else None,
        "active": user.active,
    }


def _users_list(args: argparse.Namespace) -> int:
    with _unit("users-list") as (ctx, _):
        rows = [_user_row(user) for user in list_users(ctx.session)]
        _audit(ctx, "users.listed", "users", count=len(rows))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    print("identifiant\tnom affiché\trôle\torganisme\tétat\tid")
    for row in rows:
        print(
            f"{row['name']}\t{row['display_name'] or '—'}\t{row['role']}\t"
            f"{row['organisation_id'] or '—'}\t{'actif' if row['active'] else 'désactivé'}\t"
            f"{row['id']}"
        )
    return EXIT_OK


def _moment(moment: datetime | None) -> str:
    """``06/12/2026 15:40``, Paris time, as an administrator reads it; ``—`` for none."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if moment else "—"


def _checked_ttl(settings: Settings, minutes: int | None) -> timedelta:
    cap = settings.token_ttl_minutes
    if minutes is None:
        return timedelta(minutes=cap)
    if not 1 <= minutes <= cap:
        raise InvalidFacts(
            f"Durée de validité refusée : entre 1 et {cap} minutes (REMU_TOKEN_TTL_MINUTES).",
            problems=[FieldProblem("ttl_minutes", "out_of_range", f"Entre 1 et {cap} minutes.")],
        )
    return timedelta(minutes=minutes)


def _tokens_create(args: argparse.Namespace) -> int:
    with _unit("tokens-create") as (ctx, settings):
        ttl = _checked_ttl(settings, args.ttl_minutes)
        user = find_user(ctx.session, args.user)
        organisation = args.organisation
        if not user.active:
            raise NotAllowed(f"L'utilisateur {user.name} est désactivé.", field="user")
        if (args.role and user.role != args.role) or (
            organisation and user.organisation_id != organisation
        ):
            raise NotAllowed(
                f"L'utilisateur {user.name} n'a pas ce rôle ou cet organisme.", field="role"
            )
        token = issue_token(settings, user=user, now=ctx.now, ttl=ttl)
        expires = (ctx.now + ttl).isoformat()
        _audit(ctx, "token.issued", user.id, name=user.name, role=user.role, expires_at=expires)
    print(token)
    return EXIT_OK


def _api_keys_create(args: argparse.Namespace) -> int:
    with _unit("api-keys-create") as (ctx, _):
        user = find_user(ctx.session, args.user)
        if not user.active:
            raise NotAllowed(f"L'utilisateur {user.name} est désactivé.", field="user")
        issued = create_api_key(ctx.session, user=user, label=args.label, now=ctx.now)
        _audit(ctx, "api_key.created", issued.token.id, user=user.name, prefix=issued.token.prefix)
    print(issued.key)
    return EXIT_OK


def _api_keys_list(args: argparse.Namespace) -> int:
    with _unit("api-keys-list") as (ctx, _):
        keys = list_api_keys(ctx.session)
        _audit(ctx, "api_keys.listed", "api_keys", count=len(keys))
    if args.json:
        rows = [
            {
                "prefix": token.prefix,
                "user": user.name,
                "label": token.label,
                "created_at": token.created_at.isoformat(),
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token, user in keys
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    print("préfixe\tutilisateur\tlibellé\tcréée le\texpire le\trévoquée le")
    for token, user in keys:
        print(
            f"{token.prefix}\t{user.name}\t{token.label}\t{_moment(token.created_at)}\t"
            f"{_moment(token.expires_at)}\t{_moment(token.revoked_at)}"
        )
    return EXIT_OK


def _api_keys_revoke(args: argparse.Namespace) -> int:
    with _unit("api-keys-revoke") as (ctx, _):
        prefix = str(args.prefix)
        if prefix.startswith(API_KEY_PREFIX):  # a whole key was given: keep its public prefix
            prefix = prefix[len(API_KEY_PREFIX) :].partition("_")[0]
        token = revoke_api_key(ctx.session, prefix, now=ctx.now)
        _audit(ctx, "api_key.revoked", token.id, prefix=token.prefix)
        print(f"Clé d'API {token.prefix} révoquée.")
    return EXIT_OK


def _add_users(subparsers: Any, roles: list[str]) -> Any:
    users = subparsers.add_parser("users", help="utilisateurs").add_subparsers(
        dest="action", required=True
    )
    create = users.add_parser("create", help="créer un utilisateur (affiche son identifiant)")
    create.add_argument("--name", required=True, metavar=NAME, help="identifiant de connexion")
    create.add_argument("--role", required=True, choices=roles, help="rôle")
    create.add_argument(
        "--organisation",
        type=identifier,
        metavar="ID",
        help="identifiant de l'organisme (rôle organisation)",
    )
    create.add_argument("--display-name", metavar=NAME, help="nom affiché")
    create.set_defaults(handler=_users_create)
    deactivate = users.add_parser("deactivate", help="désactiver (jetons et clés refusés)")
    deactivate.add_argument("--name", required=True, metavar=NAME)
    deactivate.set_defaults(handler=_users_deactivate)
    listing = users.add_parser("list", help="les utilisateurs")
    listing.add_argument("--json", action="store_true", help="codes bruts, pour les scripts")
    listing.set_defaults(handler=_users_list)
    return users


def register(subparsers: Any) -> Any:
    """Add the account commands to ``remu``; returns the ``users`` commands (for others to add
    theirs, such as ``set-password``)."""
    roles = [role.value for role in Role]
    users = _add_users(subparsers, roles)
    tokens = subparsers.add_parser("tokens", help="jetons d'accès").add_subparsers(
        dest="action", required=True
    )
    token = tokens.add_parser("create", help="jeton signé d'un utilisateur actif (seul affiché)")
    token.add_argument("--user", required=True, metavar=NAME)
    token.add_argument("--role", choices=roles, help="vérifie le rôle de l'utilisateur")
    token.add_argument(
        "--organisation",
        type=identifier,
        metavar="ID",
        help="vérifie l'organisme de l'utilisateur",
    )
    token.add_argument(
        "--ttl-minutes",
        type=integer,
        metavar="MINUTES",
        help="durée (au plus REMU_TOKEN_TTL_MINUTES)",
    )
    token.set_defaults(handler=_tokens_create)
    keys = subparsers.add_parser("api-keys", help="clés d'API des systèmes des organismes")
    actions = keys.add_subparsers(dest="action", required=True)
    key = actions.add_parser("create", help="créer une clé (affichée une seule fois)")
    key.add_argument("--user", required=True, metavar=NAME)
    key.add_argument("--label", default="clé d'API", metavar="LIBELLÉ")
    key.set_defaults(handler=_api_keys_create)
    listing = actions.add_parser("list", help="les clés (préfixe, jamais le secret)")
    listing.add_argument("--json", action="store_true", help="dates ISO 8601, pour les scripts")
    listing.set_defaults(handler=_api_keys_list)
    revoke = actions.add_parser("revoke", help="révoquer une clé par son préfixe")
    revoke.add_argument("prefix", metavar="PRÉFIXE", help="le préfixe public (remu_<préfixe>_…)")
    revoke.set_defaults(handler=_api_keys_revoke)
    return users
