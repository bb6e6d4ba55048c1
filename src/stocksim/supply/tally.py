"""What a replication's days add up to, per location and item: the totals of the daily flows,
the days that pass the reserve check, the first day with unmet demand and the days with any -
for every location and for the circle as a whole.

A run that writes no daily table folds each day in as the simulation goes (the model keeps
one day in memory, not the horizon); a run that keeps its days folds them in afterwards.
Both go through the same day-by-day ``fold``, so their per-replication tables are identical.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.supply.reserve import TOL, meets

SUMMED = (
    "served",
    "expired",
    "purchase_cost",
    "transport_cost",
    "received",
    "transfer_in",
    "transfer_out",
    "served_by_substitute",
    "used_as_substitute",
)
# What the running sums hold, in order: demand, the flows, and stock_days (closing on_hand of both
# pools summed over the days, in unit-days: what holding cost accrues on).
FOLDED = ("demand", *SUMMED, "stock_days")


class Days(NamedTuple):
    """Consecutive days' figures as the tally reads them, arrays (R, H, L, I) unless noted; the
    t-th of them is day ``first`` + t."""

    first: int
    demand: np.ndarray
    flows: tuple[np.ndarray, ...]  # in SUMMED order, served first
    on_hand: np.ndarray  # end of day
    counted: np.ndarray  # end of day, what the reserve check counts: on hand, or the reserve alone
    required: np.ndarray  # the reserve required per location
    circle_required: np.ndarray  # (R, H, I) the reserve required of the circle
    agreements: np.ndarray  # end of day, uncalled agreement units the check counts (0 unless counted)
    min_physical_share: float  # counted stock must itself be at least this share of required


class Counts(NamedTuple):
    """The running totals a day is folded into, arrays (R, L, I) unless noted."""

    sums: np.ndarray  # (len(FOLDED), R, L, I)
    compliant_days: np.ndarray
    first_short: np.ndarray  # -1: never short
    circle_compliant_days: np.ndarray  # (R, I)
    circle_first_short: np.ndarray  # (R, I), -1: never short
    short_days: np.ndarray  # days with unmet demand of the item
    any_item_short_days: np.ndarray  # (R, L) days with unmet demand of any item
    circle_short_days: np.ndarray  # (R, I) days on which any location was short of the item
    circle_any_item_short_days: np.ndarray  # (R,) days on which any location was short of any item


class DayTotals:
    """Running totals over the days folded in so far, arrays (R, L, I) unless noted."""

    def __init__(self, n_r: int, n_l: int, n_i: int):
        self.sums = np.zeros((len(FOLDED), n_r, n_l, n_i))
        self.compliant_days = np.zeros((n_r, n_l, n_i))
        self.first_short = np.full((n_r, n_l, n_i), -1)  # -1: never short
        self.circle_compliant_days = np.zeros((n_r, n_i))
        self.circle_first_short = np.full((n_r, n_i), -1)
        self.final_on_hand = np.zeros((n_r, n_l, n_i))
        self.short_days = np.zeros((n_r, n_l, n_i))
        self.any_item_short_days = np.zeros((n_r, n_l))
        self.circle_short_days = np.zeros((n_r, n_i))
        self.circle_any_item_short_days = np.zeros(n_r)
        self._counts = Counts(
            self.sums,
            self.compliant_days,
            self.first_short,
            self.circle_compliant_days,
            self.circle_first_short,
            self.short_days,
            self.any_item_short_days,
            self.circle_short_days,
            self.circle_any_item_short_days,
        )

    def fold(
        self,
        day: int,
        demand: np.ndarray,
        flows: tuple[np.ndarray, ...],
        on_hand: np.ndarray,
        counted: np.ndarray,
        required: np.ndarray,
        circle_required: np.ndarray,
        agreements: np.ndarray,
        min_physical_share: float,
    ) -> None:
        """Add day ``day``: its demand and flows (SUMMED order, served first), end-of-day stock and
        the part of it the reserve check counts, the required reserve per location (R, L, I) and
        for the circle (R, I), and the agreement units the check counts with the minimum share of
        required on hand (``supply.reserve.meets``)."""
        today = Days(
            day,
            demand[:, None],
            tuple(f[:, None] for f in flows),
            on_hand[:, None],
            counted[:, None],
            required[:, None],
            circle_required[:, None],
            agreements[:, None],
            min_physical_share,
        )
        _fold(today, self._counts)
        self.final_on_hand[:] = on_hand

    def total(self, name: str) -> np.ndarray:
        """The sum over the days folded in of ``name``, one of FOLDED."""
        return self.sums[FOLDED.index(name)]

    @classmethod
    def of_days(
        cls,
        demand: np.ndarray,
        daily: dict[str, np.ndarray],
        required: np.ndarray,
        circle_required: np.ndarray,
        separate: bool = False,
        agreements: np.ndarray | None = None,
        min_physical_share: float = 1.0,
    ) -> DayTotals:
        """The totals of whole daily arrays (R, H, L, I), folded in day by day; with ``separate``
        pools the reserve check counts the reserve alone, and ``agreements`` (R, H, L, I) the
        agreement units it counts (none: 0)."""
        n_r, _, n_l, n_i = demand.shape
        out = cls(n_r, n_l, n_i)
        counted = daily["reserve_on_hand" if separate else "on_hand"]
        agreed = np.broadcast_to(0.0, demand.shape) if agreements is None else agreements
        flows = tuple(daily[k] for k in SUMMED)
        days = Days(0, demand, flows, daily["on_hand"], counted, required, circle_required, agreed, min_physical_share)
        _fold(days, out._counts)
        out.final_on_hand[:] = daily["on_hand"][:, -1]
        return out


@njit(cache=True)
def _fold(d: Days, counts: Counts) -> None:
    """Fold days ``d`` into ``counts``, in day order: the sums and reserve checks, then the days short."""
    _fold_sums(d, counts)
    _fold_short(d, counts)


@njit(cache=True)
def _fold_sums(d: Days, counts: Counts) -> None:
    """sums += demand, each flow and the closing stock of both pools (stock-days held); a location
    and item passes the reserve check (``meets``) on counted closing stock and counted agreement
    units against required, the circle on the sums of both over its locations."""
    _, demand, flows, on_hand, counted, required, circle_required, agreements, share = d
    sums, ok, circle_ok = counts.sums, counts.compliant_days, counts.circle_compliant_days
    n_r, n_h, n_l, n_i = demand.shape
    for r in range(n_r):
        for t in range(n_h):
            for i in range(n_i):
                stock = 0.0
                agreed = 0.0
                for c in range(n_l):
                    sums[0, r, c, i] += demand[r, t, c, i]
                    for k in range(len(flows)):
                        sums[k + 1, r, c, i] += flows[k][r, t, c, i]
                    sums[len(flows) + 1, r, c, i] += on_hand[r, t, c, i]
                    if meets(counted[r, t, c, i], required[r, t, c, i], agreements[r, t, c, i], share):
                        ok[r, c, i] += 1
                    stock += counted[r, t, c, i]
                    agreed += agreements[r, t, c, i]
                if meets(stock, circle_required[r, t, i], agreed, share):
                    circle_ok[r, i] += 1


@njit(cache=True)
def _fold_short(d: Days, counts: Counts) -> None:
    """A location is short of an item where demand - served > TOL, the circle where any of its
    locations is; the first short day is kept and every short day counted, per item and for any item."""
    first, demand, served = d.first, d.demand, d.flows[0]
    _, _, first_short, _, circle_first, short_days, any_short, circle_short, circle_any = counts
    n_r, n_h, n_l, n_i = demand.shape
    for r in range(n_r):
        for t in range(n_h):
            circle_any_item = False
            for c in range(n_l):
                for i in range(n_i):
                    if demand[r, t, c, i] - served[r, t, c, i] > TOL:
                        short_days[r, c, i] += 1
                        if first_short[r, c, i] < 0:
                            first_short[r, c, i] = first + t
                        circle_any_item = True
                any_short[r, c] += _any_short(demand[r, t, c], served[r, t, c])
            for i in range(n_i):
                if _any_short(demand[r, t, :, i], served[r, t, :, i]):
                    circle_short[r, i] += 1
                    if circle_first[r, i] < 0:
                        circle_first[r, i] = first + t
            circle_any[r] += circle_any_item


@njit(cache=True)
def _any_short(demand: np.ndarray, served: np.ndarray) -> bool:
    """Whether any of these is short: demand - served > TOL."""
    for k in range(len(demand)):
        if demand[k] - served[k] > TOL:
            return True
    return False
