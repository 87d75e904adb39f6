"""Configuration from the environment (prefix `REMU_`) or the local secrets file `var/remu.env`.

The service refuses to start with a missing, short or well-known secret: there is no default
token secret and no default data key, ever. `remu demo` / `remu serve --demo` write random ones
to `var/remu.env` (git-ignored, mode 600) for the embedded quick start.

Every door finds `var/` the same way, whatever the current directory: `$REMU_HOME/var` when
`REMU_HOME` is set, else the nearest `var/remu.env` from the current directory upwards, else
`./var`. Relative paths of the SQLite file and of the document store are taken from there too,
so `remu jobs list` in `docs/` reads the same database as `make run` at the root.

The doors share this module and nothing else of `api/` but the composition root: besides the
configuration, it holds the clock (the doors' only way to read it: nothing below `api/` does),
the parameter set in use, and the signing of bearer tokens (issued by the command line, checked
by the HTTP door with the same secret).
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypedDict

import jwt
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from payments import PayerAccount, procedure_rules
from payments.batch_files import sepa_country_list
from payments.runs import WORKER_FROM_DOSSIERS
from payments.sepa import Pain001Version
from remuneration.db.models import User
from remuneration.domain.timezone import PARIS
from remuneration.services.context import ServiceContext
from remuneration.services.protection import decode_master_key
from rules import ParameterStore, default_store, load_parameters

__all__ = [
    "DEFAULT_DATABASE_URL",
    "HOME_VARIABLE",
    "TOKEN_ALGORITHM",
    "ConfigurationError",
    "NewBatchTerms",
    "Settings",
    "describe_settings_error",
    "env_file",
    "find_home",
    "issue_token",
    "load_settings",
    "new_batch_terms",
    "parameter_store",
    "payer_account",
    "run_worker_from",
    "system_clock",
    "today_in_paris",
]

HOME_VARIABLE = "REMU_HOME"
_ENV_FILE = Path("var") / "remu.env"
DEFAULT_DATABASE_URL = "sqlite+pysqlite:///var/remu.sqlite3"
MINIMUM_SECRET_LENGTH = 32
_KNOWN_WEAK = frozenset(
    {"secret", "changeme", "change-me", "default", "password", "remu", "test", "example"}
)


class Settings(BaseSettings):
    """Everything the API, the command line and the jobs need to know about their environment."""

    model_config = SettingsConfigDict(
        env_prefix="REMU_", env_file=None, extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "REMU_DATABASE_URL", "database_url"),
    )
    jwt_secret: SecretStr = Field(description="HMAC secret of the bearer tokens (≥ 32 chars).")
    data_key: SecretStr = Field(description="Base64 master key for NIR/IBAN/documents (32 bytes).")
    jwt_issuer: str = "remu"
    jwt_audience: str = "remu-api"
    token_ttl_minutes: int = Field(
        default=480,
        ge=1,
        le=60 * 24 * 30,
        description="Lifetime of a bearer token, and the most `remu tokens create` may give.",
    )
    document_store_dir: Path = Path("var/documents")
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest JSON body outside uploads (bytes)."
    )
    log_json: bool = True
    # The paying account of the payment files (the Region's delegated payer). The defaults are
    # a demonstration account (a valid French test IBAN): set the real one in production.
    payer_name: str = Field(default="Region - Remuneration des stagiaires", max_length=70)
    payer_iban: str = Field(
        default="FR7630004000031234567890143", pattern=r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"
    )
    payer_bic: str | None = Field(default="BNPAFRPPXXX", pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")
    payer_category_purpose: str = Field(default="GOVT", pattern=r"^[A-Z]{4}$")
    pain_version: Literal["pain.001.001.09", "pain.001.001.03"] = "pain.001.001.09"
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token of /metrics (≥ 32 chars); unset: /metrics off."
    )
    console_idle_minutes: int = Field(
        default=30, ge=1, le=240, description="Console: sign-out after this much inactivity."
    )
    console_session_hours: int = Field(
        default=10, ge=1, le=24, description="Console: sign-out this long after sign-in, always."
    )
    dossier_view_shadow: bool = Field(
        default=False,
        description=(
            "Safety net of the stored dossier views: every read served from a stored view also "
            "builds the view live and fails (logged error, 500) if they differ. On for the test "
            "suite, off in production and in the benchmarks (it costs a live build per read)."
        ),
    )
    dossier_read_threads: int = Field(
        default=2,
        ge=0,
        le=64,
        description=(
            "Threads reading dossiers at once (GET /v1/dossiers/{id}); 0: the shared pool. "
            "Fewer threads contend less for the GIL (docs/performance.md)."
        ),
    )
    payment_run_worker: bool = Field(
        default=True,
        description=(
            "Payment runs of at least 5 000 dossiers compute their chunks in a worker process on "
            "another core (false: always in the run's own process)."
        ),
    )
    retention_dry_run: bool = Field(
        default=True,
        description=(
            "The scheduled retention purge only counts, erases nothing, until the retention "
            "periods are validated by the data protection officer and this is set to false."
        ),
    )

    @field_validator("jwt_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if len(secret) < MINIMUM_SECRET_LENGTH:
            raise ValueError("le secret des jetons doit faire au moins 32 caractères")
        if secret.lower() in _KNOWN_WEAK or len(set(secret)) < 8:
            raise ValueError("le secret des jetons est trop faible (valeur connue ou répétitive)")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _strong_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MINIMUM_SECRET_LENGTH:
            raise ValueError("le jeton des métriques doit faire au moins 32 caractères")
        return value

    @field_validator("data_key")
    @classmethod
    def _valid_data_key(cls, value: SecretStr) -> SecretStr:
        raw = decode_master_key(value.get_secret_value())
        if len(set(raw)) < 8:
            raise ValueError("la clé de chiffrement est trop faible")
        return value


_FRENCH = {
    "missing": "obligatoire et non défini",
    "int_parsing": "nombre entier attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "string_pattern_mismatch": "format invalide",
    "string_too_long": "texte trop long",
    "literal_error": "valeur non autorisée",
}
_SECRETS = ("REMU_JWT_SECRET", "REMU_DATA_KEY")


def _variable(field: str) -> str:
    return "DATABASE_URL" if field == "database_url" else "REMU_" + field.upper()


def _french(item: dict[str, object]) -> str:
    kind = str(item.get("type"))
    context = item.get("ctx")
    if kind == "value_error" and isinstance(context, dict) and "error" in context:
        return str(context["error"])  # the validators above speak French
    return _FRENCH.get(kind, "valeur refusée")


def describe_settings_error(error: ValidationError) -> str:
    """Every refused setting by the name of its variable, in French, with what to do."""
    problems: list[str] = []
    variables: list[str] = []
    for item in error.errors():
        location = item.get("loc") or ("?",)
        variable = _variable(str(location[0]))
        variables.append(variable)
        problems.append(f"{variable} : {_french(dict(item))}")
    text = "Configuration refusée : " + " ; ".join(problems) + "."
    if any(v in _SECRETS for v in variables):
        text += " Définissez ces variables, ou lancez « remu demo » pour une démonstration locale."
    return text


class ConfigurationError(Exception):
    """The settings are missing or refused."""


def find_home(start: Path | None = None) -> Path:
    """The directory holding `var/`: `REMU_HOME`, else the nearest one from ``start`` (the
    current directory) upwards with a `var/remu.env`, else ``start`` itself."""
    explicit = os.environ.get(HOME_VARIABLE)
    if explicit:
        return Path(explicit).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / _ENV_FILE).is_file():
            return directory
    return here


def env_file(home: Path) -> Path:
    """The local secrets file of an installation (`var/remu.env`)."""
    return home / _ENV_FILE


def _anchored(settings: Settings, home: Path) -> Settings:
    """Relative paths (the SQLite file, the document store) taken from ``home``, not from the
    current directory."""
    updates: dict[str, object] = {}
    url = make_url(settings.database_url)
    database = url.database or ":memory:"
    relative_file = not database.startswith(":") and not Path(database).is_absolute()
    if url.get_backend_name() == "sqlite" and relative_file:
        anchored = url.set(database=str(home / database))
        updates["database_url"] = anchored.render_as_string(hide_password=False)
    if not settings.document_store_dir.is_absolute():
        updates["document_store_dir"] = home / settings.document_store_dir
    return settings.model_copy(update=updates) if updates else settings


def _where_looked(home: Path) -> str:
    path = env_file(home)
    if path.is_file():
        return f"{path} (trouvé et lu)"
    if os.environ.get(HOME_VARIABLE):
        return f"{path} (REMU_HOME ; fichier absent)"
    return (
        f"{path}, puis var/remu.env dans chaque répertoire au-dessus "
        "(absent ; REMU_HOME non défini)"
    )


def load_settings() -> Settings:
    """The settings from the environment and `var/remu.env` (see `find_home`), or
    ConfigurationError with every problem in French and where the file was looked for."""
    home = find_home()
    try:
        settings = Settings(_env_file=env_file(home))
    except ValidationError as error:
        raise ConfigurationError(
            f"{describe_settings_error(error)} Fichier de configuration cherché : "
            f"{_where_looked(home)}."
        ) from error
    return _anchored(settings, home)


def run_worker_from(settings: Settings) -> int | None:
    """``start_run``'s ``worker_from`` as configured (None: never a worker process)."""
    return WORKER_FROM_DOSSIERS if settings.payment_run_worker else None


