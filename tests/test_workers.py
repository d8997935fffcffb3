"""Worker processes end with their parent, also after ``kill -9`` of the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_cli import _small_profile


def _children(pid: int) -> dict[int, str]:
    """Live (not zombie) processes whose parent is ``pid``, with their command lines."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            out[int(entry.name)] = cmdline
    return out


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be collected


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc (Linux)")
def test_workers_end_after_kill_9_of_the_parent(tmp_path):
    # Long batches (8 replicates of 20,000 households over 100 years each): without the watchdog a
    # worker would finish its batch, minutes after its parent died, before it noticed.
    profile = _small_profile(tmp_path, households=20000)
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'extends = "{Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"}"\nprofile = "{profile.name}"\n')
    argv = [sys.executable, "-m", "sdsim.experiments.cli", "run", str(scenario), "--replicates", "64", "--years", "100"]
    parent = subprocess.Popen([*argv, "--workers", "2", "--out", str(tmp_path / "o")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        workers: dict[int, str] = {}
        while time.monotonic() < deadline and len(workers) < 2:
            assert parent.poll() is None, "the run ended before its workers could be observed"
            workers = {pid: cmd for pid, cmd in _children(parent.pid).items() if "spawn_main" in cmd}
            time.sleep(0.2)
        assert len(workers) == 2, _children(parent.pid)
        while time.monotonic() < deadline and min(_cpu_seconds(pid) for pid in workers) < 3.0:
            time.sleep(0.2)  # until both have imported sdsim and work on a batch
        assert parent.poll() is None
        others = set(_children(parent.pid))  # the workers and multiprocessing's resource tracker
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 15  # the watchdog polls every 0.5 s; PR_SET_PDEATHSIG acts at once
    while time.monotonic() < deadline and any(_alive(pid) for pid in others):
        time.sleep(0.1)
    left = [pid for pid in others if _alive(pid)]
    for pid in left:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} of {len(others)} child processes outlived their parent"
