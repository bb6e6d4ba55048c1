"""Tidy tables from a batch's arrays, and the statistics over replications.

- daily: one row per replication, day, city and item; levels are end-of-day values;
- events: one row per order part, dispatch, delivery and expiry;
- replications: one row per replication, city (and ``ALL`` for the circle) and item, with the
  replication's totals; the summary is computed from it, so it never needs the daily table.
- census: one row per replication, day and city of the epidemic.
Columns and units are documented in ``docs/outputs.md``; statistics over replications are in
``results.stats``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from stocksim.epidemic.outcome import COMPARTMENTS, EpidemicBatch
from stocksim.scenario.dates import calendar
from stocksim.scenario.schema import LEVEL_NAMES, SEVERITIES, Scenario
from stocksim.supply.events import EVENT_KINDS
from stocksim.supply.records import BatchResult
from stocksim.supply.reserve import compliant, days_of_cover
from stocksim.supply.tally import SUMMED, DayTotals

CIRCLE = "ALL"
# Crisis practice's columns (daily and replications), present when the scenario has ``substitutes``.
SUBSTITUTION = ("served_by_substitute", "used_as_substitute")
CENTRE = "centre"  # the joint procurement centre, in events


def _categorical(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical[str]:
    """Codes (-1: missing) as a categorical of these labels."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(labels))


def _labelled(cols: Mapping[str, np.ndarray], labels: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The columns, those named in ``labels`` turned from codes into categoricals, in their place."""
    out: dict[str, Any] = dict(cols)
    for name, names in labels.items():
        out[name] = _categorical(out[name], names)
    return out


def daily_table(s: Scenario, b: BatchResult) -> pd.DataFrame:
    return daily_frame(s, DailyColumns(s, b))


def daily_frame(s: Scenario, cols: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The daily table from its columns, city and item given as codes."""
    labels = {"city": s.location_ids, "item": s.item_ids, "response_level": LEVEL_NAMES}
    return with_date(s, pd.DataFrame(_labelled(cols, labels), copy=False))


def with_date(s: Scenario, df: pd.DataFrame, day: str = "day") -> pd.DataFrame:
    """``df`` with a ``date`` column (start_date + day) right after its ``day`` column, when the
    scenario has a ``start_date``; unchanged otherwise."""
    if s.start_date is None or day not in df.columns or "date" in df.columns:
        return df
    df.insert(list(df.columns).index(day) + 1, "date", calendar(s.start_date, df[day].to_numpy()))
    return df


class RunColumns:
    """A table's columns over a run's replications, each replication the same number of rows in
    a row: allocated at the first batch and filled batch by batch at the batch's rows, so that
    a batch's columns go as soon as they are copied and nothing is joined at the end."""

    def __init__(self, replications: int) -> None:
        self.replications = replications
        self.columns: dict[str, np.ndarray] = {}

    def put(self, replications: np.ndarray, cols: Mapping[str, np.ndarray]) -> None:
        """The columns of a batch of consecutive ``replications``, in the table's column order
        (a batch of the whole run's: its columns are the table's, not copied)."""
        for name, values in cols.items():
            rows = len(values) // len(replications)  # per replication
            if len(replications) == self.replications:
                self.columns[name] = values
                continue
            if name not in self.columns:
                self.columns[name] = np.empty(self.replications * rows, values.dtype)
            self.columns[name][replications[0] * rows : (replications[-1] + 1) * rows] = values


class DailyColumns(Mapping[str, np.ndarray]):
    """A batch's daily table as columns (city and item as codes), in the documented order, each
    made when it is read: a run that copies them into its own columns one at a time never holds
    all of a batch's at once, and one that needs a few makes only those. Pickled (to come back
    from a worker), they are all made then, into a plain dict."""

    def __init__(self, s: Scenario, b: BatchResult) -> None:
        self._makers = _daily_makers(s, b)

    def __getitem__(self, name: str) -> np.ndarray:
        return self._makers[name]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)

    def __reduce__(self) -> tuple[type, tuple[dict[str, np.ndarray]]]:
        return dict, (dict(self.items()),)


