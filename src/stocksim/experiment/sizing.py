"""How large must the reserve be for a target risk (``stocksim size``).

For each policy, the smallest reserve that meets a target such as ``p_stockout<=0.05``, on common
random numbers, and what it costs. The reserve is set by one number x (``--by``):

- ``coverage_days``: every city's opening reserve is x days of its daily max (the reserve rule's
  日均消耗上限, units/day), and the reserve's replenishment target (``reserve.target_days``) is x;
- ``reserve_scale``: every city's given opening reserve is multiplied by x, and the target too;
- ``coverage_days@CITY`` / ``reserve_scale@CITY``: the same for one city, the others as given;
  the target (one key for every city) stays as given.

"The opening reserve" is, with ``reserve.pools: separate``, the reserve held apart
(``cities[].reserve`` and ``reserve_lots``); with one pile (``single``), all of a city's stock
(``stock`` and ``lots``). A reserve of u units keeps the scenario's dated lots of the item (older
stock first in use, as given) and adds new units up to u; when u is below the dated lots, they
are all scaled down to u. Depots are not sized: they belong to the province, not to the cities.

The daily max is one figure per city and item in the run (``full_load`` with uncertain beds or
level settings varies between replications; then its mean over the replications is used, and the
result says so), so x days is one quantity to buy.

The search. Metrics: ``p_stockout``, the chance that some city (``p_stockout@CITY``: the city)
runs short of any item on some day of the horizon; ``fill_rate``, the circle's (or the city's)
served / demand, units of all items summed, averaged over replications. The estimate at x is the
metric over the replications of one seed with the draws kept (``crn.CommonDraws``): a
deterministic function of x. Bisection (``search.smallest_on_grid``) on a grid of 0.1 day (0.01
for a scale) finds the smallest x whose estimate meets the target, assuming that more reserve
never raises the chance of running out (true of the model's rules in practice; a CRN estimate is
monotone when each replication's outcome is). The bracket starts at ``coverage_days`` (a scale
of 1) and doubles, up to ``max(365, 2 x horizon)`` days or a scale of 16; when the target is not
met there, no reserve is reported (``reachable`` false) and the estimate at that limit is.

The check. The x found is run again on fresh replications (indices n..2n-1 of the same seed,
streams the search never saw: an independent estimate, as the search's own is biased towards
meeting the target); ``p_stockout`` is reported with its Wilson 95 % interval (scipy's
``binomtest(...).proportion_ci(method="wilson")``), ``fill_rate`` with the t interval over
replications.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from stocksim.experiment.backends import Backend
from stocksim.experiment.crn import CommonDraws, any_stockout, fill_rate
from stocksim.experiment.search import smallest_on_grid
from stocksim.results.tables import CIRCLE
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import City, Lot, Scenario

METRICS = {"p_stockout": "<=", "fill_rate": ">="}  # each metric and the direction a target can take
LEVERS = {"coverage_days": 0.1, "reserve_scale": 0.01}  # each --by and its resolution
MAX_SCALE = 16.0
CONFIDENCE = 0.95
_TARGET = re.compile(r"^\s*([a-z_]+)(?:@([A-Za-z0-9_\-]+))?\s*(<=|>=)\s*(\S+)\s*$")


@dataclass(frozen=True)
class Target:
    """``metric[@city] op value``: ``p_stockout <= value`` or ``fill_rate >= value``."""

    metric: str
    city: str | None
    op: str
    value: float

    def met(self, estimate: float) -> bool:
        return estimate <= self.value if self.op == "<=" else estimate >= self.value

    def text(self) -> str:
        where = f"@{self.city}" if self.city else ""
        return f"{self.metric}{where}{self.op}{self.value:g}"


@dataclass(frozen=True)
class Lever:
    """What ``size`` changes (``--by``): ``coverage_days`` or ``reserve_scale``, of every city or one."""

    kind: str
    city: str | None

    @property
    def resolution(self) -> float:
        return LEVERS[self.kind]

    def text(self) -> str:
        return self.kind + (f"@{self.city}" if self.city else "")


def parse_target(text: str, s: Scenario) -> Target:
    """``--target`` as written: ``p_stockout<=0.05``, ``fill_rate>=0.99``, ``p_stockout@jinan<=0.1``."""
    m = _TARGET.match(text)
    forms = "METRIC<=X or METRIC>=X with METRIC one of p_stockout, fill_rate (or METRIC@CITY)"
    if not m:
        raise ConfigError("--target", "", f"expected {forms}", text)
    metric, city, op, value = m.groups()
    if metric not in METRICS:
        raise ConfigError("--target", "", f"unknown metric {metric!r}: expected {forms}", text)
    if city is not None and city not in s.city_ids:
        raise ConfigError("--target", "", f"unknown city {city!r} (one of {', '.join(s.city_ids)})", text)
    try:
        x = float(value)
    except ValueError:
        raise ConfigError("--target", "", f"{value!r} is not a number", text) from None
    if not 0.0 <= x <= 1.0:
        raise ConfigError("--target", "", f"{metric} is a share: the value must be in [0, 1], got {x:g}", text)
    if op != METRICS[metric]:
        bound = "an upper bound" if METRICS[metric] == "<=" else "a lower bound"
        raise ConfigError(
            "--target", "", f"size finds the smallest reserve that meets a target, so {metric} takes {bound}: "
            f"write {metric}{METRICS[metric]}X", text,
        )  # fmt: skip
    return Target(metric, city, op, x)


def parse_lever(text: str, s: Scenario) -> Lever:
    """``--by`` as written: ``coverage_days``, ``reserve_scale``, or either ``@CITY``."""
    kind, _, city = text.strip().partition("@")
    if kind not in LEVERS:
        raise ConfigError("--by", "", f"expected one of {', '.join(LEVERS)} (or KIND@CITY)", text)
    if city and city not in s.city_ids:
        raise ConfigError("--by", "", f"unknown city {city!r} (one of {', '.join(s.city_ids)})", text)
    lever = Lever(kind, city or None)
    if kind == "reserve_scale" and not opening_reserve(s)[_cities(s, lever)].any():
        raise ConfigError("--by", "", "the scenario gives no reserve to scale (use coverage_days)", text)
    return lever


# ---- the reserve a point stands for ---------------------------------------------------------


def _fields(s: Scenario) -> tuple[str, str]:
    """A city's opening reserve: the reserve apart (separate pools) or all its stock (one pile)."""
    return ("reserve", "reserve_lots") if s.reserve.pools == "separate" else ("stock", "lots")


