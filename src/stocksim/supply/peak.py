"""The ``peak`` reading's one figure, from a pilot of replications run once per scenario and seed.

Each of the ``reserve.peak_pilot`` pilot replications draws its own parameters and epidemic from
streams of its own (``draws.seeding.PilotSeed``: keys that no run replication uses), and gives the
expected (noise-free) use of each city and item on its own peak day, and the circle's summed use
on the circle's peak day. The figure is the ``reserve.peak_quantile`` of these peaks over the
pilot (numpy's default, linear interpolation: with n pilot replications, h = (n - 1) x quantile
between the order statistics floor(h) and ceil(h), counted from 0). It does not depend on the
run's replications, batch size or workers, and orders are not sized on a replication's own future.

Its routine part (``Peak.routine``) is the same interpolation of the health workers' routine use
on the peak days of the same two pilot replications (ties in the peak: the earlier replication
first), so ``routine / figure`` is the routine share of the expected use at the quantile.
"""

from __future__ import annotations

import numpy as np

from stocksim.draws.params import BatchParams, sample_batch
from stocksim.draws.seeding import PilotSeed
from stocksim.epidemic.driver import EpidemicDriver
from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.scenario.schema import Scenario
from stocksim.supply.demand import expected_demand
from stocksim.supply.reserve import Peak

PILOT_CHUNK = 100  # pilot replications run together (bounds the memory of the (R, H, C, I) arrays)


def peak_pilot(s: Scenario, driver: EpidemicDriver, seed: int) -> Peak:
    """The pilot of run seed ``seed``: its replications' peaks and their quantile."""
    pilot = PilotSeed(seed)
    n = s.reserve.peak_pilot
    parts = [_peaks(s, driver, pilot, np.arange(a, min(a + PILOT_CHUNK, n))) for a in range(0, n, PILOT_CHUNK)]
    peak, routine, circle, circle_routine = (np.concatenate(x) for x in zip(*parts, strict=True))
    q = s.reserve.peak_quantile
    return Peak(*quantile_with_part(peak, routine, q), *quantile_with_part(circle, circle_routine, q))


def _peaks(s: Scenario, driver: EpidemicDriver, pilot: PilotSeed, replications: np.ndarray) -> list[np.ndarray]:
    """For these pilot replications, expected use on each one's peak day and its routine part:
    per city and item (R, C, I), and for the circle (R, I) on the peak day of the cities' summed
    use (the first such day on a tie)."""
    p = sample_batch(s, pilot, replications)
    epi = driver.batch(pilot, p)
    use, routine = expected_demand(epi, p), routine_use(epi, p)  # (R, H, C, I)
    day = use.argmax(axis=1)[:, None]  # (R, 1, C, I)
    circle, circle_routine = use.sum(axis=2), routine.sum(axis=2)  # (R, H, I)
    circle_day = circle.argmax(axis=1)[:, None]  # (R, 1, I)
    return [
        np.take_along_axis(use, day, axis=1)[:, 0],
        np.take_along_axis(routine, day, axis=1)[:, 0],
        np.take_along_axis(circle, circle_day, axis=1)[:, 0],
        np.take_along_axis(circle_routine, circle_day, axis=1)[:, 0],
    ]


def routine_use(epi: EpidemicBatch, p: BatchParams) -> np.ndarray:
    """The routine part of expected use (R, H, C, I): health workers x the level's routine
    multiplier x routine rate (the first term of ``supply.demand.expected_demand``)."""
    staff = p.health_workers[:, None, :] * epi.routine_multiplier  # (R, H, C)
    return staff[..., None] * p.routine_rate[:, None, None, :]


def quantile_with_part(values: np.ndarray, part: np.ndarray, q: float) -> tuple[np.ndarray, np.ndarray]:
    """The ``q`` quantile of ``values`` over axis 0 (``np.quantile``, linear), and ``part`` taken
    with the same weights from the same two replications (in order of ``values``, ties stable)."""
    n = len(values)
    h = (n - 1) * q
    lo, hi = int(np.floor(h)), int(np.ceil(h))
    order = np.argsort(values, axis=0, kind="stable")
    ranked = np.take_along_axis(part, order, axis=0)
    weight = h - lo
    return np.quantile(values, q, axis=0), (1 - weight) * ranked[lo] + weight * ranked[hi]
