import pytest
from pydantic import ValidationError

from helpdesk.config import Settings


def test_production_refuses_to_start_without_a_jwt_secret() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(_env_file=None, database_url="postgresql://db/helpdesk", jwt_secret=None)  # type: ignore[call-arg]


def test_production_accepts_a_real_secret() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="postgres://db/helpdesk",
        jwt_secret="s" * 40,
    )
    assert settings.sqlalchemy_url == "postgresql+asyncpg://db/helpdesk"


def test_cors_origins_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://desk.example, https://admin.example")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.cors_origins == ["https://desk.example", "https://admin.example"]


def test_a_read_replica_needs_redis() -> None:
    """Who just wrote must be known to every process: without Redis it would not be."""
    secret = "s" * 40
    with pytest.raises(ValidationError, match="DATABASE_READ_URL needs REDIS_URL"):
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url="postgresql://primary/helpdesk",
            database_read_url="postgresql://replica/helpdesk",
            jwt_secret=secret,
        )
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="postgresql://primary/helpdesk",
        database_read_url="postgres://replica/helpdesk",
        redis_url="redis://127.0.0.1:6379/0",
        jwt_secret=secret,
    )
    assert settings.read_url == "postgresql+asyncpg://replica/helpdesk"
    assert settings.listen_url == "postgresql+asyncpg://primary/helpdesk"


def test_database_urls_must_be_postgresql() -> None:
    for name in ("database_url", "database_read_url", "database_listen_url"):
        with pytest.raises(ValidationError, match="must be a postgresql:// URL"):
            Settings(_env_file=None, **{name: "mysql://db/helpdesk"}, jwt_secret="s" * 40)  # type: ignore[call-arg]
