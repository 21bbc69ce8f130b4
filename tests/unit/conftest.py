"""Unit tests of the pure rules: no database, no HTTP, no app. They run in a moment, alone
(`pytest tests/unit`) or with the suite."""

import pytest


@pytest.fixture(autouse=True)
def clean_tables() -> None:
    """In place of the suite's: there are no tables to empty, nor a database to start."""
