"""What a batch takes in and what it records: the inputs drawn before it runs, the daily figures,
the result handed to the tables (the event records: ``events``). Recording is cheap during the
run (preallocated arrays) and joined once at the end. Axes as in ``stocksim.supply``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from stocksim.draws.params import BatchParams
from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.supply.tally import SUMMED, DayTotals


class Figures(NamedTuple):
    """The daily figures of one day, (R, L, I) each; a field's name is its column in the daily table."""

    served: np.ndarray
    on_hand: np.ndarray  # end of day
    on_order: np.ndarray  # end of day
    received: np.ndarray
    transfer_in: np.ndarray
    transfer_out: np.ndarray
    expired: np.ndarray
    purchase_cost: np.ndarray
    transport_cost: np.ndarray
    # The reserve apart from working stock (reserve.pools: separate; zeros with one pool). The
    # figures above count both pools; these are the reserve's part.
    reserve_on_hand: np.ndarray  # end of day
    released: np.ndarray  # served from the reserve
    rotated: np.ndarray  # moved from the reserve to working stock before expiry
    reserve_received: np.ndarray  # deliveries into the reserve
    reserve_expired: np.ndarray  # written off from the reserve
    burn_rate: np.ndarray  # units/day: trailing mean of realised demand (procurement.burn_window_days)
    agreements_available: np.ndarray  # end of day: agreement units not called yet (cities[].agreements)
    # Crisis practice (substitutes; zeros without): units of the item's demand a substitute served (part
    # of served), and units of the item used as a substitute for others (out of its stock, not in served).
    served_by_substitute: np.ndarray
    used_as_substitute: np.ndarray


DAILY_FIELDS = Figures._fields


@dataclass
class Inputs:
    """What a batch needs besides the scenario, drawn or computed before it runs. Arrays over
    locations (cities, then depots) have zeros for the depots."""

    params: BatchParams
    demand: np.ndarray  # (R, H, L, I)
    expected_day0: np.ndarray  # (R, L, I) the expected use of day 0: the burn rate before any day is seen
    lead_times: np.ndarray  # (H, R, S, C, I)
    daily_max: np.ndarray  # (R, L, I)
    circle_daily_max: np.ndarray  # (R, I)
    required: np.ndarray  # (R, H, L, I)
    circle_required: np.ndarray  # (R, H, I)
    epidemic: EpidemicBatch
    km: np.ndarray  # (L, L) road km between locations
    events: str = "full"  # what the event log keeps (``events.EVENT_MODES``)
    keep_days: bool = True  # the daily figures of every day; else each day is folded into totals


@dataclass
class BatchResult:
    """Daily figures (R, H, L, I) per field over the locations (cities, then depots), the opening
    stock, the reserve figures, the epidemic and the event records."""

    replications: np.ndarray
    demand: np.ndarray
    initial: np.ndarray
    daily: dict[str, np.ndarray]
    required: np.ndarray  # (R, H, L, I)
    daily_max: np.ndarray  # (R, L, I)
    circle_required: np.ndarray  # (R, H, I)
    circle_daily_max: np.ndarray  # (R, I)
    epidemic: EpidemicBatch
    item_cost: np.ndarray  # (R, I) CNY per unit, to value write-offs
    separate: bool = False  # reserve.pools: separate - the reserve check counts the reserve alone
    counts_agreements: bool = False  # reserve.counts_agreements: the check counts uncalled agreement units
    min_physical_share: float = 1.0  # reserve.min_physical_share: the check's floor on stock on hand
    initial_agreements: np.ndarray | None = None  # (R, L, I) agreement units on day 0 (all uncalled)
    initial_reserve: np.ndarray | None = None  # (R, L, I) opening reserve (separate pools; a depot's stock)
    expected_day0: np.ndarray | None = None  # (R, L, I) expected use of day 0: the opening burn rate
    events: dict[str, np.ndarray] = field(default_factory=dict)
    totals: DayTotals | None = None  # when the days were folded in as they went (no daily table)
    # The share of the daily max that is health workers' routine use, (R, L, I) and (R, I); NaN
    # where not known (declared, depots). Set by ``Simulator.batch`` from the reserve rule.
    routine_share: np.ndarray | None = None
    circle_routine_share: np.ndarray | None = None


class DailyRecord:
    """The daily figures: every day kept, arrays (R, H, L, I) per field, or one day at a time,
    (R, 1, L, I), folded into per-replication totals at the end of each day."""

    def __init__(
        self,
        n_r: int,
        horizon: int,
        n_l: int,
        n_i: int,
        keep_days: bool,
        separate: bool = False,
        counts_agreements: bool = False,
        min_physical_share: float = 1.0,
    ):
        self.keep_days, self.separate = keep_days, separate
        self.counts_agreements, self.min_physical_share = counts_agreements, min_physical_share
        self.arrays = {k: np.zeros((n_r, horizon if keep_days else 1, n_l, n_i)) for k in DAILY_FIELDS}
        self.totals = None if keep_days else DayTotals(n_r, n_l, n_i)
        self._day = -1
        self._figures = self._of(0)

    def _of(self, day: int) -> Figures:
        column = day if self.keep_days else 0
        return Figures(*(self.arrays[k][:, column] for k in DAILY_FIELDS))

    def at(self, day: int) -> Figures:
        """The figures of ``day``, views to write into."""
        if day != self._day:
            self._day, self._figures = day, self._of(day)
        return self._figures

    def close(self, day: int, demand: np.ndarray, required: np.ndarray, circle_required: np.ndarray) -> None:
        """Fold ``day`` into the totals and clear it for the next, when the days are not kept.
        ``demand`` and ``required`` (R, L, I) and ``circle_required`` (R, I) are that day's."""
        if self.totals is None:
            return
        today = self.at(day)
        flows = tuple(getattr(today, k) for k in SUMMED)
        counted = today.reserve_on_hand if self.separate else today.on_hand
        agreed = today.agreements_available * self.counts_agreements
        share = self.min_physical_share
        self.totals.fold(day, demand, flows, today.on_hand, counted, required, circle_required, agreed, share)
        for v in self.arrays.values():
            v[:] = 0.0
