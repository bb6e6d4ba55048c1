"""Uncertain numbers: a plain number or a distribution with the stated mean and spread."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter

from stocksim.draws.seeding import Stream, rngs
from stocksim.scenario.uncertain import Uncertain, draw_per_replication, mean_of

PARSE = TypeAdapter(Uncertain)


@pytest.mark.parametrize(
    ("spec", "mean", "sd"),
    [
        (
            {"dist": "triangular", "low": 1, "mode": 2, "high": 6},
            3.0,
            math.sqrt((1 + 4 + 36 - 2 - 6 - 12) / 18),
        ),
        ({"dist": "uniform", "low": 2, "high": 4}, 3.0, 2 / math.sqrt(12)),
        ({"dist": "normal", "mean": 10, "sd": 2}, 10.0, 2.0),
        ({"dist": "lognormal", "mean": 10, "sd": 3}, 10.0, 3.0),
        ({"dist": "gamma", "mean": 10, "sd": 3}, 10.0, 3.0),
    ],
)
def test_distributions_have_the_stated_mean_and_sd(spec, mean, sd):
    value = PARSE.validate_python(spec)
    assert mean_of(value) == pytest.approx(mean)
    n = 20_000
    x = draw_per_replication(value, rngs(1, np.arange(n), Stream.PARAMS), low=-math.inf)
    assert abs(x.mean() - mean) < 4 * sd / math.sqrt(n)
    assert x.std() == pytest.approx(sd, rel=0.05)


def test_a_plain_number_is_constant_and_draws_nothing():
    assert PARSE.validate_python(3) == 3.0
    g = rngs(1, [0], Stream.PARAMS)
    state = g[0].bit_generator.state
    np.testing.assert_array_equal(draw_per_replication(3.0, g), [3.0])
    assert g[0].bit_generator.state == state


def test_quantiles_by_hand():
    """Triangular (2, 2.4, 3): F(mode) = 0.4, so the 5th percentile is low + sqrt(0.05 x 1 x 0.4) and
    the median and 95th are high - sqrt((1 - q) x 1 x 0.6); uniform (1, 4): 1 + 3q; normal: mean + z sd;
    lognormal: the median is exp(mu) = mean / sqrt(1 + cv^2)."""
    tri = PARSE.validate_python({"dist": "triangular", "low": 2, "mode": 2.4, "high": 3})
    expected = [2 + math.sqrt(0.02), 3 - math.sqrt(0.3), 3 - math.sqrt(0.03)]
    np.testing.assert_allclose(tri.quantile([0.05, 0.5, 0.95]), expected, rtol=1e-12)
    uni = PARSE.validate_python({"dist": "uniform", "low": 1, "high": 4})
    np.testing.assert_allclose(uni.quantile([0.05, 0.5, 0.95]), [1.15, 2.5, 3.85], rtol=1e-12)
    norm = PARSE.validate_python({"dist": "normal", "mean": 10, "sd": 2})
    assert norm.quantile(0.95) == pytest.approx(10 + 2 * 1.6448536269514722, rel=1e-12)
    logn = PARSE.validate_python({"dist": "lognormal", "mean": 10, "sd": 3})
    assert logn.quantile(0.5) == pytest.approx(10 / math.sqrt(1.09), rel=1e-12)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "triangular", "low": 2, "mode": 2.4, "high": 3},
        {"dist": "normal", "mean": 10, "sd": 2},
        {"dist": "lognormal", "mean": 10, "sd": 3},
        {"dist": "gamma", "mean": 10, "sd": 3},
    ],
)
def test_quantiles_are_those_of_the_draws(spec):
    """The quantile function and the draws use one parameterisation: the 5th, 50th and 95th
    percentiles of 200,000 draws lie within 1 % of it (a gamma given by its scale as its rate, or a
    lognormal by the log's mean, would be off by far more)."""
    dist = PARSE.validate_python(spec)
    draws = dist.draw(np.random.default_rng(11), 200_000)
    q = [0.05, 0.5, 0.95]
    np.testing.assert_allclose(np.quantile(draws, q), dist.quantile(q), rtol=0.01)
