"""Faults from outside, as separate processes: two writers to one place, kill -9 of a run with
workers, SIGTERM in CSV mode. Times are measured and printed (``pytest -s`` shows them), not
asserted, except that a stopped run is gone within a generous bound; what is asserted is the
function: the second writer is refused, no worker outlives its run, nothing is left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from conftest import DEFAULT

RUN = [sys.executable, "-m", "stocksim.cli", "run", str(DEFAULT), "--quiet"]


def _wait_for(condition, timeout: float = 60.0, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (from /proc: psutil is not a dependency)."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split() if _alive(int(p))]


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by whoever adopted it, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_of_two_writers_to_one_place_one_is_refused_and_the_other_completes(tmp_path):
    """Both started at once: whichever takes the place first runs (a few seconds), the other is
    refused at once with exit 2, naming the first's pid; the winner's run is complete and intact."""
    out = tmp_path / "out"
    cmd = [*RUN, "--replications", "600", "--workers", "1", "--daily", "none", "--events", "none", "--out", str(out)]
    procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    codes = sorted((p.returncode, k) for k, p in enumerate(procs))
    assert [c for c, _ in codes] == [0, 2], errs
    winner, loser = procs[codes[0][1]], codes[1][1]
    assert f"another stocksim process (pid {winner.pid}) is writing there" in errs[loser], errs[loser]
    assert str(out) in errs[loser] and "Traceback" not in errs[loser]
    info = json.loads((out / "manifest.json").read_text())
    assert info["replications"] == 600
    assert pd.read_parquet(out / "replications.parquet")["replication"].nunique() == 600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock file, no staging folder


def test_kill_9_leaves_no_worker_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "out"
    cmd = [*RUN, "--replications", "2000", "--workers", "2", "--format", "csv", "--daily", "none", "--out", str(out)]
    run = subprocess.Popen(cmd)
    _wait_for(lambda: len(_children(run.pid)) == 2 and any(tmp_path.glob(".out.partial-*/.parts/*/part-*")))
    workers = _children(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    killed = time.monotonic()
    _wait_for(lambda: not any(_alive(w) for w in workers), timeout=5)
    print(f"workers gone {time.monotonic() - killed:.2f} s after kill -9 of their run")
    staging = list(tmp_path.glob(".out.partial-*"))
    assert len(staging) == 1  # what the dead run left
    time.sleep(0.5)
    assert not any(_alive(w) for w in workers)  # and nothing comes back to write
    after = subprocess.run([*RUN, "--replications", "2", "--out", str(out)], capture_output=True, text=True)
    assert after.returncode == 0, after.stderr
    assert "removed what was left by an earlier run" in after.stderr and str(staging[0].name) in after.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sigterm_in_csv_mode_stops_at_once_and_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    cmd = [*RUN, "--replications", "2000", "--workers", "2", "--format", "csv", "--out", str(out)]
    run = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: any(tmp_path.glob(".out.partial-*/.parts/daily/part-*")))
    workers = _children(run.pid)
    sent = time.monotonic()
    run.send_signal(signal.SIGTERM)
    err = run.communicate(timeout=60)[1]  # the promise is 2 s: measured and printed, not asserted
    took = time.monotonic() - sent
    print(f"SIGTERM in CSV mode: exit {run.returncode} {took:.2f} s after the signal")
    assert run.returncode == 143  # 128 + SIGTERM
    assert "interrupted" in err and "Traceback" not in err
    assert not any(_alive(w) for w in workers)
    time.sleep(0.5)  # nothing written after the exit either
    assert list(tmp_path.iterdir()) == []
