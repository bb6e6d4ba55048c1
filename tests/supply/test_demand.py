"""Demand noise correlated across cities (``demand.correlation``, a Gaussian copula): the counts'
correlation matches the copula's, computed exactly from outside the code; the marginals are
unchanged; correlation 0 is today's independent draw; the numbers do not depend on batch size or
workers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict, deep_update, loaded, seir_dict, series, simulate
from numpy.polynomial.hermite_e import hermeval
from scipy.special import ndtri
from scipy.stats import multivariate_normal, nbinom, norm

from stocksim.draws.params import sample_batch
from stocksim.draws.seeding import Stream, rngs
from stocksim.experiment.backends import Backend
from stocksim.experiment.run import run
from stocksim.supply.demand import realise_demand

MEAN, DISPERSION = 50.0, 20.0
MARGINAL = nbinom(DISPERSION, DISPERSION / (DISPERSION + MEAN))  # variance 50 + 50^2 / 20 = 175
DAYS, REPLICATIONS, SEED = 5_000, 8, 3  # 40,000 days of two cities


def _two_cities(correlation: float, **overrides) -> dict:
    """Two identical cities, one item, expected demand 50 a day (100 workers x 0.5)."""
    d = base_dict(**overrides)
    b = {**d["cities"][0], "id": "b", "name": "B", "lon": 117.5}
    demand = {"noise": "negative_binomial", "dispersion": DISPERSION, "correlation": correlation}
    return deep_update(
        {**d, "cities": [d["cities"][0], b]},
        {"demand": {**demand, "routine_per_health_worker_day": {"x": MEAN / 100}}},
    )


def _draw(correlation: float, noise: str = "negative_binomial") -> np.ndarray:
    """Demand (R, H, 2, 1) at a constant mean of 50, drawn as a run draws it."""
    s = loaded(_two_cities(correlation, horizon_days=DAYS)).scenario
    p = sample_batch(s, SEED, np.arange(REPLICATIONS))
    demand = np.full((REPLICATIONS, DAYS, 2, 1), MEAN)
    realise_demand(demand, noise, p, SEED, correlation=correlation)
    return demand


def copula_count_correlation(marginal, rho: float, terms: int = 60) -> float:
    """The correlation of X = G(Phi(Z1)), Y = G(Phi(Z2)), corr(Z1, Z2) = rho, G the marginal's
    inverse CDF. X = sum over k of 1{Z > t_k}, t_k = Phi^-1(F(k)), and E[1{Z > t} He_n(Z)] =
    phi(t) He_{n-1}(t), so by Mehler's formula cov(X, Y) = sum_n c_n^2 rho^n / n! with
    c_n = sum_k phi(t_k) He_{n-1}(t_k); terms past n = 60 add < 1e-9 for rho <= 0.7."""
    t = ndtri(marginal.cdf(np.arange(int(marginal.ppf(1 - 1e-15)) + 1)))
    t = t[np.isfinite(t)]
    c = np.array([np.sum(norm.pdf(t) * hermeval(t, [0] * (n - 1) + [1])) for n in range(1, terms + 1)])
    weights = c**2 / np.array([float(math.factorial(n)) for n in range(1, terms + 1)])
    return float(np.sum(weights * rho ** np.arange(1, terms + 1)) / marginal.var())


def test_the_target_agrees_with_a_direct_sum_over_the_bivariate_normal():
    # cov(X, Y) = sum over j, k of P(Z1 > t_j, Z2 > t_k) - P(Z > t_j) P(Z > t_k): few terms at a
    # small mean (Poisson 0.2), where the counts keep much less than the copula's correlation.
    small = nbinom(1e9, 1e9 / (1e9 + 0.2))  # ~ Poisson(0.2)
    t = ndtri(small.cdf(np.arange(12)))
    t = t[np.isfinite(t)]
    for rho in (0.3, 0.7):
        both = multivariate_normal(cov=[[1, rho], [rho, 1]])
        cov = sum(both.cdf([-a, -b]) - norm.sf(a) * norm.sf(b) for a in t for b in t)
        assert copula_count_correlation(small, rho) == pytest.approx(cov / small.var(), abs=1e-5)
    assert copula_count_correlation(small, 0.7) < 0.55
    assert 0.69 < copula_count_correlation(MARGINAL, 0.7) < 0.7  # little lost at mean 50
    assert copula_count_correlation(MARGINAL, 0.0) == 0.0


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.7])
def test_two_cities_daily_demand_has_the_copula_correlation_and_the_same_marginal(rho):
    demand = _draw(rho)[..., 0].reshape(-1, 2)  # (R x H, 2 cities)
    n = demand.shape[0]
    measured = np.corrcoef(demand[:, 0], demand[:, 1])[0, 1]
    assert abs(measured - copula_count_correlation(MARGINAL, rho)) < 0.03
    # Marginal: the negative binomial's mean 50 and variance 175, within 4 standard errors.
    var = MARGINAL.var()
    kurtosis = float(MARGINAL.stats(moments="k"))  # excess
    for city in (0, 1):
        x = demand[:, city]
        assert abs(x.mean() - MEAN) < 4 * math.sqrt(var / n)
        assert abs(x.var(ddof=1) - var) < 4 * var * math.sqrt((kurtosis + 2) / n)
        assert np.array_equal(x, np.round(x)) and x.min() >= 0


def test_without_correlation_the_draws_are_numpys_independent_ones():
    k = DISPERSION
    expected = [g.negative_binomial(k, k / (k + MEAN), size=(DAYS, 2, 1)) for g in rngs(SEED, range(2), Stream.DEMAND)]
    np.testing.assert_array_equal(_draw(0.0)[:2], np.array(expected, dtype=float))


def test_poisson_noise_is_correlated_too():
    demand = _draw(0.7, "poisson")[..., 0].reshape(-1, 2)
    target = copula_count_correlation(nbinom(1e9, 1e9 / (1e9 + MEAN)), 0.7)  # ~ Poisson(50)
    assert abs(np.corrcoef(demand.T)[0, 1] - target) < 0.03
    assert abs(demand.mean() - MEAN) < 4 * math.sqrt(MEAN / demand.size)


def test_full_correlation_gives_two_identical_cities_the_same_demand_every_day():
    result = simulate(_two_cities(1.0, horizon_days=60))
    a, b = series(result, "demand", "a"), series(result, "demand", "b")
    assert np.array_equal(a, b) and a.std() > 0


def test_correlated_demand_does_not_depend_on_batch_size_or_workers():
    ls = loaded(_two_cities(0.7, horizon_days=40))
    one = run(ls, replications=5, batch_size=1).daily
    pd.testing.assert_frame_equal(one, run(ls, replications=5, batch_size=3).daily)
    pd.testing.assert_frame_equal(one, run(ls, replications=5, batch_size=2, backend=Backend(workers=2)).daily)
    assert not np.array_equal(
        one["demand"], run(loaded(_two_cities(0.0, horizon_days=40)), replications=5).daily["demand"]
    )


# ---- crisis practice: use factors (response.levels[].use_factor) --------------------------------


def _factored(use_factor: dict, schedule: list, noise: str = "none") -> dict:
    """Items x (10 a day: 100 workers x 0.1) and y (20 a day), levels II and I as scheduled."""
    d = base_dict(
        items=[*base_dict()["items"], {"id": "y", "name": "Y", "shelf_life_days": 10_000, "unit_cost_cny": 1.0}],
        response={
            "levels": [
                {"level": "II", "enter_at": 1, "exit_below": 0.5, "use_factor": use_factor.get("II", {})},
                {"level": "I", "enter_at": 2, "exit_below": 1, "use_factor": use_factor.get("I", {})},
            ],
            "schedule": schedule,
        },
    )
    d["demand"] = {"noise": noise, "routine_per_health_worker_day": {"x": 0.1, "y": 0.2}}
    return d


def test_a_use_factor_scales_the_items_demand_exactly_from_the_day_after_its_level_is_declared():
    # Level II declared to take effect at 24:00 on day 4 (in force from day 5, as Shandong's Level II of
    # 8 March 2020 was declared for 24:00 on 7 March), Level I from day 10 to 14, II again from day 15:
    # x's 10 a day becomes 10 x 0.5 = 5 on days 5-9 and 15-29, 10 x 0.2 = 2 on days 10-14; y untouched.
    schedule = [
        {"level": "II", "from_day": 5, "to_day": 9},
        {"level": "I", "from_day": 10, "to_day": 14},
        {"level": "II", "from_day": 15},
    ]
    r = simulate(_factored({"II": {"x": 0.5}, "I": {"x": 0.2}}, schedule))
    np.testing.assert_allclose(series(r, "demand"), [10] * 5 + [5] * 5 + [2] * 5 + [5] * 15)
    np.testing.assert_allclose(series(r, "demand", item="y"), [20] * 30)
    assert list(series(r, "response_level")[4:6]) == ["none", "II"]


def test_use_factors_follow_levels_declared_on_thresholds_from_the_next_day_noise_scaled_with_the_mean():
    # SEIR: a level declared at the end of day t (new cases reached enter_at) is in force from t + 1;
    # demand of x with the factor is the same draw as without it, x 0.5 on exactly the days level IV is in force.
    d = seir_dict(r0=2.5)
    d["horizon_days"] = 80
    d["demand"] = {"noise": "negative_binomial", "dispersion": 5, "routine_per_health_worker_day": {"x": 0.1}}
    d["response"] = {"levels": [{"level": "IV", "enter_at": 1.0, "exit_below": 0.5}]}
    without = simulate(d)
    d["response"]["levels"][0]["use_factor"] = {"x": 0.5}
    r = simulate(d)
    level = series(r, "response_level")
    first = int(np.argmax(level == "IV"))
    cases = r.census.set_index("day")["new_cases"] / 1_000_000 * 1e5
    assert cases[first - 1] >= 1.0 > cases[first - 2] and (level[:first] == "none").all()
    factor = np.where(level == "IV", 0.5, 1.0)
    assert (factor == 0.5).sum() > 10 and (series(without, "demand")[factor == 0.5] > 0).sum() > 10
    np.testing.assert_array_equal(series(r, "demand"), series(without, "demand") * factor)


def test_the_burn_rate_before_any_day_is_seen_counts_the_day_0_factor():
    # Level II in force from day 0 with x at 0.5: day 0's expected use, the opening burn rate of
    # working stock's [s, S], is 5, as is every day's burn rate.
    d = _factored({"II": {"x": 0.5}}, [{"level": "II", "from_day": 0}])
    r = simulate(deep_update(d, {"reserve": {"pools": "separate"}}))  # the 100 units are working stock
    np.testing.assert_allclose(series(r, "burn_rate"), 5.0)
    assert r.per_replication.set_index(["city", "item"]).loc[("a", "x"), "initial_working_days_of_cover"] == 20.0


def test_without_use_factors_the_demand_is_unchanged():
    schedule = [{"level": "I", "from_day": 3}]
    np.testing.assert_array_equal(series(simulate(_factored({}, schedule)), "demand"), [10.0] * 30)