def _daily_makers(s: Scenario, b: BatchResult) -> dict[str, Callable[[], np.ndarray]]:
    """How each column of the daily table is made, in the documented order."""
    n_r, horizon, n_c, n_i = b.daily["on_hand"].shape
    on_hand, reserve, burn = b.daily["on_hand"], b.daily["reserve_on_hand"], b.daily["burn_rate"]
    counted = reserve if b.separate else on_hand  # what the reserve rule counts

    def agreed() -> np.ndarray:  # the agreement units the reserve rule counts
        return _counted_agreements(b, b.daily["agreements_available"])

    def level() -> np.ndarray:
        level = b.epidemic.level
        if level.shape[2] < n_c:  # depots have no response level
            level = np.pad(level, [(0, 0), (0, 0), (0, n_c - level.shape[2])])
        return np.repeat(level.ravel(), n_i).astype(np.int8)

    def field(name: str) -> Callable[[], np.ndarray]:
        return lambda: b.daily[name].ravel()

    columns: dict[str, Callable[[], np.ndarray]] = {
        "replication": lambda: np.repeat(b.replications, horizon * n_c * n_i),
        "day": lambda: np.tile(np.repeat(np.arange(horizon), n_c * n_i), n_r),
        "city": lambda: np.tile(np.repeat(np.arange(n_c, dtype=np.int32), n_i), n_r * horizon),
        "item": lambda: np.tile(np.arange(n_i, dtype=np.int32), n_r * horizon * n_c),
        "demand": lambda: b.demand.ravel(),
        "served": field("served"),
        "unmet": lambda: (b.demand - b.daily["served"]).ravel(),
        **{k: field(k) for k in ("on_hand", "on_order", "received", "transfer_in", "transfer_out", "expired")},
        "required_reserve": lambda: b.required.ravel(),
        "compliant": lambda: compliant(counted, b.required, agreed(), b.min_physical_share).ravel(),
        "days_of_cover": lambda: days_of_cover(counted + agreed(), b.daily_max[:, None]).ravel(),
        "purchase_cost": field("purchase_cost"),
        "transport_cost": field("transport_cost"),
        "response_level": level,
        "holding_cost": lambda: holding_cost(s, on_hand, b.item_cost[:, None, None, :]).ravel(),
        **{k: field(k) for k in ("reserve_on_hand", "released", "rotated", "reserve_received", "reserve_expired")},
        "working_on_hand": lambda: (on_hand - reserve).ravel(),
        "burn_rate": field("burn_rate"),
        "working_days_of_cover": lambda: days_of_cover(on_hand - reserve, burn).ravel(),
        "agreements_available": field("agreements_available"),
    }
    if s.substitutes:  # only with substitutes: the tables of other scenarios keep their columns
        columns |= {k: field(k) for k in SUBSTITUTION}
    return columns


def _counted_agreements(b: BatchResult, uncalled: np.ndarray) -> np.ndarray:
    """The uncalled agreement units the reserve check counts: all with
    ``reserve.counts_agreements``, else none (zeros)."""
    return uncalled if b.counts_agreements else np.zeros_like(uncalled)


def holding_cost(s: Scenario, stock_days: np.ndarray, unit_cost: np.ndarray) -> np.ndarray:
    """CNY of holding ``stock_days`` (closing stock summed over days, unit-days) at ``unit_cost``
    (CNY per unit, broadcast against it): stock-days x unit cost x holding rate per year / 365."""
    return stock_days * unit_cost * s.costs.holding_rate_per_day


def events_table(s: Scenario, b: BatchResult) -> pd.DataFrame:
    e = b.events
    places = [*s.location_ids, CENTRE]
    supplier_ids = [x.id for x in s.suppliers]
    sup = e["supplier"]
    table = pd.DataFrame(
        {
            "replication": e["replication"],
            "time": e["time"],
            "kind": _categorical(e["kind"], EVENT_KINDS),
            "city": _categorical(e["city"], places),
            "item": _categorical(e["item"], s.item_ids),
            "quantity": e["quantity"],
            "order_id": e["order_id"],
            "supplier": _categorical(np.where(sup >= 0, sup, -1), supplier_ids)
            if supplier_ids
            else pd.Categorical([None] * len(sup)),
            "dispatched": e["dispatched"],
            "counterpart": _categorical(e["counterpart"], places),
            "due": e["due"],
        }
    )
    return with_date(s, table, "time")


