"""py-spy on one worker during a measured run, and where that worker's busy time went."""

import re
import shutil
import subprocess
import sys
from pathlib import Path


def py_spy() -> str | None:
    return shutil.which("py-spy") or (
        str(Path(sys.executable).parent / "py-spy")
        if (Path(sys.executable).parent / "py-spy").exists()
        else None
    )


def start_profile(pid: int, duration: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy samples one worker for the measured run; collapsed stacks to `output`."""
    command = [str(py_spy()), "record", "--pid", str(pid), "--rate", "250", "--format", "raw"]
    command += ["--duration", str(duration), "--nonblocking", "--output", str(output)]
    return subprocess.Popen(  # noqa: S603 (our own command)
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _package(frame: str) -> str:
    """ "get (sqlalchemy/orm/session.py:12)" -> "sqlalchemy"."""
    match = re.search(r"\(([^/:)]+)", frame)
    return match.group(1) if match else "?"


def _function(frame: str) -> str:
    """One entry per function, not per line: "get (a/b.py:12)" -> "get (a/b.py)"."""
    return re.sub(r":\d+\)$", ")", frame)


def _share_table(title: str, counts: dict[str, int], total: int, top: int) -> list[str]:
    lines = [f"| {title} | share of busy samples |", "| --- | ---: |"]
    for name, count in sorted(counts.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"| `{name}` | {count / total:.0%} |")
    return [*lines, ""]


def profile_summary(path: Path, top: int = 12) -> str:
    """Where one worker spends its busy time (py-spy's collapsed stacks): by library and by
    function of the innermost frame (self time), and by app function (inclusive)."""
    by_package: dict[str, int] = {}
    by_leaf: dict[str, int] = {}
    in_app: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = stack.split(";")
        leaf = _function(frames[-1])
        if leaf.endswith("(threading.py)"):
            continue  # an idle thread-pool thread waiting for work
        count = int(count_text)
        total += count
        by_package[_package(leaf)] = by_package.get(_package(leaf), 0) + count
        by_leaf[leaf] = by_leaf.get(leaf, 0) + count
        for function in {_function(f) for f in frames if "(helpdesk/" in f and "cli.py" not in f}:
            in_app[function] = in_app.get(function, 0) + count
    if not total:
        return "no samples"
    return "\n".join(
        _share_table("library (self time)", by_package, total, top)
        + _share_table("function (self time)", by_leaf, total, top)
        + _share_table("app function (inclusive)", in_app, total, top)
    )
