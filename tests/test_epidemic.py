"""The SEIR driver against epidemic theory, and response levels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ROOT, base_dict, deep_update, loaded, simulate
from scipy.integrate import solve_ivp
from scipy.optimize import brentq
from scipy.stats import spearmanr

from stocksim.epidemic.mobility import gravity_trips
from stocksim.epidemic.response import LevelTable, level_step
from stocksim.experiment.run import run_epidemic
from stocksim.scenario import LEVEL_NAMES, load_scenario

CARE = {
    "mild": {"share": 0.2, "delay_days": 2, "stay_days": 10},
    "severe": {"share": 0.03, "delay_days": 4, "stay_days": 12},
    "icu": {"share": 0.01, "delay_days": 5, "stay_days": 8},
}


def seir_dict(**epidemic) -> dict:
    """One city of a million, an outbreak of 10 on day 0."""
    city = {**base_dict()["cities"][0], "population": 1_000_000, "designated_beds": 1e6, "designated_icu_share": 0.2}
    e = {
        "model": "seir",
        "r0": 2.0,
        "latent_days": 3.0,
        "infectious_days": 5.0,
        "introductions": [{"city": "a", "day": 0, "infections": 10}],
        "care": CARE,
    }
    return base_dict(horizon_days=200, cities=[city], epidemic={**e, **epidemic})


def census_of(d: dict, **kw):
    census, _ = run_epidemic(loaded(d), **kw)
    return census


@pytest.mark.parametrize("r0", [1.5, 2.0, 2.5, 4.0])
def test_final_attack_rate_matches_the_final_size_relation(r0):
    d = seir_dict(r0=r0)
    d["horizon_days"] = 1500 if r0 < 2 else 600
    c = census_of(d)
    last = c[c["day"] == c["day"].max()].iloc[0]
    assert last["exposed"] + last["infectious"] < 1.0, "the epidemic must be over for the relation to apply"
    z = brentq(lambda x: x - (1 - math.exp(-r0 * x)), 1e-6, 1.0)
    attack = last["recovered"] / 1_000_000
    assert attack == pytest.approx(z, rel=0.005)
    assert c["new_infections"].sum() / 1_000_000 == pytest.approx(z, rel=0.005)


def _three_cities(**epidemic) -> dict:
    d = seir_dict(**epidemic)
    city = d["cities"][0]
    d["cities"] = [
        {**city, "id": "a", "population": 2_000_000, "lat": 36.0, "lon": 117.0},
        {**city, "id": "b", "name": "B", "population": 500_000, "lat": 36.5, "lon": 117.3},
        {**city, "id": "c", "name": "C", "population": 1_000_000, "lat": 37.2, "lon": 118.4},
    ]
    d["epidemic"]["mobility"] = {"model": "gravity", "daily_trips_per_capita": 0.01, "distance_decay_km": 80}
    return d


def test_deterministic_curve_matches_scipy_adaptive_integration():
    """An independent right-hand side, integrated by scipy's DOP853 at tight tolerances."""
    d = _three_cities(r0=2.5)
    d["horizon_days"] = 120
    c = census_of(d)
    s = loaded(d).scenario
    pop = np.array([x.population for x in s.cities], float)
    from stocksim.scenario.files import great_circle_km

    trips = gravity_trips(pop, great_circle_km(s) * 1.25, 0.01, 80.0)
    beta, sigma, gamma = 2.5 / 5.0, 1 / 3.0, 1 / 5.0

    def rhs(_t, y):
        sus, exp_, inf_, _rec = y.reshape(4, 3)
        force = np.zeros(3)
        for i in range(3):
            stay = 1 - trips[i].sum() / pop[i]
            force[i] = beta * (
                stay * inf_[i] / pop[i] + sum(trips[i, j] / pop[i] * inf_[j] / pop[j] for j in range(3) if j != i)
            )
        new = force * sus
        return np.concatenate([-new, new - sigma * exp_, sigma * exp_ - gamma * inf_, gamma * inf_])

    y0 = np.concatenate([pop - [10, 0, 0], [10, 0, 0], np.zeros(3), np.zeros(3)])
    sol = solve_ivp(rhs, (0, 120), y0, method="DOP853", rtol=1e-10, atol=1e-8, t_eval=np.arange(1, 121))
    for k, name in enumerate(("susceptible", "exposed", "infectious", "recovered")):
        ours = c.pivot(index="day", columns="city", values=name).to_numpy()
        theirs = sol.y[3 * k : 3 * k + 3].T
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("stochastic", [False, True])
def test_population_is_conserved_in_every_city_on_every_day(stochastic):
    d = _three_cities(r0=3.0, stochastic=stochastic)
    d["replications"] = 3
    c = census_of(d)
    total = c[["susceptible", "exposed", "infectious", "recovered"]].sum(axis=1)
    pop = c["city"].map({"a": 2_000_000, "b": 500_000, "c": 1_000_000}).astype(float)
    np.testing.assert_allclose(total, pop, rtol=1e-12 if stochastic else 1e-9)
    assert (c[["susceptible", "exposed", "infectious", "recovered"]] >= -1e-9).all().all()
    if stochastic:
        assert (c["infectious"] == np.round(c["infectious"])).all()
    assert c["new_infections"].sum() > 1000


