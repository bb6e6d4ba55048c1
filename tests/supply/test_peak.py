"""The peak reading's pilot: one figure per city and item, the quantile of the pilot's peaks."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import loaded, three_cities

import stocksim.supply.batch as batch_module
from stocksim.draws.params import sample_batch
from stocksim.draws.seeding import PilotSeed
from stocksim.experiment.run import run
from stocksim.supply.batch import Simulator
from stocksim.supply.demand import expected_demand
from stocksim.supply.peak import peak_pilot, quantile_with_part


def test_quantile_and_its_part_interpolate_between_the_same_two_replications():
    values = np.array([[1.0], [3.0], [2.0], [5.0]])
    part = np.array([[10.0], [30.0], [20.0], [50.0]])
    # Sorted 1, 2, 3, 5. Median: h = 3 x 0.5 = 1.5, between 2 and 3 -> 2.5, part 25.
    assert np.concatenate(quantile_with_part(values, part, 0.5)) == pytest.approx([2.5, 25.0])
    # 0.95: h = 2.85, between 3 and 5 -> 3 + 0.85 x 2 = 4.7, part 30 + 0.85 x 20 = 47.
    assert np.concatenate(quantile_with_part(values, part, 0.95)) == pytest.approx([4.7, 47.0])
    assert np.concatenate(quantile_with_part(values, part, 1.0)) == pytest.approx([5.0, 50.0])  # the highest


def _outbreak() -> dict:
    d = three_cities(r0={"dist": "uniform", "low": 1.6, "high": 2.6})
    d["horizon_days"] = 120
    d["demand"] = {
        "noise": "poisson",
        "routine_per_health_worker_day": {"x": 0.1},
        "per_patient_day": {"mild": {"x": 1.0}, "severe": {"x": 3.0}, "icu": {"x": 6.0}},
    }
    d["reserve"] = {"coverage_days": 30, "daily_max": "peak", "peak_pilot": 25, "peak_quantile": 0.8}
    return d


def test_the_figure_is_the_quantile_of_the_pilot_replications_peaks_computed_one_by_one():
    ld = loaded(_outbreak())
    s, sim = ld.scenario, Simulator(ld)
    pilot = PilotSeed(s.seed)
    city, circle = [], []
    for j in range(25):  # each pilot replication alone, its expected use's peak day
        p = sample_batch(s, pilot, np.array([j]))
        use = expected_demand(sim.driver.batch(pilot, p), p)[0]  # (H, C, I)
        city.append(use.max(axis=0))
        circle.append(use.sum(axis=1).max(axis=0))
    assert len({round(float(c[0, 0]), 6) for c in city}) == 25  # the pilot's outbreaks differ
    p = sample_batch(s, s.seed, np.array([0]))  # ... and are not the run's (epidemic drawn from other streams)
    assert expected_demand(sim.driver.batch(s.seed, p), p)[0].max(axis=0)[0, 0] != city[0][0, 0]
    figure = peak_pilot(s, sim.driver, s.seed)
    np.testing.assert_allclose(figure.per_city, np.quantile(city, 0.8, axis=0), rtol=1e-12)
    np.testing.assert_allclose(figure.circle, np.quantile(circle, 0.8, axis=0), rtol=1e-12)
    # The circle's peak day is one day for all cities: at most the sum of the cities' figures here.
    assert (figure.circle <= figure.per_city.sum(axis=0)).all()
    # The run's daily max is the pilot's figure, in every replication.
    reps = run(ld, replications=3, keep_daily=False).per_replication
    a = reps[(reps["city"] == "a") & (reps["item"] == "x")]["daily_max"].to_numpy()
    np.testing.assert_allclose(a, figure.per_city[0, 0], rtol=1e-12)
    # The routine share: 3 cities' health workers x 0.1 a day are routine, patient care the rest.
    share = reps[(reps["city"] == "a") & (reps["item"] == "x")]["routine_share"].to_numpy()
    np.testing.assert_allclose(share, 100 * 0.1 / figure.per_city[0, 0], rtol=1e-12)


def test_the_pilot_runs_once_per_simulator_and_seed(monkeypatch):
    calls = []

    def counted(*args):
        calls.append(args[-1])
        return peak_pilot(*args)

    monkeypatch.setattr(batch_module, "peak_pilot", counted)
    ld = loaded(_outbreak())
    sim = Simulator(ld)
    for first in (0, 2, 4):
        sim.batch(ld.scenario.seed, np.arange(first, first + 2), days=False)
    sim.batch(ld.scenario.seed + 1, np.arange(2), days=False)
    assert calls == [ld.scenario.seed, ld.scenario.seed + 1]
