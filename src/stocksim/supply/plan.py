"""The purchase plan: what each city holds against the reserve rule on one day, what it must buy
to comply, and what that costs. Exact arithmetic on the scenario as given; no supply simulation.

The required reserve is the compliance test's own: coverage days x the daily max
(``supply.reserve.daily_max`` and ``required_reserve``), from the same draws as a run of the
scenario's seed and replications (parameters; the levels' settings full load reads, drawn as the
epidemic draws them without running it; the ``peak`` pilot where it applies). Where the daily max's inputs are plain
numbers, as in every shipped scenario, every draw gives the same figure; otherwise the plan takes
the mean over the draws and keeps the lowest and highest. The coverage days are the standing
rule's, ``reserve.coverage_days`` (a level's own coverage days tighten the rule only while it is
in force, which only a run can tell).

What the rule counts on day D (``supply.reserve.meets``): the physical reserve, i.e. the cities'
``reserve`` and ``reserve_lots`` with ``reserve.pools: separate`` (their ``stock`` and ``lots`` with
one pool), plus, with ``reserve.counts_agreements``, the agreement units (all uncalled: calls
follow releases, which only a run can tell); the circle's test adds the depots' stock. Day D only
shifts which lots are there: a lot with ``expires_day`` k is written off at the start of day k,
so it is there on day D when k > D; with rotation (``reserve.rotate_before_expiry_days`` N) a
reserve lot has moved to working stock once k - D <= N. Nothing is used, ordered or delivered
before D: the stock as given less what expired or rotated out.

To comply a city must hold, of each item, physical + agreements counted >= required and physical
>= ``min_physical_share`` x required; what it buys is physical, so it buys the larger of the two
gaps, in whole units. Prices: the cheapest supplier that carries the item (``capacity_per_day``)
at normal prices, the item's ``unit_cost_cny`` where no supplier carries it; crisis prices are
that price times the highest price factor of any disruption of any supplier within the horizon.
Volume discounts are left out. Stock is valued at ``items[].unit_cost_cny``, as a run values it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from stocksim.draws.params import BatchParams, sample_batch
from stocksim.epidemic.driver import EpidemicDriver
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario
from stocksim.supply.inventory import opening_lots
from stocksim.supply.peak import peak_pilot
from stocksim.supply.reserve import TOL, daily_max, required_reserve

# Where a lot is on the plan's day: the reserve held apart, working stock, one pool (``single``), a depot.
POOLS = ("reserve", "working", "stock", "depot")


class PlanLot(NamedTuple):
    """One opening lot as it stands on the plan's day."""

    location: int  # index into Scenario.location_ids (cities, then depots)
    item: int
    pool: str  # one of POOLS
    counted: bool  # the reserve rule counts it on the day (the city's test, or a depot's for the circle)
    expires_day: int
    leaves_day: int  # the day it leaves what the rule counts (rotation or expiry); expires_day if not counted
    units: float


@dataclass(frozen=True)
class Prices:
    """Prices per item (I,), CNY per unit, means over the draws."""

    normal: np.ndarray  # the cheapest supplier carrying the item, or the item's unit cost
    crisis: np.ndarray  # normal x the highest price factor of any disruption
    supplier: tuple[str, ...]  # the supplier priced, "" where no supplier carries the item
    crisis_factor: float  # the highest price factor of any disruption (1: none)
    stock_value: np.ndarray  # items[].unit_cost_cny: what a unit of stock is worth


