"""A name whose address changes between two lookups, as a short-TTL name can be rebound, in
a process of the service: `rebinding_env` gives the environment under which the process's
resolver answers `first` to its first lookup of `name` and `then` to every later one,
each answer `delay_seconds` late (a slow DNS server). Every other name resolves as usual.
(A sitecustomize module on PYTHONPATH: the process is the real one, only its view of DNS
is the test's.)"""

import os
from pathlib import Path

SITECUSTOMIZE = """
import functools
import os
import socket
import time

_NAME = os.environ["TEST_REBIND_NAME"]
_ANSWERS = [os.environ["TEST_REBIND_FIRST"], os.environ["TEST_REBIND_THEN"]]
_DELAY = float(os.environ["TEST_REBIND_DELAY"])
_resolve = socket.getaddrinfo
_asked = 0


def getaddrinfo(host, port, *args, **kwargs):
    global _asked
    if host in (_NAME, _NAME.encode()):
        host = _ANSWERS[min(_asked, 1)]
        _asked += 1
        time.sleep(_DELAY)
    return _resolve(host, port, *args, **kwargs)


socket.getaddrinfo = getaddrinfo

try:
    import uvloop
except ImportError:
    pass
else:
    # uvloop (the server's loop) resolves through libuv, not socket.getaddrinfo.
    _loop_getaddrinfo = uvloop.Loop.getaddrinfo

    async def _uvloop_getaddrinfo(self, host, port, *args, **kwargs):
        if host in (_NAME, _NAME.encode()):
            ask = functools.partial(getaddrinfo, host, port, *args, **kwargs)
            return await self.run_in_executor(None, ask)
        return await _loop_getaddrinfo(self, host, port, *args, **kwargs)

    uvloop.Loop.getaddrinfo = _uvloop_getaddrinfo
"""


def rebinding_env(
    folder: Path, *, name: str, first: str, then: str, delay_seconds: float = 0
) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH")) if p)
    return {
        "PYTHONPATH": path,
        "TEST_REBIND_NAME": name,
        "TEST_REBIND_FIRST": first,
        "TEST_REBIND_THEN": then,
        "TEST_REBIND_DELAY": str(delay_seconds),
    }
