"""The equal-cost search and the bisection on a grid."""

from __future__ import annotations

import pytest
from conftest import DEFAULT

from stocksim.experiment.compare import compare, policy_scenario
from stocksim.experiment.crn import CommonDraws, circle_net_cost
from stocksim.experiment.search import TOLERANCE, equal_cost, scaled_ordering, smallest_on_grid
from stocksim.scenario import load_scenario


def test_equal_cost_search_lands_within_one_percent_and_compare_runs_the_scaled_policy():
    sc = load_scenario(DEFAULT)
    cmp = compare(sc, ["independent", "joint"], replications=4, seed=5, at="equal-cost")
    found = cmp.equal_cost["joint"]
    base = circle_net_cost(cmp.results["independent"].per_replication).mean()
    scaled = circle_net_cost(cmp.results["joint"].per_replication).mean()  # a fresh run of the scaled policy
    assert found.matched and found.factor != 1.0
    assert abs(scaled - base) <= TOLERANCE * base
    assert scaled == pytest.approx(found.net_cost, rel=1e-12) and found.target == pytest.approx(base, rel=1e-12)
    assert (found.reorder_point_days, found.order_up_to_days) == pytest.approx((32 * found.factor, 46 * found.factor))
    p = cmp.results["joint"].scenario.procurement
    assert (p.reorder_point_days, p.order_up_to_days) == (found.reorder_point_days, found.order_up_to_days)
    row = cmp.table.query("policy == 'joint' and city == 'ALL' and item == 'ALL' and metric == 'net_cost'")
    assert abs(row["diff"].iloc[0]) <= TOLERANCE * base


def test_a_policy_whose_cost_does_not_move_is_reported_as_not_at_equal_cost():
    """Without procurement, s and S change nothing: no factor matches; the closest (1) is kept and said."""
    sc = load_scenario(DEFAULT)
    draws = CommonDraws(sc, 5, 2)
    target = 2 * circle_net_cost(draws.per_replication(policy_scenario(sc.scenario, "none"))).mean()
    found = equal_cost(draws, policy_scenario(sc.scenario, "none"), target, "none")
    assert not found.matched and found.factor == 1.0
    assert found.gap == pytest.approx(-0.5)


def test_scaled_ordering_multiplies_s_and_S_only():
    s = load_scenario(DEFAULT).scenario
    x = scaled_ordering(s, 1.5)
    assert (x.procurement.reorder_point_days, x.procurement.order_up_to_days) == (48.0, 69.0)
    assert x.reserve == s.reserve and x.cities == s.cities and x.procurement.joint == s.procurement.joint


@pytest.mark.parametrize(
    ("first", "start", "limit", "expected"),
    [
        (37, 10, 100, 37),
        (0, 10, 100, 0),
        (1, 10, 100, 1),
        (100, 10, 100, 100),
        (101, 10, 100, None),
        (250, 300, 1000, 250),
    ],
)
def test_smallest_on_grid_finds_the_first_passing_step(first, start, limit, expected):
    tried = []

    def passes(k):
        tried.append(k)
        return k >= first

    assert smallest_on_grid(passes, start, limit) == expected
    assert len(tried) <= 2 + 2 * limit.bit_length()
