"""Every setting the service reads, from the environment or `.env`, in one class."""

import secrets
from email.utils import parseaddr
from enum import StrEnum
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Without DATABASE_URL (development, embedded PostgreSQL) and without JWT_SECRET, a random
# secret is made once and kept beside the data, so no known key ever signs tokens.
DEVELOPMENT_SECRET_FILE = "helpdesk-jwt-secret"  # noqa: S105 (a file name)
MIN_JWT_SECRET_LENGTH = 32
ACCESS_TOKEN_MINUTES = 60
MAX_BODY_BYTES = 1024 * 1024
# Request line and headers together; the HTTP parser stops reading past this.
MAX_HEADER_BYTES = 16 * 1024
VITE_DEV_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"]
API_REQUESTS_PER_MINUTE = 300
AUTH_ATTEMPTS_PER_MINUTE = 10
STREAM_MAX_PER_USER = 20
GRACEFUL_SHUTDOWN_SECONDS = 10


class Environment(StrEnum):
    """What the service runs as. development: demo accounts, and a secret made for it when
    none is given. production: JWT_SECRET required, no demo account. test: neither demo
    accounts nor a secret check (the test suite brings its own)."""

    development = "development"
    production = "production"
    test = "test"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    port: int = 5000
    host: str = "127.0.0.1"
    # HELPDESK_ENV. Unset: development on the embedded database, production when
    # DATABASE_URL is set, so demo accounts and a made-up secret never reach a database
    # someone named unless they ask for development there.
    helpdesk_env: Environment | None = None
    # The database; unset, `helpdesk serve` starts an embedded PostgreSQL.
    database_url: str | None = None
    helpdesk_data_dir: Path = Path("var/pg")
    jwt_secret: str | None = None
    jwt_issuer: str = "helpdesk"
    jwt_audience: str = "helpdesk-api"
    access_token_minutes: int = Field(default=ACCESS_TOKEN_MINUTES, ge=1)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=lambda: VITE_DEV_ORIGINS)
    max_body_bytes: int = MAX_BODY_BYTES
    # A streaming replica of DATABASE_URL for reads (GET): a caller who wrote, and anyone
    # whose account a write changed, reads the primary until the replica has replayed that
    # write (db/replicas.py). Needs REDIS_URL: every process must know who just wrote.
    database_read_url: str | None = None
    # The connections that LISTEN for events (live stream, worker wake-ups) are sessions of
    # their own: behind PgBouncer in transaction mode, point this at PostgreSQL itself.
    # Unset: DATABASE_URL.
    database_listen_url: str | None = None
    # Prepared statements each connection keeps (asyncpg's cache). 0 behind PgBouncer in
    # transaction mode without max_prepared_statements (any PgBouncer before 1.21): each
    # statement is then parsed in the same message that runs it, on one server connection.
    database_statement_cache_size: int = Field(default=100, ge=0)
    # Connections per process, all there is (no overflow): requests beyond it wait.
    db_pool_size: int = 10
    # API requests one process serves at once; past it, 503 with Retry-After at once
    # (load shed, not queued: middleware.InFlightLimit). 0: no bound, the default until it
    # measures better than none (bench/README.md, "Overload").
    max_requests_in_flight: int = Field(default=0, ge=0)
    # Rate limits; 0 turns one off. Counters are shared through Redis when REDIS_URL is set,
    # kept in this process's memory otherwise.
    rate_limit_api_per_minute: int = Field(default=API_REQUESTS_PER_MINUTE, ge=0)
    rate_limit_auth_per_minute: int = Field(default=AUTH_ATTEMPTS_PER_MINUTE, ge=0)
    redis_url: str | None = None
    # Live streams one account holds open at once, over every API process; past it, 429.
    stream_max_per_user: int = Field(default=STREAM_MAX_PER_USER, ge=1)
    # On SIGTERM, how long `helpdesk serve` lets requests in flight finish before it
    # cancels them (live streams end at once, telling the browser when to reconnect).
    graceful_shutdown_seconds: int = Field(default=GRACEFUL_SHUTDOWN_SECONDS, ge=1)
    # Idempotency keys past their 24 h are deleted this often by each `helpdesk worker`;
    # 0: never (then run `helpdesk purge-idempotency-keys` from cron).
    idempotency_purge_every_seconds: float = Field(default=60 * 60, ge=0)
    # Addresses of the reverse proxies whose X-Forwarded-For is trusted (comma-separated, or
    # "*"); unset: the peer address is the client's, as when nothing sits in front.
    forwarded_allow_ips: str | None = None
    # Who may read GET /metrics: addresses or networks, comma-separated; anyone else gets
    # a 404.
    metrics_allow_ips: str = "127.0.0.1,::1"
    # Webhooks to loopback, private, link-local or multicast addresses: for tests and
    # closed networks only.
    webhook_allow_private_targets: bool = False
    # smtp://user:pass@host:port or smtps://...; unset: no mail (in development, mails are
    # written to $HELPDESK_DATA_DIR/mail/ instead).
    smtp_url: str | None = None
    mail_from: str = "Helpdesk <helpdesk@localhost>"
    # Where people open the desk: the links in mails.
    public_url: str = "http://127.0.0.1:5000"

    @field_validator("metrics_allow_ips")
    @classmethod
    def _metrics_allow_ips(cls, value: str) -> str:
        try:
            _networks(value)
        except ValueError:
            raise ValueError(
                "must be addresses or networks, comma-separated (127.0.0.1,10.0.0.0/8)"
            ) from None
        return value

    @property
    def metrics_networks(self) -> list[IPv4Network | IPv6Network]:
        return _networks(self.metrics_allow_ips)

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                raise ValueError("must be smtp://[user:pass@]host[:port] or smtps://...")
            parts.port  # noqa: B018 - raises on a port that is not a number
        return value

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be the desk's http:// or https:// address")
        return value

    @field_validator("mail_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        if not parseaddr(value)[1].count("@") == 1:
            raise ValueError('must be an address, e.g. "Helpdesk <help@example.com>"')
        return value

    @field_validator("database_url", "database_read_url", "database_listen_url")
    @classmethod
    def _postgresql(cls, value: str | None) -> str | None:
        if value is not None:
            to_asyncpg_url(value)  # raises on anything but a postgresql:// URL
        return value

    @model_validator(mode="after")
    def _replica_needs_redis(self) -> "Settings":
        if self.database_read_url and not self.redis_url:
            raise ValueError(
                "DATABASE_READ_URL needs REDIS_URL: who just wrote is shared through Redis"
            )
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def environment(self) -> Environment:
        if self.helpdesk_env is not None:
            return self.helpdesk_env
        return Environment.development if self.database_url is None else Environment.production

    @property
    def is_production(self) -> bool:
        return self.environment == Environment.production

    @property
    def has_demo_accounts(self) -> bool:
        return self.environment == Environment.development

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> "Settings":
        if not self.is_production:
            return self
        if not self.jwt_secret:
            raise ValueError(
                "JWT_SECRET must be set in production (DATABASE_URL set, or HELPDESK_ENV)"
            )
        if len(self.jwt_secret) < MIN_JWT_SECRET_LENGTH:
            raise ValueError(f"JWT_SECRET must be at least {MIN_JWT_SECRET_LENGTH} characters")
        return self

    @property
    def secret(self) -> str:
        if not self.jwt_secret:
            raise RuntimeError("no JWT_SECRET: set it, or start through `helpdesk serve`")
        return self.jwt_secret

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url is None:
            raise RuntimeError("no database: set DATABASE_URL or start through `helpdesk serve`")
        return to_asyncpg_url(self.database_url)

    @property
    def read_url(self) -> str | None:
        return None if self.database_read_url is None else to_asyncpg_url(self.database_read_url)

    @property
    def listen_url(self) -> str:
        if self.database_listen_url is not None:
            return to_asyncpg_url(self.database_listen_url)
        return self.sqlalchemy_url


def _networks(text: str) -> list[IPv4Network | IPv6Network]:
    return [ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def to_asyncpg_url(url: str) -> str:
    """Accept the usual `postgres://` / `postgresql://` spellings and pick the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("must be a postgresql:// URL")


def to_plain_url(url: str) -> str:
    """The same URL as asyncpg's own connect() takes it (postgresql://): the pool's and
    the live stream's LISTEN connection's."""
    return to_asyncpg_url(url).replace("postgresql+asyncpg://", "postgresql://", 1)


def development_secret(data_dir: Path) -> str:
    """The embedded setup's own random secret, created on first use (mode 0600)."""
    path = data_dir / DEVELOPMENT_SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with (tests create apps with their own)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