_NOT_ADDITIVE = ("compliant_days", "first_stockout_day", "initial_days_of_cover", "initial_working_days_of_cover")


def replication_table(s: Scenario, b: BatchResult) -> pd.DataFrame:
    """Totals per replication, city and item, plus the circle (city ALL) per item."""
    agreed = _counted_agreements(b, b.daily["agreements_available"]) if b.totals is None else None
    d = b.totals or DayTotals.of_days(
        b.demand, b.daily, b.required, b.circle_required, b.separate, agreed, b.min_physical_share
    )
    total = {k: d.total(k) for k in ("demand", *SUMMED)}
    initial = b.initial_reserve if b.separate and b.initial_reserve is not None else b.initial  # what the rule counts
    agreed0 = np.zeros_like(initial) if b.initial_agreements is None else _counted_agreements(b, b.initial_agreements)
    burn = b.expected_day0 if b.expected_day0 is not None else np.zeros_like(b.initial)
    per_city = {
        "demand": total["demand"],
        "served": total["served"],
        "unmet": total["demand"] - total["served"],
        "expired": total["expired"],
        "purchase_cost": total["purchase_cost"],
        "transport_cost": total["transport_cost"],
        "expired_value": total["expired"] * b.item_cost[:, None, :],
        "received": total["received"],
        "transfer_in": total["transfer_in"],
        "transfer_out": total["transfer_out"],
        "compliant_days": d.compliant_days,
        "first_stockout_day": _day_or_nan(d.first_short),
        "initial_on_hand": b.initial,
        "final_on_hand": d.final_on_hand,
        "required_reserve": b.required.mean(axis=1),
        "daily_max": b.daily_max,
        "initial_days_of_cover": days_of_cover(initial + agreed0, b.daily_max),
        "initial_working_days_of_cover": days_of_cover(b.initial - initial, burn),
    }
    circle = {k: v.sum(axis=1) for k, v in per_city.items() if k not in _NOT_ADDITIVE}
    circle["compliant_days"] = d.circle_compliant_days
    circle["first_stockout_day"] = _day_or_nan(d.circle_first_short)
    circle["required_reserve"] = b.circle_required.mean(axis=1)
    circle["daily_max"] = b.circle_daily_max
    circle["initial_days_of_cover"] = days_of_cover((initial + agreed0).sum(axis=1), b.circle_daily_max)
    circle["initial_working_days_of_cover"] = days_of_cover((b.initial - initial).sum(axis=1), burn.sum(axis=1))

    n_r, n_c, n_i = b.daily_max.shape
    cities = s.location_ids + [CIRCLE]
    frames = {}
    for k in per_city:
        frames[k] = np.concatenate([per_city[k], circle[k][:, None, :]], axis=1).ravel()
    out = pd.DataFrame(
        {
            "replication": np.repeat(b.replications, (n_c + 1) * n_i),
            "city": _categorical(np.tile(np.repeat(np.arange(n_c + 1), n_i), n_r), cities),
            "item": _categorical(np.tile(np.arange(n_i), n_r * (n_c + 1)), s.item_ids),
            **frames,
        }
    )
    out["days"] = s.horizon_days
    out["total_cost"] = out["purchase_cost"] + out["transport_cost"] + out["expired_value"]
    for k, v in stock_costs(s, b, d).items():  # after the columns above, so that none of them moves
        out[k] = np.concatenate([v, v.sum(axis=1)[:, None, :]], axis=1).ravel()  # the circle adds its locations
    change = out["closing_stock_value"] - out["opening_stock_value"]
    out["net_cost"] = out["purchase_cost"] + out["transport_cost"] + out["holding_cost"] - change
    out["routine_share"] = _routine_share(b)  # after the columns above, so that none of them moves
    for k, v in _stockout_days(d).items():  # after the columns above, so that none of them moves
        out[k] = v
    if s.substitutes:  # only with substitutes, last: the circle adds its locations
        for k in SUBSTITUTION:
            out[k] = np.concatenate([total[k], total[k].sum(axis=1)[:, None, :]], axis=1).ravel()
    return out


