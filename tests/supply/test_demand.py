"""Demand noise correlated across cities (``demand.correlation``, a Gaussian copula): the counts'
correlation matches the copula's, computed exactly from outside the code; the marginals are
unchanged; correlation 0 is today's independent draw; the numbers do not depend on batch size or
workers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict, deep_update, loaded, series, simulate
from numpy.polynomial.hermite_e import hermeval
from scipy.special import ndtri
from scipy.stats import multivariate_normal, nbinom, norm

from stocksim.draws.params import sample_batch
from stocksim.draws.seeding import Stream, rngs
from stocksim.experiment.backends import Backend
from stocksim.experiment.run import run
from stocksim.supply.demand import realised_demand

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
    mean = np.full((REPLICATIONS, DAYS, 2, 1), MEAN)
    return realised_demand(mean, noise, p, SEED, correlation=correlation)


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
