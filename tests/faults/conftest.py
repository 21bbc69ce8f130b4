"""Fault tests run the service as an operator does, `helpdesk serve` in its own process
(production mode: DATABASE_URL set), and break what is under it: the database, the
process itself. Each test starts its own server, so it can kill it."""

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.faults import Cluster, Servers


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="helpdesk-faults-"))
    root.chmod(0o755)  # the server may run as its own system user
    pg = Cluster(root)
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        if pg.is_running():
            try:
                pg.stop()
            except subprocess.SubprocessError:
                pid = int((pg.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)
