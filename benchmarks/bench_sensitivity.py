"""Time ``stocksim sensitivity`` on the default scenario at its default settings, against the
issue's bound of a minute on this 2-core machine.

    python benchmarks/bench_sensitivity.py [--repeats 3] [--config configs/jinan-circle.yaml]

Runs the command line as a user would (a fresh process each time: start-up, the pool of worker
processes, the runs, the chart and the files), once per method and repeat, and prints the median
wall time of each method: the tornado (each input at its 5th and 95th percentile: 2 x inputs + 1
points of 500 replications) and Sobol' (N = 64: 64 x (inputs + 2) model runs of 20 replications).
The machine may be shared: quote medians, and the load average printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STOCKSIM = Path(sys.executable).with_name("stocksim")


def wall_seconds(config: str, method: str, folder: Path, k: int) -> float:
    out = folder / f"{method}-{k}"
    start = time.perf_counter()
    subprocess.run([str(STOCKSIM), "sensitivity", config, "--method", method, "--out", str(out), "--quiet"], check=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(ROOT / "configs" / "jinan-circle.yaml"))
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for method in ("tornado", "sobol"):
            times = [wall_seconds(a.config, method, Path(tmp), k) for k in range(a.repeats)]
            shown = ", ".join(f"{x:.1f}" for x in times)
            print(f"{method:8s} median {statistics.median(times):5.1f} s over {a.repeats} ({shown}); "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip


if __name__ == "__main__":
    main()