def test_no_introductions_means_no_cases_and_routine_demand_only():
    d = seir_dict(introductions=[])
    d["horizon_days"] = 30
    r = simulate(d)
    assert r.census[["exposed", "infectious", "new_infections", "mild", "severe", "icu", "swabs"]].to_numpy().max() == 0
    np.testing.assert_allclose(r.daily["demand"], 100 * 0.1)  # 100 health workers x 0.1, noise none
    assert (r.daily["response_level"] == "none").all()


def test_outbreak_reaches_nearer_and_larger_cities_first():
    """Seeded in Jinan: the day each city passes 100 infections falls in the order of how many
    travellers it exchanges with the infected cities, so near, large Tai'an before far, small Dongying."""
    sc = load_scenario(ROOT / "configs" / "jinan-circle.yaml")
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


def test_stochastic_mean_approaches_the_deterministic_curve_and_a_seeded_run_repeats():
    d = seir_dict(introductions=[{"city": "a", "day": 0, "infections": 200}])
    d["horizon_days"] = 120
    det = census_of(d).set_index("day")["new_infections"]
    stochastic = deep_update(d, {"epidemic": {"stochastic": True}, "replications": 40})
    sto = census_of(stochastic)
    mean = sto.groupby("day")["new_infections"].mean()
    # Cumulative infections over the wave: within 2 % (binomial steps of 1/8 day vs the ODE).
    assert mean.sum() == pytest.approx(det.sum(), rel=0.02)
    # The peak: same day within 2 days, same height within 5 %.
    assert abs(int(mean.idxmax()) - int(det.idxmax())) <= 2
    assert mean.max() == pytest.approx(det.max(), rel=0.05)
    again = census_of(stochastic)
    assert again.equals(sto)
    other = census_of(deep_update(stochastic, {"seed": 99}))
    assert not other["new_infections"].equals(sto["new_infections"])


def test_a_single_introduction_can_fizzle_out():
    d = seir_dict(r0=1.5, introductions=[{"city": "a", "day": 0, "infections": 1}], stochastic=True)
    d["replications"] = 30
    d["horizon_days"] = 150
    total = census_of(d).groupby("replication")["new_infections"].sum()
    assert (total < 20).any() and (total > 1000).any()


def test_patients_beyond_the_beds_are_reported_as_overflow():
    d = seir_dict(r0=3.0)
    d["horizon_days"] = 150
    roomy = census_of(d)
    d["cities"][0]["designated_beds"] = 500
    tight = census_of(d)
    np.testing.assert_allclose(tight["severe"] + tight["severe_overflow"], roomy["severe"])
    np.testing.assert_allclose(tight["icu"] + tight["icu_overflow"], roomy["icu"])
    assert tight["severe"].max() == pytest.approx(400) and tight["icu"].max() == pytest.approx(100)
    assert tight["severe_overflow"].max() > 0


