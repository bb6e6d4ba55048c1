"""Searches on common random numbers: a policy at equal cost, and the bisection ``size`` uses.

Equal cost (``stocksim compare --at equal-cost``). A policy that holds less stock looks cheaper
and runs out more, so a fair comparison scales it until it costs what the baseline costs. The
search scales the policy's working-stock ordering levels, ``procurement.reorder_point_days`` [s]
and ``order_up_to_days`` [S], by one factor f (s x f, S x f; S - s grows with them, so orders get
larger as well as earlier), until the mean net cost of the circle over the replications is within
``TOLERANCE`` (1 %) of the baseline's. The reserve held apart (``reserve.pools: separate``) is not
scaled: it is what the rule requires of every city whatever the policy, and its target is the
figure the compliance check is made against; equal cost is reached through what the policy
decides, its orders.

The mean net cost at f is computed on the baseline's replications and seed with the draws kept
(``crn.CommonDraws``), so it is a deterministic function of f, a step function that rises with f
in practice (more stock: more holding cost, more use served, more bought at disrupted prices).
The search brackets the root of mean(f) - target from f = 1, stepping by x1.25 up (the policy is
cheaper) or down (dearer) within [0.1, 5], then runs Brent's method (``scipy.optimize.brentq``)
inside the bracket, to a factor within 0.001, stopping early at a point within 0.1 % (a tenth of
the tolerance: a comparison at equal cost should not carry a 1 % cost difference when a closer
point is cheap to find). The point whose cost is closest to the target is used; it is at equal
cost (``matched``) when within 1 %. When no point is (the cost does not reach the target inside
[0.1, 5], or it jumps over the 1 % band at a step), the closest is still used and the result says
so (``matched`` false): the comparison is then not at equal cost, and the output says by how much.

Bisection on a grid (``smallest_on_grid``): the smallest whole number of grid steps at which a
monotone test passes, from a bracket that doubles until the test passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from scipy.optimize import brentq

from stocksim.experiment.crn import CommonDraws, circle_net_cost
from stocksim.scenario.schema import Scenario

TOLERANCE = 0.01  # equal cost: the means within 1 % of the baseline's
EARLY_STOP = 0.1  # the search stops early at a point within this share of the tolerance
FACTOR_RANGE = (0.1, 5.0)  # factors on s and S the search tries
FACTOR_STEP = 1.25  # the bracket's step, as a ratio


@dataclass(frozen=True)
class EqualCost:
    """A policy brought to the baseline's net cost: the factor on its s and S, the levels it
    gives (days of the ordering basis), the mean net costs (CNY), their gap as a share of the
    target, whether that is within the tolerance, and how many points the search ran."""

    policy: str
    factor: float
    reorder_point_days: float
    order_up_to_days: float
    net_cost: float
    target: float
    gap: float
    matched: bool
    evaluations: int


def scaled_ordering(s: Scenario, factor: float) -> Scenario:
    """The scenario with working stock's s and S (``procurement``) multiplied by ``factor``."""
    p = s.procurement
    update = {"reorder_point_days": p.reorder_point_days * factor, "order_up_to_days": p.order_up_to_days * factor}
    return s.model_copy(update={"procurement": p.model_copy(update=update)})


class _Within(Exception):
    """Raised inside the root finder when a point is within the tolerance: the search stops there."""

    def __init__(self, factor: float):
        self.factor = factor


def equal_cost(
    draws: CommonDraws, s: Scenario, target: float, policy: str = "", tolerance: float = TOLERANCE
) -> EqualCost:
    """The factor on ``s``'s s and S that brings its mean circle net cost closest to ``target``
    (CNY) on ``draws``, at equal cost when within ``tolerance`` (module docstring)."""
    scale = max(abs(target), 1.0)
    gaps: dict[float, float] = {}

    def gap(f: float) -> float:
        if f not in gaps:
            gaps[f] = (float(circle_net_cost(draws.per_replication(scaled_ordering(s, f))).mean()) - target) / scale
        if abs(gaps[f]) <= EARLY_STOP * tolerance:
            raise _Within(f)
        return gaps[f]

    try:
        bracket = _bracket(gap)
        if bracket is not None:
            brentq(gap, *bracket, xtol=1e-3, rtol=1e-6)
        found = min(gaps, key=lambda f: abs(gaps[f]))
    except _Within as w:
        found = w.factor
    return _result(s, policy, found, gaps[found] * scale + target, target, gaps[found], tolerance, len(gaps))


def _bracket(gap: Callable[[float], float]) -> tuple[float, float] | None:
    """Two factors whose gaps have opposite signs, stepping from 1 away from the target; None when
    the range ends first."""
    low, high = FACTOR_RANGE
    f, g = 1.0, gap(1.0)
    step = FACTOR_STEP if g < 0 else 1 / FACTOR_STEP
    while low <= f * step <= high:
        nxt = f * step
        if (gap(nxt) > 0) != (g > 0):
            return (f, nxt) if f < nxt else (nxt, f)
        f = nxt
    edge = high if step > 1 else low
    if f != edge and (gap(edge) > 0) != (g > 0):
        return (f, edge) if f < edge else (edge, f)
    return None


def _result(
    s: Scenario, policy: str, f: float, cost: float, target: float, gap: float, tolerance: float, n: int
) -> EqualCost:
    p = scaled_ordering(s, f).procurement
    matched = abs(gap) <= tolerance
    return EqualCost(policy, f, p.reorder_point_days, p.order_up_to_days, cost, target, gap, matched, n)


def equal_cost_table(found: list[EqualCost]) -> pd.DataFrame:
    """``equal_cost.csv``: one row per policy scaled to the baseline's net cost."""
    return pd.DataFrame(
        {
            "policy": [e.policy for e in found],
            "factor": [e.factor for e in found],
            "reorder_point_days": [e.reorder_point_days for e in found],
            "order_up_to_days": [e.order_up_to_days for e in found],
            "net_cost_mean": [e.net_cost for e in found],
            "target_net_cost": [e.target for e in found],
            "gap": [e.gap for e in found],
            "matched": [e.matched for e in found],
            "evaluations": [e.evaluations for e in found],
        }
    )


def smallest_on_grid(passes: Callable[[int], bool], start: int, limit: int) -> int | None:
    """The smallest whole number k in [0, limit] of grid steps at which ``passes(k)`` is true,
    for a test that passes from some k on (monotone): 0 if it passes there; else a bracket
    doubling from ``start`` (capped at ``limit``) until it passes, then bisection. None when it
    does not pass at ``limit``."""
    if passes(0):
        return 0
    low, high = 0, max(1, min(start, limit))
    while not passes(high):
        if high >= limit:
            return None
        low, high = high, min(2 * high, limit)
    while high - low > 1:
        mid = (low + high) // 2
        if passes(mid):
            high = mid
        else:
            low = mid
    return high
