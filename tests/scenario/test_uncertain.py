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