def test_care_pathway_delays_and_stays():
    """The census is the admissions of the last stay_days days; admissions follow onsets by delay_days."""
    d = seir_dict(r0=2.0)
    d["horizon_days"] = 80
    c = census_of(d).set_index("day")
    # Onsets (E -> I flows) from the compartments: I(t) - I(t-1) + recoveries(t).
    recovered = c["recovered"].diff().fillna(c["recovered"])
    onsets = c["infectious"].diff().fillna(c["infectious"]) + recovered
    for sev, spec in CARE.items():
        admitted = (onsets * spec["share"]).shift(spec["delay_days"], fill_value=0.0)
        expected = admitted.rolling(spec["stay_days"], min_periods=1).sum()
        np.testing.assert_allclose(c[sev], expected, rtol=1e-6, atol=1e-6)


def _table(exit_after: int = 3) -> LevelTable:
    ones = np.ones((1, 3))
    return LevelTable(
        enter_at=np.array([np.inf, 1.0, 5.0]),
        exit_below=np.array([-np.inf, 0.5, 3.0]),
        codes=np.array([0, 1, 2]),
        routine_multiplier=ones,
        contact_factor=ones,
        swab_share=0 * ones,
        coverage_days=np.array([30.0, 30.0, 30.0]),
        surge_beds=0 * ones,
        exit_after_days=exit_after,
    )


def test_levels_follow_thresholds_with_hysteresis():
    table = _table(exit_after=3)
    indicator = [0, 1.2, 0.9, 1.1, 0.7, 6, 4, 2.9, 2.9, 3.1, 2.0, 2.0, 2.0, 0.4, 0.4, 0.4, 0.4]
    expected = [0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 0, 0]
    level, below, path = 0, 0, []
    for x in indicator:
        level, below = level_step(level, below, float(x), table.enter_at, table.exit_below, table.exit_after_days)
        path.append(int(level))
    # Up at once when a threshold is reached; no flicker around 1.0 (exit at 0.5); down one level only
    # after 3 consecutive days below the exit threshold (a day at 3.1 resets the count).
    assert path == expected


def test_a_level_change_changes_ppe_use_from_the_next_day():
    d = seir_dict(r0=2.5)
    d["horizon_days"] = 80
    d["response"] = {"levels": [{"level": "IV", "enter_at": 1.0, "exit_below": 0.5, "routine_multiplier": 3.0}]}
    d["demand"] = {"noise": "none", "routine_per_health_worker_day": {"x": 0.1}}  # routine only: 10 a day
    r = simulate(d)
    daily = r.daily.set_index("day")
    first = int(daily.index[daily["response_level"] == "IV"].min())
    cases = r.census.set_index("day")["new_cases"] / 1_000_000 * 1e5
    assert cases[first - 1] >= 1.0 > cases[first - 2]  # declared at the end of day first-1
    assert daily.loc[first - 1, "demand"] == pytest.approx(10.0)
    assert daily.loc[first, "demand"] == pytest.approx(30.0)
    ev = r.events[r.events["kind"] == "response_level"]
    assert list(ev["time"])[:1] == [first] and list(ev["quantity"])[:1] == [LEVEL_NAMES.index("IV")]


def test_mobility_from_a_matrix_file(tmp_path):
    d = _three_cities(r0=2.5)
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


def test_gravity_model_sends_the_stated_share_of_residents():
    pop = np.array([1e6, 5e5, 2e5])
    km = np.array([[0, 50, 100], [50, 0, 60], [100, 60, 0]], float)
    trips = gravity_trips(pop, km, 0.01, 80.0)
    np.testing.assert_allclose(trips.sum(axis=1), 0.01 * pop)
    assert np.all(np.diag(trips) == 0)
    # From city 0, city 1 (nearer and larger) gets more travellers than city 2.
    assert trips[0, 1] / trips[0, 2] == pytest.approx((5e5 * math.exp(-50 / 80)) / (2e5 * math.exp(-100 / 80)))
