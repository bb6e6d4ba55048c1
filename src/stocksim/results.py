"""Tidy tables from a batch's arrays, and the statistics over replications.

- daily: one row per replication, day, city and item; levels are end-of-day values;
- events: one row per order part, dispatch, delivery and expiry;
- replications: one row per replication, city (and ``ALL`` for the circle) and item, with the
  replication's totals; the summary is computed from it, so it never needs the daily table.
Columns and units are documented in ``docs/outputs.md``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from stocksim.config import Scenario
from stocksim.model import EVENT_KINDS, BatchResult
from stocksim.reserve import days_of_cover
from stocksim.response import LEVEL_NAMES
from stocksim.seir import EpidemicBatch
from stocksim.tally import SUMMED, TOL, DayTotals

CIRCLE = "ALL"
CENTRE = "centre"  # the joint procurement centre, in events


def compliant(on_hand: np.ndarray, required: np.ndarray) -> np.ndarray:
    """The reserve check: closing stock at least the required reserve (within rounding)."""
    return on_hand >= required - TOL * np.maximum(1.0, np.abs(required))


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


SUMMARY_COLUMNS = (
    "city",
    "item",
    "required_reserve",
    "initial_days_of_cover",
    "compliance_share",
    "p_stockout",
    "fill_rate",
    "unmet_mean",
    "first_stockout_day_median",
    "expired_mean",
    "purchase_cost_mean",
    "transport_cost_mean",
    "expired_value_mean",
    "total_cost_mean",
    "replications",
)


SUMMARY_INPUTS = (
    "replication",
    "city",
    "item",
    "demand",
    "served",
    "unmet",
    "expired",
    "purchase_cost",
    "transport_cost",
    "expired_value",
    "total_cost",
    "compliant_days",
    "first_stockout_day",
    "required_reserve",
    "initial_days_of_cover",
    "days",
)


def summary_table(reps: pd.DataFrame) -> pd.DataFrame:
    """One row per city (and ALL) and item, over all replications.

    compliance_share: share of day-ends compliant over all days and replications;
    p_stockout: share of replications with any unmet demand; fill_rate: served / demand over
    all replications; first_stockout_day_median: median over the replications that ran out.
    95 % intervals: Wilson for p_stockout; Student t over the replications' values for
    compliance_share (each replication's share of compliant days), unmet_mean and total_cost_mean.
    ``reps`` has the layout of ``replication_table``: each replication's rows in the same city
    and item order.
    """
    replication = reps["replication"].to_numpy()
    if (np.diff(replication) < 0).any():
        reps = reps.sort_values("replication", kind="stable")
        replication = reps["replication"].to_numpy()
    n = len(np.unique(replication))
    keys = reps[["city", "item"]].iloc[: len(reps) // max(n, 1)]
    for key in ("city", "item"):
        values = reps[key]
        codes = np.asarray(values.cat.codes if isinstance(values.dtype, pd.CategoricalDtype) else values)
        if len(keys) * n != len(reps) or not (codes.reshape(n, -1) == codes[: len(keys)]).all():
            raise ValueError("summary_table needs every replication's rows in one city and item order")

    def col(name: str) -> np.ndarray:  # (replications, city-item rows)
        return reps[name].to_numpy(float).reshape(n, -1)

    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (depots, items never short)
        demand, served = col("demand").sum(axis=0), col("served").sum(axis=0)
        out = pd.DataFrame(
            {
                "city": keys["city"].reset_index(drop=True),
                "item": keys["item"].reset_index(drop=True),
                "required_reserve": np.nanmean(col("required_reserve"), axis=0),
                "initial_days_of_cover": np.nanmean(col("initial_days_of_cover"), axis=0),
                "compliance_share": col("compliant_days").sum(axis=0) / col("days").sum(axis=0),
                "p_stockout": (~np.isnan(col("first_stockout_day"))).mean(axis=0),
                "fill_rate": np.where(demand > 0, served / demand, 1.0),
                "unmet_mean": col("unmet").mean(axis=0),
                "first_stockout_day_median": np.nanmedian(col("first_stockout_day"), axis=0),
                **{f"{k}_mean": col(k).mean(axis=0) for k in COST_AND_WASTE},
                "replications": n,
            }
        )
        out["p_stockout_low"], out["p_stockout_high"] = wilson(out["p_stockout"].to_numpy(), n)
        share = col("compliant_days") / col("days")
        for name, values in (
            ("compliance_share", share),
            ("unmet_mean", col("unmet")),
            ("total_cost_mean", col("total_cost")),
        ):
            sd = values.std(axis=0, ddof=1) if n > 1 else np.zeros(values.shape[1])
            half = stdtrit(max(n - 1, 1), 0.975) * sd / np.sqrt(n)
            mean = values.mean(axis=0)
            out[f"{name}_low"] = mean - half if n > 1 else np.nan
            out[f"{name}_high"] = mean + half if n > 1 else np.nan
    return out[list(SUMMARY_COLUMNS) + list(CI_COLUMNS)]


COST_AND_WASTE = ("expired", "purchase_cost", "transport_cost", "expired_value", "total_cost")


CI_COLUMNS = (
    "p_stockout_low",
    "p_stockout_high",
    "compliance_share_low",
    "compliance_share_high",
    "unmet_mean_low",
    "unmet_mean_high",
    "total_cost_mean_low",
    "total_cost_mean_high",
)


def wilson(p: np.ndarray, n: np.ndarray, z: float = 1.959963984540054) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion p out of n."""
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


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


def epidemic_peaks(s: Scenario, census: pd.DataFrame) -> pd.DataFrame:
    """Per city: the peak of the hospital census (severe + icu, in beds and overflow) and its day,
    median over replications, with the 5-95 % range of the peak."""
    df = census.assign(hospital=census["severe"] + census["icu"] + census["severe_overflow"] + census["icu_overflow"])
    idx = df.groupby(["replication", "city"], observed=True)["hospital"].idxmax()
    peaks = df.loc[idx, ["replication", "city", "day", "hospital", "severe", "icu"]]
    overflow = df.groupby(["replication", "city"], observed=True)[["severe_overflow", "icu_overflow"]].max()
    infections = df.groupby(["replication", "city"], observed=True)["new_infections"].sum()
    peaks = peaks.set_index(["replication", "city"]).join(overflow).join(infections.rename("infections"))
    g = peaks.groupby(level="city", observed=True)
    out = pd.DataFrame(
        {
            "peak_day_median": g["day"].median(),
            "peak_hospital_median": g["hospital"].median(),
            "peak_hospital_p5": g["hospital"].quantile(0.05),
            "peak_hospital_p95": g["hospital"].quantile(0.95),
            "peak_severe_median": g["severe"].median(),
            "peak_icu_median": g["icu"].median(),
            "overflow_share": g.apply(lambda x: float(((x["severe_overflow"] + x["icu_overflow"]) > 0.5).mean())),
            "attack_rate_median": g["infections"].median(),
        }
    )
    pop = pd.Series({c.id: c.population for c in s.cities})
    out["attack_rate_median"] = out["attack_rate_median"] / pop.reindex(out.index)
    return out.reindex(s.city_ids).reset_index()
