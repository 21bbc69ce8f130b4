"""The live stream's servers: `helpdesk serve --workers 2`, so a stream and the change
that concerns it are in different processes, as on a real deployment."""

from collections.abc import Iterator

import pytest

from tests.support.server import Server
from tests.support.sse import MAX_SPREAD_STREAMS

API_PROCESSES = 2
# An account's streams on the session's server: room for the streams a test opens to have
# one on each process (tests/support/sse.py), which a busy machine may spread unevenly.
STREAM_CAP = MAX_SPREAD_STREAMS


@pytest.fixture(scope="session")
def stream_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two API processes on the test database, for the whole session."""
    server = Server(
        database_url,
        tmp_path_factory.mktemp("stream-server") / "server.log",
        workers=API_PROCESSES,
        env={"STREAM_MAX_PER_USER": str(STREAM_CAP)},
    )
    server.start()
    yield server
    server.stop()
