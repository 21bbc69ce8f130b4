"""The live stream's servers: `helpdesk serve --workers 2`, so a stream and the change
that concerns it are in different processes, as on a real deployment."""

from collections.abc import Iterator

import pytest

from tests.support.server import Server

API_PROCESSES = 2


@pytest.fixture(scope="session")
def stream_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two API processes on the test database, for the whole session."""
    server = Server(
        database_url,
        tmp_path_factory.mktemp("stream-server") / "server.log",
        workers=API_PROCESSES,
    )
    server.start()
    yield server
    server.stop()
