"""Travel between the cities: the gravity model, a matrix of travellers, and the spread it causes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import DEFAULT, ROOT, loaded, three_cities
from scipy.stats import spearmanr

from stocksim.epidemic.mobility import gravity_trips
from stocksim.experiment.run import run_epidemic
from stocksim.scenario import load_scenario


def test_gravity_model_sends_the_stated_share_of_residents():
    pop = np.array([1e6, 5e5, 2e5])
    km = np.array([[0, 50, 100], [50, 0, 60], [100, 60, 0]], float)
    trips = gravity_trips(pop, km, 0.01, 80.0)
    np.testing.assert_allclose(trips.sum(axis=1), 0.01 * pop)
    assert np.all(np.diag(trips) == 0)
    # From city 0, city 1 (nearer and larger) gets more travellers than city 2.
    assert trips[0, 1] / trips[0, 2] == pytest.approx((5e5 * math.exp(-50 / 80)) / (2e5 * math.exp(-100 / 80)))


def test_mobility_from_a_matrix_file(tmp_path):
    d = three_cities(r0=2.5)
    d["horizon_days"] = 100
    (tmp_path / "none.csv").write_text("city,a,b,c\na,0,0,0\nb,0,0,0\nc,0,0,0\n")
    (tmp_path / "trips.csv").write_text("city,a,b,c\na,0,20000,0\nb,20000,0,0\nc,0,0,0\n")
    d["epidemic"]["mobility"] = {"matrix": "none.csv"}
    isolated, _ = run_epidemic(loaded(d, base_dir=tmp_path))
    assert isolated.groupby("city", observed=True)["new_infections"].sum()[["b", "c"]].max() == 0
    d["epidemic"]["mobility"] = {"matrix": "trips.csv"}
    linked, _ = run_epidemic(loaded(d, base_dir=tmp_path))
    totals = linked.groupby("city", observed=True)["new_infections"].sum()
    assert totals["b"] > 1000 and totals["c"] == 0  # c exchanges nobody


def test_outbreak_reaches_nearer_and_larger_cities_first():
    """Seeded in Jinan: the day each city passes 100 infections falls in the order of how many
    travellers it exchanges with the infected cities, so near, large Tai'an before far, small Dongying."""
    sc = load_scenario(DEFAULT)
    d = sc.scenario.model_dump(mode="json")
    d["response"] = {"levels": []}
    d["epidemic"]["r0"] = 2.4
    d["epidemic"]["stochastic"] = True
    d["replications"] = 12
    c, _ = run_epidemic(loaded(d, base_dir=ROOT / "configs"))
    cum = c.assign(cum=c.groupby(["replication", "city"], observed=True)["new_infections"].cumsum())
    arrival = cum[cum["cum"] >= 100].groupby(["replication", "city"], observed=True)["day"].min()
    mean_arrival = arrival.groupby(level="city", observed=True).mean().reindex(sc.scenario.city_ids)
    assert mean_arrival["jinan"] == mean_arrival.min()
    km = sc.city_km  # the distances file the scenario names, read when it was loaded
    pop = np.array([x.population for x in sc.scenario.cities], float)
    from_jinan = gravity_trips(pop, km, 0.005, 100.0)[0, 1:]
    rho = spearmanr(from_jinan, mean_arrival.to_numpy()[1:]).statistic
    assert rho < -0.8
    assert mean_arrival["taian"] < mean_arrival["dongying"]