def payer_account(settings: Settings) -> PayerAccount:
    """The paying account and file version configured for this installation."""
    return PayerAccount(
        name=settings.payer_name,
        iban=settings.payer_iban,
        bic=settings.payer_bic,
        category_purpose=settings.payer_category_purpose,
        pain_version=Pain001Version(settings.pain_version),
    )


class NewBatchTerms(TypedDict):
    """What freezing transfers into a new batch needs besides the transfers (a cancelled
    batch's replacement, a rejected batch's correction): the paying account, the SEPA countries
    and the IBAN-change alert window in force today."""

    payer: PayerAccount
    countries: tuple[str, ...]
    alert_days: int


def new_batch_terms(settings: Settings, ctx: ServiceContext) -> NewBatchTerms:
    """The terms of a new batch prepared today, for every door (``**new_batch_terms(...)``)."""
    return NewBatchTerms(
        payer=payer_account(settings),
        countries=sepa_country_list(ctx, ctx.today),
        alert_days=procedure_rules(ctx.today).iban_change_alert_days,
    )


# The clock and the parameter set the doors share (nothing below api/ reads the clock).


def system_clock() -> datetime:
    """The real time, in UTC (the doors' only way to read the clock)."""
    return datetime.now(UTC)


def today_in_paris() -> date:
    """The Region's current date: the default ``as_of`` of an evaluation."""
    return datetime.now(PARIS).date()


@lru_cache(maxsize=1)
def parameter_store() -> ParameterStore:
    """The parameter set: ``REMU_PARAMETERS_DIR`` when set, else the bundled one."""
    directory = os.environ.get("REMU_PARAMETERS_DIR")
    return load_parameters(Path(directory)) if directory else default_store()


# Signed bearer tokens: issued by the command line, checked by the HTTP door.

TOKEN_ALGORITHM = "HS256"


def issue_token(
    settings: Settings, *, user: User, now: datetime, ttl: timedelta | None = None
) -> str:
    """A signed bearer token for `user`, valid `ttl` (default: the configured lifetime)."""
    lifetime = ttl or timedelta(minutes=settings.token_ttl_minutes)
    claims = {
        "sub": str(user.id),
        "name": user.name,
        "role": user.role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    if user.organisation_id is not None:
        claims["org"] = str(user.organisation_id)
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=TOKEN_ALGORITHM)
