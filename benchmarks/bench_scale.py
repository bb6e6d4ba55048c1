"""Monte Carlo at scale: replications on 1 and 2 workers, memory of a large quantile run, and
cost against scenario size, each against the speed floor measured in the same run.

    python benchmarks/bench_scale.py [--reps 1000] [--repeats 5] [--big 10000] [--skip-big]

1. REPS replications of the default scenario, --daily none --events none, written to disk as
   ``stocksim run`` does (``run_to_dir``), in this process after a warm-up run, as floor.py
   measures itself after a warm-up: ms per replication on 1 worker and its ratio to
   ``floor.py --days 180 --cities 7 --items 6`` (median over --repeats runs);
2. the same on 2 worker processes, run in turns with the 1-worker runs: the speed-up (median of
   the pairs' ratios);
3. the whole ``stocksim run`` command, 1 and 2 workers, as a user starts it: wall seconds
   including the interpreter, imports and loading the compiled kernels;
4. BIG replications with --daily quantiles on 1 worker (``stocksim run``): peak memory (max
   resident set size);
5. cost against size in this process: days x cities x items scaled from the default scenario,
   ms per replication and per replication-day-location-item (flat if cost grows linearly).
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from stocksim.experiment.backends import Backend
from stocksim.experiment.run import run_to_dir
from stocksim.experiment.tasks import batch_cap, batches
from stocksim.scenario import LoadedScenario, load_scenario, parse_scenario
from stocksim.supply.batch import Simulator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_core import floor_ms  # noqa: E402

DEFAULT = ROOT / "configs" / "jinan-circle.yaml"


def cli_run(reps: int, workers: int, daily: str, out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB, the largest process) of one ``stocksim run``."""
    cmd = [sys.executable, "-m", "stocksim.cli", "run", str(DEFAULT), "--replications", str(reps)]
    cmd += ["--workers", str(workers), "--daily", daily, "--events", "none", "--out", str(out), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"stocksim run failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


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
    for level in (dm["protection"] or {}).values():  # routine use by protection level, when given
        level["per_shift"] = copy_table(level["per_shift"])
    dm["per_swab"] = copy_table(dm["per_swab"])
    dm["per_patient_day"] = {k: copy_table(v) for k, v in dm["per_patient_day"].items()}
    for sup in d["suppliers"]:
        sup["capacity_per_day"] = copy_table(sup["capacity_per_day"])
    assert len(ids) * item_copies == len(d["items"])
    s = parse_scenario(d, "bench")
    return LoadedScenario.read(s, "bench", DEFAULT.parent)


def ms_per_rep(loaded: LoadedScenario, reps: int) -> float:
    sim = Simulator(loaded)
    sim.batch(1, np.arange(3), events="none", days=False)  # warm-up
    t0 = time.perf_counter()
    for idx in batches(reps, batch_cap(loaded.scenario)):
        sim.batch(1, idx, events="none", days=False)
    return 1e3 * (time.perf_counter() - t0) / reps


def engine_ms(loaded: LoadedScenario, reps: int, repeats: int, tmp: Path) -> tuple[float, float, float]:
    """ms per replication of ``run_to_dir`` (--daily none --events none) on 1 and on 2 workers,
    medians over ``repeats`` runs taken in turns (so that a slow spell of a shared machine falls
    on both), and the median of the runs' speed-ups."""
    one, two = [], []
    for k in range(repeats):
        for workers, times in ((1, one), (2, two)):
            t0 = time.perf_counter()
            out = tmp / f"w{workers}-{k}"
            run_to_dir(loaded, out, replications=reps, backend=Backend(workers=workers), daily="none", events="none")
            times.append(time.perf_counter() - t0)
    speed_up = statistics.median(a / b for a, b in zip(one, two, strict=True))
    return 1e3 * statistics.median(one) / reps, 1e3 * statistics.median(two) / reps, speed_up


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--big", type=int, default=10_000)
    ap.add_argument("--skip-big", action="store_true")
    a = ap.parse_args()
    fl = floor_ms(180, 7, 6, 1000)
    print(f"floor.py --days 180 --cities 7 --items 6: {fl:.4f} ms/rep")
    base = load_scenario(DEFAULT)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        run_to_dir(base, tmp / "warm-up", replications=20, backend=Backend(workers=1), daily="none", events="none")
        one, two, speed_up = engine_ms(base, a.reps, a.repeats, tmp)
        print(
            f"{a.reps} replications, 1 worker, --daily none --events none, in process: {one:.2f} ms/rep = "
            f"{one / fl:.1f}x floor"
        )
        print(f"{a.reps} replications, 2 workers, in process: {two:.2f} ms/rep, speed-up {speed_up:.2f}x")
        t1, m1 = cli_run(a.reps, 1, "none", tmp / "cli1")
        t2, m2 = cli_run(a.reps, 2, "none", tmp / "cli2")
        print(
            f"stocksim run, {a.reps} replications, 1 worker: {t1:.1f} s wall ({t1 - one * a.reps / 1e3:.1f} s of it "
            f"start-up), peak {m1:.0f} MB; 2 workers: {t2:.1f} s wall, speed-up {t1 / t2:.2f}x"
        )
        if not a.skip_big:
            tb, mb = cli_run(a.big, 1, "quantiles", tmp / "big")
            print(
                f"stocksim run, {a.big} replications, 1 worker, --daily quantiles --events none: {tb:.0f} s, "
                f"peak memory {mb:.0f} MB"
            )
    print("cost against size (200 replications in this process, --daily none):")
    print(f"{'days':>5} {'cities':>7} {'items':>6} {'ms/rep':>8} {'us per rep-day-location-item':>30}")
    for days, cc, ic in ((90, 1, 1), (180, 1, 1), (360, 1, 1), (180, 2, 1), (180, 4, 1), (180, 1, 2), (180, 2, 2)):
        sc = scaled(base, days, cc, ic)
        ms = ms_per_rep(sc, 200)
        cells = days * len(sc.scenario.location_ids) * len(sc.scenario.items)
        print(
            f"{days:>5} {len(sc.scenario.cities):>7} {len(sc.scenario.items):>6} {ms:>8.2f} {1e3 * ms / cells:>30.3f}"
        )


if __name__ == "__main__":
    main()