def _cities(s: Scenario, lever: Lever) -> list[int]:
    return [s.city_ids.index(lever.city)] if lever.city else list(range(len(s.cities)))


def opening_reserve(s: Scenario) -> np.ndarray:
    """Each city's opening reserve (C, I), units: undated units and dated lots."""
    untimed, lots = _fields(s)
    out = np.zeros((len(s.cities), len(s.items)))
    for c, city in enumerate(s.cities):
        for item, qty in getattr(city, untimed).items():
            out[c, s.item_ids.index(item)] += qty
        for lot in getattr(city, lots):
            out[c, s.item_ids.index(lot.item)] += lot.quantity
    return out


def sized_scenario(s: Scenario, lever: Lever, x: float, daily_max: np.ndarray) -> Scenario:
    """The scenario with the reserve of point x (module docstring); ``daily_max`` (C, I) units/day."""
    cities = list(s.cities)
    given = opening_reserve(s)
    for c in _cities(s, lever):
        units = np.round(x * daily_max[c]) if lever.kind == "coverage_days" else x * given[c]
        cities[c] = _with_reserve(s, s.cities[c], units)
    update: dict = {"cities": cities}
    if lever.city is None and s.reserve.pools == "separate":
        r = s.reserve
        base = r.coverage_days if r.target_days is None else r.target_days
        target = x if lever.kind == "coverage_days" else x * base
        update["reserve"] = r.model_copy(update={"target_days": target})
    return s.model_copy(update=update)


def _with_reserve(s: Scenario, city: City, units: np.ndarray) -> City:
    """The city with an opening reserve of ``units`` (I,): its dated lots first, then new units."""
    untimed, lots_key = _fields(s)
    lots: list[Lot] = getattr(city, lots_key)
    dated = np.zeros(len(s.items))
    for lot in lots:
        dated[s.item_ids.index(lot.item)] += lot.quantity
    keep = np.minimum(1.0, np.divide(units, dated, out=np.ones_like(units), where=dated > 0))
    new_lots = [lot.model_copy(update={"quantity": lot.quantity * keep[s.item_ids.index(lot.item)]}) for lot in lots]
    rest = np.maximum(units - dated, 0.0)
    return city.model_copy(update={untimed: dict(zip(s.item_ids, rest.tolist(), strict=True)), lots_key: new_lots})


# ---- the search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """An estimate of the target's metric and its 95 % interval over ``n`` replications."""

    estimate: float
    low: float
    high: float
    n: int
    met: bool


@dataclass(frozen=True)
class Sizing:
    """One policy's smallest reserve: ``value`` (days or a scale; None when the target is not met
    at ``limit``), the opening reserve it stands for (C, I units) and unit costs (I, CNY), the
    estimate on the search's replications and the check on fresh ones (both at ``value``, or at
    the limit when not reachable)."""

    policy: str
    target: Target
    lever: Lever
    value: float | None
    limit: float
    cities: tuple[int, ...]  # the sized cities
    units: np.ndarray
    unit_cost: np.ndarray
    estimate: float
    check: Check
    evaluations: int
    daily_max_varies: bool
    seed: int
    replications: int

    @property
    def cost(self) -> float:
        """The opening reserve of the sized cities at normal unit prices, CNY."""
        return float((self.units[list(self.cities)] * self.unit_cost).sum())


def estimate(per_rep: pd.DataFrame, target: Target) -> np.ndarray:
    """The target's metric per replication: 1/0 for a stockout, or the fill rate."""
    if target.metric == "p_stockout":
        return any_stockout(per_rep, target.city).astype(float)
    return fill_rate(per_rep, target.city)


