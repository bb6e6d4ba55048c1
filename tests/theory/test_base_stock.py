"""Periodic-review base stock against inventory theory: the Poisson newsvendor, the normal
approximation (Snyder & Shen), Little's law, and an exact trace with a deterministic lead time."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import base_dict, check_invariants, series, simulate
from scipy.stats import norm, poisson


def _base_stock_scenario(lead: int, mean: float, level: float, days: int, reps: int) -> dict:
    city = {**base_dict()["cities"][0], "health_workers": mean * 10, "stock": {"x": level}}
    return base_dict(
        horizon_days=days,
        replications=reps,
        reserve={"daily_max": "declared", "declared": {"a": {"x": mean}}},
        cities=[city],
        demand={"noise": "poisson"},
        suppliers=[{"id": "s", "lead_time_days": lead, "capacity_per_day": {"x": 1e12}}],
        procurement={
            "mode": "independent",
            "review_every_days": 1,
            "reorder_point_days": level / mean,
            "order_up_to_days": level / mean,
        },
    )


def test_base_stock_with_one_day_lead_time_matches_the_poisson_newsvendor():
    """Daily review, base stock S, lead time 1: an order placed after day t's demand arrives
    before day t+1's, so every day opens with exactly S on hand and lost sales equal backorders.
    Then P(unmet on a day) = P(D > S) and E[unmet] = E[(D - S)+] exactly, D ~ Poisson(mu)."""
    mu, level, days, reps = 100.0, 115.0, 2000, 10
    r = simulate(_base_stock_scenario(1, mu, level, days, reps))
    df = r.daily
    np.testing.assert_allclose(df["on_hand"] + df["served"], level)  # every day opens at S
    p_theory = poisson.sf(level, mu)
    n = len(df)
    p_sim = (df["unmet"] > 0).mean()
    assert abs(p_sim - p_theory) < 4 * math.sqrt(p_theory * (1 - p_theory) / n)
    k = np.arange(int(level) + 1, 400)
    short_theory = float(np.sum((k - level) * poisson.pmf(k, mu)))
    short_sd = math.sqrt(float(np.sum((k - level) ** 2 * poisson.pmf(k, mu))) - short_theory**2)
    assert abs(df["unmet"].mean() - short_theory) < 4 * short_sd / math.sqrt(n)


def test_base_stock_against_the_normal_approximation_and_littles_law():
    """Lead time L = 4, S = mu L + z sigma sqrt(L) (Snyder & Shen, normal approximation; the
    protection period is L here because orders go out after the day's demand and arrive before
    it). Those formulas are for backorders. With lost sales an unmet day does not carry its
    shortfall into the next days, so stockout days are rarer and the fill rate higher than the
    backorder figures; as z grows the two converge. Little's law holds exactly in expectation:
    every unit sold is reordered and spends L days on order, so mean on-order = L x mean sales."""
    mu, lead, days, reps = 100.0, 4, 1500, 8
    sigma_p = math.sqrt(mu * lead)
    for z in (1.0, 2.5):
        level = mu * lead + z * sigma_p
        r = simulate(_base_stock_scenario(lead, mu, level, days, reps))
        df = r.daily[r.daily["day"] >= 3 * lead]  # past the start-up
        p_backorder = 1 - norm.cdf(z)
        loss = norm.pdf(z) - z * (1 - norm.cdf(z))
        fill_backorder = 1 - sigma_p * loss / mu
        p_sim = (df["unmet"] > 0).mean()
        fill_sim = df["served"].sum() / df["demand"].sum()
        assert p_sim < p_backorder
        assert fill_sim > fill_backorder
        # Close to the backorder figures: within 40 % of the stockout-day frequency at z = 1
        # (the lost-sales effect), within 25 % at z = 2.5.
        assert p_sim > (0.6 if z < 2 else 0.75) * p_backorder
        assert 1 - fill_sim > (0.4 if z < 2 else 0.6) * (1 - fill_backorder)
        assert df["on_order"].mean() == pytest.approx(lead * df["served"].mean(), rel=0.01)
        check_invariants(r)


def test_deterministic_lead_time_trace_is_exact():
    """Constant demand 10, lead time 3, base stock 40 reviewed daily: an order of 10 goes out every
    day and arrives three days later; on hand settles at S - d L = 10 and nothing is ever short."""
    level, lead = 40.0, 3
    d = base_dict(
        horizon_days=20,
        reserve={"daily_max": "declared", "declared": {"a": {"x": 10}}},
        cities=[{**base_dict()["cities"][0], "stock": {"x": level}}],
        suppliers=[{"id": "s", "lead_time_days": lead, "capacity_per_day": {"x": 1000}}],
        procurement={
            "mode": "independent",
            "review_every_days": 1,
            "reorder_point_days": 4,
            "order_up_to_days": 4,
        },
    )
    r = simulate(d)
    np.testing.assert_allclose(series(r, "received"), [0, 0, 0] + [10] * 17)
    np.testing.assert_allclose(series(r, "on_hand"), [30, 20, 10] + [10] * 17)
    np.testing.assert_allclose(series(r, "on_order"), [10, 20, 30] + [30] * 17)
    assert series(r, "unmet").sum() == 0
    ev = r.events
    orders = ev[ev["kind"] == "order"]
    deliveries = ev[ev["kind"] == "delivery"]
    assert list(orders["time"]) == list(range(20))
    # Each order is delivered in full exactly `lead` days after it was placed.
    placed = orders.set_index("order_id")["time"]
    arrived = deliveries.set_index("order_id")["time"]
    assert ((arrived - placed.reindex(arrived.index)) == lead).all()
    assert len(arrived) == 17
