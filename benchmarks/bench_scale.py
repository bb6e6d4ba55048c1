"""Monte Carlo at scale: replications on 1 and 2 workers, memory of a large quantile run, and
cost against scenario size, each against the speed floor measured in the same run.

    python benchmarks/bench_scale.py [--reps 1000] [--big 10000] [--skip-big]

Runs ``stocksim run`` as a separate process for the first three figures (what a user runs):
1. REPS replications of the default scenario on 1 worker with --daily none --events none (ms
   per replication, including process start-up, and ratio to floor.py --days 180 --cities 7
   --items 6);
2. the same on 2 workers: the speed-up;
3. BIG replications with --daily quantiles on 1 worker: peak memory (max resident set size);
4. cost against size in this process: days x cities x items scaled from the default scenario,
   ms per replication and per replication-day-city-item (flat if cost grows linearly).
"""

from __future__ import annotations

import argparse
import copy
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from stocksim.config import LoadedScenario, load_scenario, parse_scenario
from stocksim.runner import Simulator, batches

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_core import floor_ms  # noqa: E402

DEFAULT = ROOT / "configs" / "jinan-circle.yaml"


def cli_run(reps: int, workers: int, daily: str, out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one ``stocksim run`` process."""
    cmd = [sys.executable, "-m", "stocksim.cli", "run", str(DEFAULT), "--replications", str(reps)]
    cmd += ["--workers", str(workers), "--daily", daily, "--events", "none", "--out", str(out), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def scaled(base: LoadedScenario, days: int, city_copies: int, item_copies: int) -> LoadedScenario:
    """The default scenario with its horizon changed and its cities and items copied."""
    d = base.scenario.model_dump(mode="json")
    d["horizon_days"] = days
    d["distances"] = {"road_factor": 1.25}  # copied cities have no row in the distance file
    cities = []
    for k in range(city_copies):
        for c in copy.deepcopy(base.scenario.model_dump(mode="json")["cities"]):
            c["id"] = c["id"] if k == 0 else f"{c['id']}_{k}"
            c["lat"] += 0.3 * k
            cities.append(c)
    d["cities"] = cities
    ids = [it["id"] for it in d["items"]]

    def copy_table(table: dict) -> dict:
        return {f"{i}_{k}" if k else i: v for k in range(item_copies) for i, v in table.items()}

    d["items"] = [dict(it, id=f"{it['id']}_{k}" if k else it["id"]) for k in range(item_copies) for it in d["items"]]
    for c in d["cities"]:
        c["stock"] = copy_table(c["stock"])
        c["lots"] = [
            dict(lot, item=f"{lot['item']}_{k}" if k else lot["item"]) for k in range(item_copies) for lot in c["lots"]
        ]
    for dep in d["depots"]:
        dep["stock"] = copy_table(dep["stock"])
    dm = d["demand"]
    dm["routine_per_health_worker_day"] = copy_table(dm["routine_per_health_worker_day"])
    dm["per_swab"] = copy_table(dm["per_swab"])
    dm["per_patient_day"] = {k: copy_table(v) for k, v in dm["per_patient_day"].items()}
    for sup in d["suppliers"]:
        sup["capacity_per_day"] = copy_table(sup["capacity_per_day"])
    assert len(ids) * item_copies == len(d["items"])
    s = parse_scenario(d, "bench")
    return LoadedScenario(scenario=s, source="bench", base_dir=DEFAULT.parent)


def ms_per_rep(loaded: LoadedScenario, reps: int) -> float:
    sim = Simulator(loaded)
    sim.batch(1, np.arange(3))  # warm-up
    t0 = time.perf_counter()
    for idx in batches(reps, 100):
        sim.batch(1, idx)
    return 1e3 * (time.perf_counter() - t0) / reps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--big", type=int, default=10_000)
    ap.add_argument("--skip-big", action="store_true")
    a = ap.parse_args()
    fl = floor_ms(180, 7, 6, 1000)
    print(f"floor (180 days, 7 cities, 6 items): {fl:.4f} ms/rep")
    with tempfile.TemporaryDirectory() as tmp:
        t1, m1 = cli_run(a.reps, 1, "none", Path(tmp) / "w1")
        t2, m2 = cli_run(a.reps, 2, "none", Path(tmp) / "w2")
        print(
            f"{a.reps} replications, 1 worker, --daily none --events none: {t1:.1f} s = "
            f"{1e3 * t1 / a.reps:.2f} ms/rep = "
            f"{1e3 * t1 / a.reps / fl:.1f}x floor; peak {m1:.0f} MB"
        )
        print(f"{a.reps} replications, 2 workers: {t2:.1f} s, speed-up {t1 / t2:.2f}x")
        if not a.skip_big:
            tb, mb = cli_run(a.big, 1, "quantiles", Path(tmp) / "big")
            print(
                f"{a.big} replications, 1 worker, --daily quantiles --events none: {tb:.0f} s, peak memory {mb:.0f} MB"
            )
    base = load_scenario(DEFAULT)
    print("cost against size (200 replications in this process):")
    print(f"{'days':>5} {'cities':>7} {'items':>6} {'ms/rep':>8} {'us per rep-day-city-item':>26}")
    for days, cc, ic in ((90, 1, 1), (180, 1, 1), (360, 1, 1), (180, 2, 1), (180, 4, 1), (180, 1, 2), (180, 2, 2)):
        sc = scaled(base, days, cc, ic)
        ms = ms_per_rep(sc, 200)
        cells = days * len(sc.scenario.location_ids) * len(sc.scenario.items)
        print(
            f"{days:>5} {len(sc.scenario.cities):>7} {len(sc.scenario.items):>6} {ms:>8.2f} {1e3 * ms / cells:>26.3f}"
        )


if __name__ == "__main__":
    main()