def check(values: np.ndarray, target: Target) -> Check:
    """The mean of ``values`` over replications with its interval: Wilson for a chance, t otherwise."""
    n = len(values)
    mean = float(values.mean())
    if target.metric == "p_stockout":
        ci = stats.binomtest(int(round(values.sum())), n).proportion_ci(CONFIDENCE, method="wilson")
        low, high = float(ci.low), float(ci.high)
    elif n > 1:
        half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))
        low, high = mean - half, mean + half
    else:
        low = high = float("nan")
    return Check(mean, low, high, n, target.met(mean))


def limit_of(s: Scenario, lever: Lever) -> float:
    return max(365.0, 2.0 * s.horizon_days) if lever.kind == "coverage_days" else MAX_SCALE


def size_policy(
    loaded: LoadedScenario, policy: str, s: Scenario, target: Target, lever: Lever, seed: int, n: int
) -> Sizing:
    """The smallest reserve of scenario ``s`` (policy ``policy``) meeting ``target`` (module docstring)."""
    draws = CommonDraws(loaded, seed, n)
    daily_max, same = draws.daily_max(s)
    step = lever.resolution
    start = s.reserve.coverage_days if lever.kind == "coverage_days" else 1.0
    limit = limit_of(s, lever)
    found: dict[int, float] = {}

    def at(k: int) -> Scenario:
        return sized_scenario(s, lever, round(k * step, 6), daily_max)

    def passes(k: int) -> bool:
        if k not in found:
            found[k] = float(estimate(draws.per_replication(at(k)), target).mean())
        return target.met(found[k])

    k = smallest_on_grid(passes, round(start / step), round(limit / step))
    point = round(limit / step) if k is None else k
    passes(point)
    fresh = CommonDraws(loaded, seed, np.arange(n, 2 * n))
    sized = at(point)
    checked = check(estimate(fresh.per_replication(sized), target), target)
    value = None if k is None else round(k * step, 6)
    cities = tuple(_cities(s, lever))
    units, cost = opening_reserve(sized), draws.unit_cost(s)
    return Sizing(policy, target, lever, value, limit, cities, units, cost, found[point], checked, len(found) + 1,
                  not same, seed, n)  # fmt: skip


@dataclass(frozen=True)
class SizeTask:
    """One policy's search, small enough to send to a worker process."""

    loaded: LoadedScenario
    policy: str
    scenario: Scenario
    target: Target
    lever: Lever
    seed: int
    replications: int

    def label(self) -> str:
        return f"{self.loaded.source}: size {self.policy}"


def run_size_task(task: SizeTask) -> Sizing:
    return size_policy(task.loaded, task.policy, task.scenario, task.target, task.lever, task.seed, task.replications)


def size(
    loaded: LoadedScenario,
    policies: dict[str, Scenario],
    target: Target,
    lever: Lever,
    seed: int,
    replications: int,
    backend: Backend | None = None,
) -> list[Sizing]:
    """Each policy's smallest reserve, the policies' searches side by side on ``backend``'s workers."""
    tasks = [SizeTask(loaded, p, s, target, lever, seed, replications) for p, s in policies.items()]
    out: dict[int, Sizing] = dict((backend or Backend()).run(run_size_task, tasks, SizeTask.label))
    return [out[k] for k in range(len(tasks))]


# ---- the table -------------------------------------------------------------------------------

SIZE_COLUMNS = (
    "policy", "city", "item", "by", "value", "value_unit", "units", "cost_cny", "target", "reachable",
    "estimate", "fresh_estimate", "fresh_low", "fresh_high", "fresh_meets", "replications", "seed",
)  # fmt: skip


def size_table(s: Scenario, sizes: list[Sizing]) -> pd.DataFrame:
    """One row per policy, sized city (and ``ALL``) and item (and ``ALL``): the units and their cost
    at normal prices, with the policy's value, target and estimates repeated on each row."""
    rows = []
    for z in sizes:
        cities = list(z.cities)
        common = {
            "policy": z.policy,
            "by": z.lever.text(),
            "value": np.nan if z.value is None else z.value,
            "value_unit": "days" if z.lever.kind == "coverage_days" else "scale",
            "target": z.target.text(),
            "reachable": z.value is not None,
            "estimate": z.estimate,
            "fresh_estimate": z.check.estimate,
            "fresh_low": z.check.low,
            "fresh_high": z.check.high,
            "fresh_meets": z.check.met,
            "replications": z.replications,
            "seed": z.seed,
        }
        units = z.units[cities]
        cost = units * z.unit_cost
        for where, u, v in [*((s.city_ids[c], units[k], cost[k]) for k, c in enumerate(cities)),
                            (CIRCLE, units.sum(axis=0), cost.sum(axis=0))]:  # fmt: skip
            for j, item in enumerate(s.item_ids):
                rows.append(common | {"city": where, "item": item, "units": u[j], "cost_cny": v[j]})
            rows.append(common | {"city": where, "item": "ALL", "units": np.nan, "cost_cny": v.sum()})
    return pd.DataFrame(rows, columns=list(SIZE_COLUMNS))