def _stockout_days(d: DayTotals) -> dict[str, np.ndarray]:
    """Days with unmet demand, in the rows' order (replication, locations then the circle, item):
    of the row's item (the circle: any location short of it), and of any item (the circle: any
    location short of any item; the same on each of a location's item rows)."""
    n_i = d.short_days.shape[2]
    item = np.concatenate([d.short_days, d.circle_short_days[:, None, :]], axis=1)
    any_item = np.concatenate([d.any_item_short_days, d.circle_any_item_short_days[:, None]], axis=1)
    return {"stockout_days": item.ravel(), "any_item_stockout_days": np.repeat(any_item.ravel(), n_i)}


def _routine_share(b: BatchResult) -> np.ndarray:
    """The share of each row's daily max that is health workers' routine use, in the rows' order
    (replication, then the locations and the circle, then item); NaN where not known."""
    n_r, n_l, n_i = b.daily_max.shape
    if b.routine_share is None or b.circle_routine_share is None:
        return np.full(n_r * (n_l + 1) * n_i, np.nan)
    return np.concatenate([b.routine_share, b.circle_routine_share[:, None, :]], axis=1).ravel()


def stock_costs(s: Scenario, b: BatchResult, d: DayTotals) -> dict[str, np.ndarray]:
    """Per replication, location and item (R, L, I), CNY: the holding cost over the horizon, and
    the stock's value before day 0's first event and at the last day's close, at the
    replication's normal unit cost."""
    unit_cost = b.item_cost[:, None, :]
    return {
        "holding_cost": holding_cost(s, d.total("stock_days"), unit_cost),
        "opening_stock_value": b.initial * unit_cost,
        "closing_stock_value": d.final_on_hand * unit_cost,
    }


def _day_or_nan(day: np.ndarray) -> np.ndarray:
    """A day, or NaN where it is -1 (never happened)."""
    return np.where(day >= 0, day, np.nan)


# Patients beyond the beds, for the severities after mild (severe, icu: those that need a bed),
# in the order of the last axis of EpidemicBatch.overflow.
OVERFLOW_COLUMNS = tuple(f"{sev}_overflow" for sev in SEVERITIES[1:])

CENSUS_COLUMNS = (
    "replication",
    "day",
    "city",
    *COMPARTMENTS,
    "new_infections",
    "new_cases",
    *SEVERITIES,
    *OVERFLOW_COLUMNS,
    "swabs",
    "response_level",
)


def census_columns(epi: EpidemicBatch, replications: np.ndarray) -> dict[str, np.ndarray]:
    """The epidemic per replication, day and city (city as codes)."""
    n_r, horizon, n_c = epi.level.shape
    cols = {
        "replication": np.repeat(replications, horizon * n_c),
        "day": np.tile(np.repeat(np.arange(horizon), n_c), n_r),
        "city": np.tile(np.arange(n_c, dtype=np.int32), n_r * horizon),
    }
    for k, name in enumerate(COMPARTMENTS):
        cols[name] = epi.compartments[..., k].ravel()
    cols["new_infections"] = epi.new_infections.ravel()
    cols["new_cases"] = epi.new_cases.ravel()
    for k, name in enumerate(SEVERITIES):
        cols[name] = np.ascontiguousarray(epi.census[..., k]).ravel()
    for k, name in enumerate(OVERFLOW_COLUMNS):
        cols[name] = epi.overflow[..., k].ravel()
    cols["swabs"] = np.ascontiguousarray(epi.swabs).ravel()
    cols["response_level"] = epi.level.ravel().astype(np.int8)
    return cols


def census_frame(s: Scenario, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    """The census table from its columns, city given as codes."""
    labels = {"city": s.city_ids, "response_level": LEVEL_NAMES}
    return with_date(s, pd.DataFrame(_labelled(cols, labels), copy=False)[list(CENSUS_COLUMNS)])
