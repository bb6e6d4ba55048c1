"""Days of supply: constant demand d from stock S with no resupply runs out after S/d days, and the
reserve check flips on the day the closing stock falls below coverage x d."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import base_dict, check_invariants, series, simulate


@pytest.mark.parametrize(("stock", "workers"), [(100, 100), (95, 100), (100, 70), (1, 100), (1000, 33)])
def test_constant_demand_runs_out_after_s_over_d_days(stock, workers):
    """Demand d a day from stock S: days 0 .. floor(S/d)-1 are served in full and the first unmet
    demand falls on day floor(S/d) (counting from day 0), i.e. the ceil(S/d)-th day when S/d is
    not whole; that day serves exactly what is left, S - floor(S/d) * d."""
    d = workers * 0.1
    city = {**base_dict()["cities"][0], "health_workers": workers, "stock": {"x": stock}}
    r = simulate(base_dict(cities=[city], horizon_days=math.ceil(stock / d) + 5))
    unmet = series(r, "unmet")
    first = int(np.argmax(unmet > 1e-9))
    expected = math.floor(stock / d + 1e-12)
    assert first == expected
    assert series(r, "served")[first] == pytest.approx(stock - expected * d)
    assert np.all(unmet[:first] == 0)
    assert np.all(series(r, "on_hand")[first:] == 0)
    check_invariants(r)


@pytest.mark.parametrize(("stock", "coverage"), [(100, 3), (95, 3), (100, 2.5), (50, 5)])
def test_compliance_flips_on_the_day_closing_stock_drops_below_the_reserve(stock, coverage):
    """Required reserve = coverage x d; the closing stock of day t is S - (t+1) d, so the first
    non-compliant day is floor(S/d - coverage)."""
    d = 10.0
    r = simulate(
        base_dict(
            reserve={"coverage_days": coverage},
            cities=[{**base_dict()["cities"][0], "stock": {"x": stock}}],
        )
    )
    compliant = series(r, "compliant")
    flip = math.floor(stock / d - coverage + 1e-12)
    assert compliant[:flip].all()
    assert not compliant[flip:].any()
    np.testing.assert_allclose(series(r, "required_reserve"), coverage * d)
    np.testing.assert_allclose(series(r, "days_of_cover")[:5], (stock - d * np.arange(1, 6)) / d)
