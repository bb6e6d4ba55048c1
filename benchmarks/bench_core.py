"""Time replications of the default scenario in one process, against the speed floor.

    python benchmarks/bench_core.py [--reps 400] [--repeats 5] [--config configs/jinan-circle.yaml]

Prints milliseconds per replication (median over repeats) for
- simulate --events full / none: sampling, the epidemic, demand, the SimPy model and the event
  records, every event (the default of ``stocksim run``) or none;
- where a simulation's time goes: the draws before the day loop (sampling, the epidemic, demand,
  the reserve rule, lead times), of which the two samplers that draw a number per
  replication-day-city-item (demand noise, lead times), and the day loop alone (the SimPy model,
  with the event log full or none) on numbers drawn beforehand;
- run --events full / none: the same plus the tidy daily, events and per-replication tables and the summary
  (in memory, after a warm-up run);
- run --events full --daily none: without the daily table (the per-replication totals folded day by day);
- epidemic: the epidemic driver alone (deterministic as configured, and stochastic), i.e. the
  time an SEIR outbreak adds to each replication;
and the ratio of each to ``benchmarks/floor.py --days H --cities C --items I`` run in this same
script (the bare (s, S) logic in numpy: the speed floor any full simulator sits above). The
machine may be shared: quote medians and ratios, not single timings.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from stocksim.draws.params import draw_lead_times, sample_batch
from stocksim.epidemic.driver import EpidemicDriver
from stocksim.experiment.run import run
from stocksim.experiment.tasks import DEFAULT_BATCH, batches
from stocksim.scenario import load_scenario
from stocksim.supply.batch import Simulator
from stocksim.supply.demand import realise_demand
from stocksim.supply.events import EVENT_MODES

ROOT = Path(__file__).resolve().parents[1]
FLOOR_CANDIDATES = [ROOT / "benchmarks" / "floor.py"]


def floor_ms(days: int, cities: int, items: int, reps: int) -> float | None:
    script = next((p for p in FLOOR_CANDIDATES if p.is_file()), None)
    if script is None:
        return None
    args = [sys.executable, str(script), "--days", str(days), "--cities", str(cities), "--items", str(items)]
    out = subprocess.run([*args, "--reps", str(reps)], capture_output=True, text=True, check=True).stdout
    return float(out.strip().split("=")[1])


def median_ms(fn, reps: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times) / reps


def where_the_time_goes(sim: Simulator, reps: int, batch: int, repeats: int) -> list[tuple[str, float]]:
    """The parts of ``simulate``: the draws, the two per-cell samplers, and the day loop on drawn numbers."""
    s = sim.scenario
    idx = list(batches(reps, batch))
    draws = median_ms(lambda: [sim.draw(s.seed, i, "none") for i in idx], reps, repeats)
    rows = [("  draws before the day loop", draws)]
    params = [sample_batch(s, s.seed, i) for i in idx]
    means = [sim.draw(s.seed, i, "none").inputs.demand for i in idx]  # a realised path: the scenario's magnitudes

    def noise() -> None:  # the demand noise of every replication-day-city-item, around those means
        for m, p in zip(means, params, strict=True):
            realise_demand(m.copy(), s.demand.noise, p, s.seed, len(s.cities), s.demand.correlation)

    rows.append(("    demand noise sampler", median_ms(noise, reps, repeats)))
    lead = median_ms(lambda: [draw_lead_times(s, s.seed, i) for i in idx], reps, repeats)
    rows.append(("    lead-time sampler", lead))
    for events in ("full", "none"):
        drawn = [sim.draw(s.seed, i, events) for i in idx]
        loop = median_ms(lambda d=drawn: [sim.simulate(x) for x in d], reps, repeats)
        rows.append((f"  day loop --events {events}", loop))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(ROOT / "configs" / "jinan-circle.yaml"))
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    a = ap.parse_args()
    loaded = load_scenario(a.config)
    s = loaded.scenario
    sim = Simulator(loaded)

    def simulate_all(events: str) -> None:
        for idx in batches(a.reps, a.batch):
            sim.batch(s.seed, idx, events)

    for events in EVENT_MODES:  # warm-up (and the compiled kernels loaded) for every mode
        sim.batch(s.seed, np.arange(5), events)
    rows = []
    for events in ("full", "none"):
        rows.append((f"simulate --events {events}", median_ms(lambda e=events: simulate_all(e), a.reps, a.repeats)))
    rows += where_the_time_goes(sim, a.reps, a.batch, a.repeats)
    # A warm-up run first, as for the rows above: the first run in a process also pays for
    # touching its tables' memory (~2 ms a MB on a small VM); bench_scale.py times a whole command.
    run(loaded, replications=a.reps, batch_size=a.batch)
    for events in ("full", "none"):
        table = median_ms(
            lambda e=events: run(loaded, replications=a.reps, batch_size=a.batch, events=e),
            a.reps,
            max(1, a.repeats // 2),
        )
        rows.append((f"run --events {events}", table))
    no_daily = median_ms(
        lambda: run(loaded, replications=a.reps, batch_size=a.batch, keep_daily=False),
        a.reps,
        max(1, a.repeats // 2),
    )
    rows.append(("run --events full --daily none", no_daily))
    if s.epidemic.model == "seir":
        stochastic = load_scenario(a.config)
        stochastic = stochastic.model_copy(
            update={"scenario": s.model_copy(update={"epidemic": s.epidemic.model_copy(update={"stochastic": True})})}
        )
        for label, sc in (("epidemic", loaded), ("epidemic stochastic", stochastic)):
            driver = EpidemicDriver(sc)
            params = [sample_batch(sc.scenario, s.seed, idx) for idx in batches(a.reps, a.batch)]
            rows.append((label, median_ms(lambda d=driver, ps=params: [d.batch(s.seed, p) for p in ps], a.reps, 3)))
    fl = floor_ms(s.horizon_days, len(s.cities), len(s.items), 1000)
    size = f"days={s.horizon_days} cities={len(s.cities)} items={len(s.items)}"
    print(f"scenario={s.name} {size} reps={a.reps} batch={a.batch}")
    for label, ms in rows:
        ratio = f"  ratio_to_floor={ms / fl:.1f}x" if fl else ""
        print(f"{label:<32} ms_per_rep={ms:.3f}{ratio}")
    print(f"{'floor':<32} ms_per_rep={fl:.4f}" if fl else "floor: floor.py not found")


if __name__ == "__main__":
    main()
