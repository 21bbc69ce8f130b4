from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.receiver import Receiver, receiver
from tests.support.server import WorkerProcess


@pytest.fixture
def worker(database_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    with WorkerProcess(database_url, tmp_path / "worker.log") as process:
        yield process


@pytest.fixture
def hook_receiver() -> Iterator[Receiver]:
    with receiver() as running:
        yield running
