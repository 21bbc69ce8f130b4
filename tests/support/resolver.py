"""A name whose address changes between two lookups, as a short-TTL name can be rebound, in
a process of the service: `rebinding_env` gives the environment under which the process's
resolver answers `first` to its first lookup of `name` and `then` to every later one.
Every other name resolves as usual. (A sitecustomize module on PYTHONPATH: the process is
the real one, only its view of DNS is the test's.)"""

import os
from pathlib import Path

SITECUSTOMIZE = """
import os
import socket

_NAME = os.environ["TEST_REBIND_NAME"]
_ANSWERS = [os.environ["TEST_REBIND_FIRST"], os.environ["TEST_REBIND_THEN"]]
_resolve = socket.getaddrinfo
_asked = 0


def getaddrinfo(host, port, *args, **kwargs):
    global _asked
    if host in (_NAME, _NAME.encode()):
        host = _ANSWERS[min(_asked, 1)]
        _asked += 1
    return _resolve(host, port, *args, **kwargs)


socket.getaddrinfo = getaddrinfo
"""


def rebinding_env(folder: Path, *, name: str, first: str, then: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH")) if p)
    return {
        "PYTHONPATH": path,
        "TEST_REBIND_NAME": name,
        "TEST_REBIND_FIRST": first,
        "TEST_REBIND_THEN": then,
    }
