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
