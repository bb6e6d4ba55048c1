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

import numpy as np
import pandas as pd

from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.scenario.schema import LEVEL_NAMES, Scenario
from stocksim.supply.day import EVENT_KINDS, BatchResult
from stocksim.supply.reserve import compliant, days_of_cover
from stocksim.supply.tally import SUMMED, DayTotals

CIRCLE = "ALL"
CENTRE = "centre"  # the joint procurement centre, in events


def _categorical(values: np.ndarray, labels: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(values, categories=labels)


def daily_table(s: Scenario, b: BatchResult) -> pd.DataFrame:
    return daily_frame(s, daily_columns(b))


def daily_frame(s: Scenario, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    """The daily table from its columns, city and item given as codes."""
    cols = dict(cols)
    cols["city"] = _categorical(cols["city"], s.location_ids)
    cols["item"] = _categorical(cols["item"], s.item_ids)
    cols["response_level"] = _categorical(cols["response_level"], list(LEVEL_NAMES))
    return pd.DataFrame(cols, copy=False)


def concat_columns(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def daily_columns(b: BatchResult) -> dict[str, np.ndarray]:
    """The daily table's columns as arrays (city and item as codes), in the documented order."""
    n_r, horizon, n_c, n_i = b.daily["on_hand"].shape
    required = b.required
    on_hand = b.daily["on_hand"]
    level = b.epidemic.level
    if level.shape[2] < n_c:  # depots have no response level
        level = np.pad(level, [(0, 0), (0, 0), (0, n_c - level.shape[2])])
    cols = {
        "replication": np.repeat(b.replications, horizon * n_c * n_i),
        "day": np.tile(np.repeat(np.arange(horizon), n_c * n_i), n_r),
        "city": np.tile(np.repeat(np.arange(n_c, dtype=np.int32), n_i), n_r * horizon),
        "item": np.tile(np.arange(n_i, dtype=np.int32), n_r * horizon * n_c),
        "demand": b.demand.ravel(),
        "served": b.daily["served"].ravel(),
        "unmet": (b.demand - b.daily["served"]).ravel(),
        "on_hand": on_hand.ravel(),
        "on_order": b.daily["on_order"].ravel(),
        "received": b.daily["received"].ravel(),
        "transfer_in": b.daily["transfer_in"].ravel(),
        "transfer_out": b.daily["transfer_out"].ravel(),
        "expired": b.daily["expired"].ravel(),
        "required_reserve": required.ravel(),
        "compliant": compliant(on_hand, required).ravel(),
        "days_of_cover": days_of_cover(on_hand, b.daily_max[:, None]).ravel(),
        "purchase_cost": b.daily["purchase_cost"].ravel(),
        "transport_cost": b.daily["transport_cost"].ravel(),
        "response_level": np.repeat(level.ravel(), n_i).astype(np.int8),
    }
    return cols


def events_table(s: Scenario, b: BatchResult) -> pd.DataFrame:
    e = b.events
    supplier_ids = [x.id for x in s.suppliers]
    sup = e["supplier"]
    return pd.DataFrame(
        {
            "replication": e["replication"],
            "time": e["time"],
            "kind": _categorical(e["kind"], list(EVENT_KINDS)),
            "city": _categorical(e["city"], [*s.location_ids, CENTRE]),
            "item": _categorical(e["item"], s.item_ids),
            "quantity": e["quantity"],
            "order_id": e["order_id"],
            "supplier": pd.Categorical.from_codes(np.where(sup >= 0, sup, -1), categories=supplier_ids)
            if supplier_ids
            else pd.Categorical([None] * len(sup)),
            "dispatched": e["dispatched"],
            "counterpart": _categorical(e["counterpart"], [*s.location_ids, CENTRE]),
        }
    )


_NOT_ADDITIVE = ("compliant_days", "first_stockout_day", "initial_days_of_cover")


def replication_table(s: Scenario, b: BatchResult) -> pd.DataFrame:
    """Totals per replication, city and item, plus the circle (city ALL) per item."""
    d = b.totals or DayTotals.of_days(b.demand, b.daily, b.required, b.circle_required)
    total = {k: d.total(k) for k in ("demand", *SUMMED)}
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
        "first_stockout_day": np.where(d.first_short >= 0, d.first_short, np.nan),
        "initial_on_hand": b.initial,
        "final_on_hand": d.final_on_hand,
        "required_reserve": b.required.mean(axis=1),
        "daily_max": b.daily_max,
        "initial_days_of_cover": days_of_cover(b.initial, b.daily_max),
    }
    circle = {k: v.sum(axis=1) for k, v in per_city.items() if k not in _NOT_ADDITIVE}
    circle["compliant_days"] = d.circle_compliant_days
    circle["first_stockout_day"] = np.where(d.circle_first_short >= 0, d.circle_first_short, np.nan)
    circle["required_reserve"] = b.circle_required.mean(axis=1)
    circle["daily_max"] = b.circle_daily_max
    circle["initial_days_of_cover"] = days_of_cover(b.initial.sum(axis=1), b.circle_daily_max)

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
    return out


CENSUS_COLUMNS = (
    "replication",
    "day",
    "city",
    "susceptible",
    "exposed",
    "infectious",
    "recovered",
    "new_infections",
    "new_cases",
    "mild",
    "severe",
    "icu",
    "severe_overflow",
    "icu_overflow",
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
    for k, name in enumerate(("susceptible", "exposed", "infectious", "recovered")):
        cols[name] = epi.compartments[..., k].ravel()
    cols["new_infections"] = epi.new_infections.ravel()
    cols["new_cases"] = epi.new_cases.ravel()
    for k, name in enumerate(("mild", "severe", "icu")):
        cols[name] = np.ascontiguousarray(epi.census[..., k]).ravel()
    cols["severe_overflow"] = epi.overflow[..., 0].ravel()
    cols["icu_overflow"] = epi.overflow[..., 1].ravel()
    cols["swabs"] = np.ascontiguousarray(epi.swabs).ravel()
    cols["response_level"] = epi.level.ravel().astype(np.int8)
    return cols


def census_frame(s: Scenario, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    cols = dict(cols)
    cols["city"] = _categorical(cols["city"], s.city_ids)
    cols["response_level"] = _categorical(cols["response_level"], list(LEVEL_NAMES))
    return pd.DataFrame(cols, copy=False)[list(CENSUS_COLUMNS)]
