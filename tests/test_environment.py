"""HELPDESK_ENV says what the service runs as; DATABASE_URL only picks the database."""

import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from helpdesk.config import Environment, Settings
from tests.support.server import HELPDESK, inherited_environment

SECRET = "s" * 40


@pytest.fixture(autouse=True)
def _nothing_set_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """What these tests call unset is unset, whatever the shell running the suite exports."""
    for name in ("HELPDESK_ENV", "DATABASE_URL", "JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_unset_it_is_development_on_the_embedded_database() -> None:
    chosen = settings()
    assert chosen.environment == Environment.development
    assert chosen.has_demo_accounts and not chosen.is_production


def test_unset_it_is_production_on_a_database_someone_named() -> None:
    chosen = settings(database_url="postgresql://db/helpdesk", jwt_secret=SECRET)
    assert chosen.environment == Environment.production
    assert chosen.is_production and not chosen.has_demo_accounts


def test_development_on_a_named_database_only_when_asked_for() -> None:
    chosen = settings(database_url="postgresql://db/helpdesk", helpdesk_env="development")
    assert chosen.environment == Environment.development
    assert chosen.has_demo_accounts


@pytest.mark.parametrize("url", [None, "postgresql://db/helpdesk"])
def test_production_asked_for_needs_a_secret_on_any_database(url: str | None) -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        settings(database_url=url, helpdesk_env="production")
    chosen = settings(database_url=url, helpdesk_env="production", jwt_secret=SECRET)
    assert chosen.environment == Environment.production
    assert chosen.is_production and not chosen.has_demo_accounts


def test_test_has_neither_demo_accounts_nor_a_secret_check() -> None:
    chosen = settings(database_url="postgresql://db/helpdesk", helpdesk_env="test")
    assert chosen.environment == Environment.test
    assert not chosen.has_demo_accounts and not chosen.is_production


def test_an_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_ENV", "staging")
    with pytest.raises(ValidationError, match="helpdesk_env"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_it_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_ENV", "test")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/helpdesk")
    assert Settings(_env_file=None).environment == Environment.test  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("HELPDESK_ENV", "staging", "HELPDESK_ENV: Input should be 'development'"),
        ("IDEMPOTENCY_PURGE_EVERY_SECONDS", "-1", "SECONDS: Input should be greater than"),
        ("IDEMPOTENCY_PURGE_EVERY_SECONDS", "hourly", "SECONDS: Input should be a valid number"),
        ("SMTP_URL", "http://mail.example", "SMTP_URL: must be smtp://"),
        ("SMTP_URL", "smtp://mail.example:25x", "SMTP_URL: "),
        ("PUBLIC_URL", "desk.example", "PUBLIC_URL: must be the desk's"),
        ("MAIL_FROM", "nobody", "MAIL_FROM: must be an address"),
        ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "maybe", "WEBHOOK_ALLOW_PRIVATE_TARGETS: Input should"),
        ("MAX_REQUESTS_IN_FLIGHT", "-5", "MAX_REQUESTS_IN_FLIGHT: Input should be greater"),
        ("METRICS_ALLOW_IPS", "127.0.0.1,intranet", "METRICS_ALLOW_IPS: must be addresses"),
    ],
    ids=[
        "unknown-environment",
        "negative-purge-interval",
        "words-for-purge-interval",
        "smtp-url-not-smtp",
        "smtp-port-not-a-number",
        "public-url-without-scheme",
        "mail-from-not-an-address",
        "private-targets-not-a-boolean",
        "negative-requests-in-flight",
        "metrics-allow-ips-not-an-address",
    ],
)
def test_a_bad_setting_stops_the_command_before_it_touches_a_database(
    tmp_path: Path, name: str, value: str, named: str
) -> None:
    env = inherited_environment() | {
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "JWT_SECRET": SECRET,
        name: value,
    }
    for command in (["serve"], ["worker"], ["purge-idempotency-keys"]):
        done = subprocess.run(
            [HELPDESK, *command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "configuration error" in done.stderr and named in done.stderr, done.stderr
