"""Risk pooling against Eppen (1979): seven cities ordering jointly need about 1/sqrt(7) of the
safety stock they need alone."""

from __future__ import annotations

import math

from conftest import base_dict, simulate

CITY = base_dict()["cities"][0]


def _cities(n, **kw):
    return [{**CITY, "id": f"c{k}", "name": f"C{k}", **kw} for k in range(n)]


def _pooling(mode: str, level_days: float, mu: float, lead: int, n: int = 7) -> dict:
    return base_dict(
        horizon_days=2000,
        replications=6,
        cities=_cities(n, health_workers=mu * 10, stock={"x": level_days * mu}),
        reserve={"daily_max": "declared", "declared": {f"c{k}": {"x": mu} for k in range(n)}},
        demand={"noise": "poisson"},
        suppliers=[{"id": "s", "lead_time_days": lead, "capacity_per_day": {"x": 1e12}}],
        transfers={"handling_hours": 0},  # co-located cities: the centre's carriage takes no time
        procurement={
            "mode": mode,
            "review_every_days": 1,
            "reorder_point_days": level_days,
            "order_up_to_days": level_days,
            "joint": {"allocation": "equal_days_of_cover"},
        },
    )


def _unmet_share(d: dict) -> float:
    df = simulate(d).daily
    df = df[df["day"] >= 100]  # past the start-up
    return 1 - df["served"].sum() / df["demand"].sum()


def test_pooled_ordering_needs_about_one_over_sqrt_n_of_the_safety_stock():
    """Eppen (1979): pooling n identical independent demands needs z sigma sqrt(n L) of safety
    stock instead of n z sigma sqrt(L): a ratio of 1/sqrt(7) = 0.378. Seven cities, Poisson demand
    of 100 a day each, lead time 28 days, daily review. Independent base stock with z = 2; the
    joint (pooled) base stock with r x the independent total safety stock, for r on a grid; r* is
    where the joint system's unmet share equals the independent one's (log-linear interpolation).

    Tolerance |r* - 0.378| <= 0.08: the centre allocates once a day (equal days of cover), so each
    city's last day of demand is not pooled (Eppen-Schrage put the ratio at
    sqrt((L-1)/n + 1)/sqrt(L) = 0.416 for the probability of a stockout day); sales are lost, not
    backordered; demand is Poisson, not normal; and the interpolated r* carries simulation noise
    of about 0.02 at this run length."""
    mu, lead, z = 100.0, 28, 2.0
    ss = z * math.sqrt(mu * lead)
    target = _unmet_share(_pooling("independent", (mu * lead + ss) / mu, mu, lead))
    grid = [0.28, 0.38, 0.48]
    unmet = [_unmet_share(_pooling("joint", (mu * lead + r * ss) / mu, mu, lead)) for r in grid]
    assert unmet[0] > target > unmet[-1], (target, unmet)  # r* lies inside the grid
    k = next(j for j in range(len(grid) - 1) if unmet[j] >= target >= unmet[j + 1])
    r_star = grid[k] + (grid[k + 1] - grid[k]) * math.log(unmet[k] / target) / math.log(unmet[k] / unmet[k + 1])
    print(f"pooling: independent unmet share {target:.5f}, joint {unmet}, r* = {r_star:.3f}")
    assert abs(r_star - 1 / math.sqrt(7)) <= 0.08, r_star
    assert r_star < 0.5  # joint ordering needs far less stock for the same fill rate
