"""Time ``stocksim size`` and ``stocksim compare --at equal-cost`` on the default scenario at their
default settings, as a user starts them, and what keeping the draws saves.

    python benchmarks/bench_size.py [--repeats 3] [--config configs/jinan-circle.yaml]

Prints, median over --repeats runs (the machine may be shared: quote medians):
1. the whole ``stocksim size CONFIG --target p_stockout<=0.05`` command (default policies
   independent and joint-combined+transfers, one worker each, the scenario's replications and
   seed): wall seconds including the interpreter, imports and loading the compiled kernels;
2. the whole ``stocksim compare CONFIG --policies independent,joint-combined+transfers --at
   equal-cost`` command, wall seconds;
3. in this process, one point of a search (a day loop on kept draws, ``CommonDraws``) against a
   fresh batch that draws again (``Simulator.batch``), milliseconds per replication.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from stocksim.experiment.crn import CommonDraws
from stocksim.scenario import load_scenario
from stocksim.supply.batch import Simulator

ROOT = Path(__file__).resolve().parents[1]
STOCKSIM = [sys.executable, "-m", "stocksim.cli"]


def command_seconds(args: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            subprocess.run([*STOCKSIM, *args, "--out", str(Path(tmp) / "out"), "--quiet"], check=True)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def point_ms(config: str, repeats: int) -> tuple[float, float]:
    loaded = load_scenario(config)
    s = loaded.scenario
    n = s.replications
    draws = CommonDraws(loaded, s.seed, n)
    draws.per_replication(s)  # draws made and kept, kernels warm
    sim = Simulator(loaded)
    kept, fresh = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        draws.per_replication(s)
        kept.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sim.batch(s.seed, np.arange(n), events="none", days=False)
        fresh.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(kept) / n, 1e3 * statistics.median(fresh) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(ROOT / "configs" / "jinan-circle.yaml"))
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    size = command_seconds(["size", a.config, "--target", "p_stockout<=0.05"], a.repeats)
    print(f"stocksim size --target p_stockout<=0.05 (default settings): {size:.1f} s (median of {a.repeats})")
    policies = "independent,joint-combined+transfers"
    cmp = command_seconds(["compare", a.config, "--policies", policies, "--at", "equal-cost"], a.repeats)
    print(f"stocksim compare --policies {policies} --at equal-cost: {cmp:.1f} s (median of {a.repeats})")
    kept, fresh = point_ms(a.config, max(a.repeats, 3))
    print(f"one search point: {kept:.2f} ms/replication on kept draws, {fresh:.2f} ms drawing afresh")


if __name__ == "__main__":
    main()