@dataclass(frozen=True)
class Plan:
    """The reserve rule's figures on ``day``, per city and item (C, I) and for the circle (I,)."""

    day: int
    horizon: int  # horizon_days: lots that leave on a later day leave after the horizon
    draws: int  # the run's replications whose draws the figures average
    coverage_days: float
    min_physical_share: float
    counts_agreements: bool
    daily_max: np.ndarray  # (C, I) units/day, mean over the draws
    daily_max_low: np.ndarray  # (C, I) lowest over the draws
    daily_max_high: np.ndarray  # (C, I) highest over the draws
    circle_daily_max: np.ndarray  # (I,)
    circle_daily_max_low: np.ndarray  # (I,)
    circle_daily_max_high: np.ndarray  # (I,)
    required: np.ndarray  # (C, I) units
    circle_required: np.ndarray  # (I,)
    physical: np.ndarray  # (C, I) units the rule counts on hand
    depot_physical: np.ndarray  # (I,) the depots' stock, counted by the circle's test
    agreements: np.ndarray  # (C, I) agreement units held for the city
    prices: Prices
    lots: tuple[PlanLot, ...]  # every opening lot still there on the day

    @property
    def agreements_counted(self) -> np.ndarray:
        return self.agreements if self.counts_agreements else np.zeros_like(self.agreements)

    @property
    def circle_physical(self) -> np.ndarray:
        return self.physical.sum(axis=0) + self.depot_physical

    def gaps(self, circle: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The gap, max(0, required - physical - agreements counted), and the physical-share gap,
        max(0, min_physical_share x required - physical), in units: per city and item, or the
        circle's (its summed stock against its requirement)."""
        if circle:
            required, physical = self.circle_required, self.circle_physical
            agreed = self.agreements_counted.sum(axis=0)
        else:
            required, physical, agreed = self.required, self.physical, self.agreements_counted
        gap = np.maximum(0.0, required - physical - agreed)
        return gap, np.maximum(0.0, self.min_physical_share * required - physical)

    def to_buy(self) -> np.ndarray:
        """Whole units each city must buy of each item (C, I) to pass the reserve check: the larger
        gap, rounded up; a gap within the check's rounding (``supply.reserve.TOL``) is none."""
        need = np.maximum(*self.gaps())
        slack = TOL * np.maximum(1.0, np.abs(self.required))
        return np.maximum(0.0, np.ceil(need - slack)) + 0.0  # + 0.0: no -0.0 where nothing is needed

    def leaving(self) -> tuple[np.ndarray, np.ndarray]:
        """Counted units that leave what the rule counts within the horizon, after the day (C, I),
        and the first day one does (-1: none); a city's lots only."""
        n_c, n_i = self.required.shape
        units, first = np.zeros((n_c, n_i)), np.full((n_c, n_i), -1)
        for lot in self.lots:
            if lot.counted and lot.location < n_c and lot.leaves_day < self.horizon:
                units[lot.location, lot.item] += lot.units
                f = first[lot.location, lot.item]
                first[lot.location, lot.item] = lot.leaves_day if f < 0 else min(f, lot.leaves_day)
        return units, first


def purchase_plan(loaded: LoadedScenario, day: int = 0) -> Plan:
    """The plan on ``day`` (0 .. horizon_days - 1) of the scenario as given, from the draws of
    its seed and replications."""
    s = loaded.scenario
    if not 0 <= day < s.horizon_days:
        raise ConfigError(loaded.source, "--day", f"must be a day of the horizon, 0 to {s.horizon_days - 1}", day)
    p, per_city, circle = rule_figures(loaded)
    coverage = np.full((p.size, 1, len(s.cities)), s.reserve.coverage_days)
    required, circle_required = required_reserve(coverage, per_city, circle)
    lots = lots_on_day(s, day)
    n_c, n_i = len(s.cities), len(s.items)
    held = np.zeros((len(s.location_ids), n_i))
    for lot in lots:
        if lot.counted:
            held[lot.location, lot.item] += lot.units
    return Plan(
        day=day,
        horizon=s.horizon_days,
        draws=p.size,
        coverage_days=s.reserve.coverage_days,
        min_physical_share=s.reserve.min_physical_share,
        counts_agreements=s.reserve.counts_agreements,
        daily_max=over_draws(per_city),
        daily_max_low=per_city.min(axis=0),
        daily_max_high=per_city.max(axis=0),
        circle_daily_max=over_draws(circle),
        circle_daily_max_low=circle.min(axis=0),
        circle_daily_max_high=circle.max(axis=0),
        required=over_draws(required[:, 0]),
        circle_required=over_draws(circle_required[:, 0]),
        physical=held[:n_c],
        depot_physical=held[n_c:].sum(axis=0),
        agreements=agreement_units(s),
        prices=plan_prices(s, p),
        lots=tuple(lots),
    )


def rule_figures(loaded: LoadedScenario) -> tuple[BatchParams, np.ndarray, np.ndarray]:
    """The draws of the scenario's seed and replications, and the daily max the compliance test
    uses in each, per city (R, C, I) and for the circle (R, I), the way ``Simulator.batch`` makes
    them: sample, the levels' drawn settings (full load reads them; drawn as the epidemic draws
    them, without running it), the pilot (``peak``)."""
    s = loaded.scenario
    p = sample_batch(s, s.seed, np.arange(s.replications))
    driver = EpidemicDriver(loaded)
    levels = driver.levels(s.seed, p) if s.reserve.daily_max == "full_load" else None
    peak = peak_pilot(s, driver, s.seed) if s.reserve.daily_max == "peak" else None
    most = daily_max(s, p, levels, peak)
    return p, most.per_city, most.circle


def lots_on_day(s: Scenario, day: int) -> list[PlanLot]:
    """Every opening lot still there on ``day``, where it is and whether the rule counts it
    (see the module docstring): with separate pools a city's reserve lots (less those rotated
    out), with one pool all its stock, and every depot's stock (the circle's test)."""
    n_c = len(s.cities)
    separate = s.reserve.pools == "separate"
    rotation = s.reserve.rotate_before_expiry_days if separate else None
    out = []
    for pool in ("reserve", "working") if separate else ("working",):
        for location, item, units, expires in opening_lots(s, pool):
            if expires <= day:
                continue  # written off at the start of its expiry day, on or before the plan's
            if location >= n_c:
                out.append(PlanLot(location, item, "depot", True, expires, expires, units))
            elif not separate:
                out.append(PlanLot(location, item, "stock", True, expires, expires, units))
            elif pool == "working":
                out.append(PlanLot(location, item, "working", False, expires, expires, units))
            elif rotation is not None and expires - day <= rotation:
                out.append(PlanLot(location, item, "working", False, expires, expires, units))  # rotated
            else:
                leaves = expires if rotation is None else expires - rotation
                out.append(PlanLot(location, item, "reserve", True, expires, leaves, units))
    return out


def agreement_units(s: Scenario) -> np.ndarray:
    """The agreement units held for each city (C, I) (``cities[].agreements``)."""
    out = np.zeros((len(s.cities), len(s.items)))
    for c, city in enumerate(s.cities):
        for a in city.agreements:
            out[c, s.item_ids.index(a.item)] += a.quantity
    return out


def plan_prices(s: Scenario, p: BatchParams) -> Prices:
    """Normal and crisis unit prices per item, means over the draws ``p`` (see the module docstring)."""
    n_s, n_i = p.supplier_cost.shape[1:]
    carries = np.array([[it in sup.capacity_per_day for it in s.item_ids] for sup in s.suppliers], dtype=bool).reshape(
        n_s, n_i
    ) & (p.capacity.mean(axis=0) > 0)
    factor = p.price_factor.max(axis=(1, 2)) if n_s and s.horizon_days else np.ones(p.size)  # (R,)
    mean_cost = p.supplier_cost.mean(axis=0)  # (S, I)
    normal, crisis, names = np.empty(n_i), np.empty(n_i), []
    for j in range(n_i):
        sellers = np.flatnonzero(carries[:, j])
        if len(sellers):
            k = int(sellers[np.argmin(mean_cost[sellers, j])])  # the first listed on a tie
            cost, name = p.supplier_cost[:, k, j], s.suppliers[k].id
        else:
            cost, name = p.item_cost[:, j], ""
        normal[j], crisis[j] = over_draws(cost), over_draws(cost * factor)
        names.append(name)
    return Prices(normal, crisis, tuple(names), float(over_draws(factor)), over_draws(p.item_cost))


def over_draws(x: np.ndarray) -> np.ndarray:
    """The mean over the draws (axis 0); where every draw is the same, that value exactly (a mean
    of equal numbers can be off in the last digit)."""
    low = x.min(axis=0)
    return np.where(low == x.max(axis=0), low, x.mean(axis=0))
