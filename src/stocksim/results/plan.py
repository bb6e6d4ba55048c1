"""The purchase plan as tidy tables: one row per city and item plus the circle (city ``ALL``) per
item (``plan.csv``), and one row per lot that expires or leaves the reserve within the horizon
(``plan_lots.csv``). Columns and units: docs/outputs.md."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stocksim.results.tables import CIRCLE
from stocksim.scenario.schema import Scenario
from stocksim.supply.plan import Plan
from stocksim.supply.reserve import days_of_cover

PLAN_COLUMNS = (
    "day",
    "city",
    "item",
    "coverage_days",
    "daily_max",
    "required_reserve",
    "physical_reserve",
    "agreements",
    "agreements_counted",
    "counted",
    "days_of_cover",
    "gap",
    "physical_floor",
    "physical_gap",
    "to_buy",
    "supplier",
    "unit_price_cny",
    "crisis_unit_price_cny",
    "cost_cny",
    "crisis_cost_cny",
    "leaving_units",
    "leaving_value_cny",
    "first_leaving_day",
    "daily_max_low",
    "daily_max_high",
)
LOT_COLUMNS = ("day", "city", "item", "pool", "counted", "expires_day", "leaves_day", "units", "value_cny")


def plan_table(s: Scenario, plan: Plan) -> pd.DataFrame:
    """One row per city and item, then the circle's rows (``ALL``): the circle's gaps are its own
    test's (summed stock, depots included, against its requirement), its ``to_buy`` and costs the
    sums of the cities' (what makes every city comply)."""
    prices = plan.prices
    to_buy = plan.to_buy()
    gap, physical_gap = plan.gaps()
    leaving, first = plan.leaving()
    value = prices.stock_value
    city = {
        "daily_max": plan.daily_max,
        "required_reserve": plan.required,
        "physical_reserve": plan.physical,
        "agreements": plan.agreements,
        "agreements_counted": plan.agreements_counted,
        "gap": gap,
        "physical_gap": physical_gap,
        "to_buy": to_buy,
        "leaving_units": leaving,
        "first_leaving_day": np.where(first >= 0, first, np.nan),
        "daily_max_low": plan.daily_max_low,
        "daily_max_high": plan.daily_max_high,
    }
    circle_gap, circle_physical_gap = plan.gaps(circle=True)
    first_any = np.where(first >= 0, first, np.iinfo(np.int64).max).min(axis=0)
    circle = {
        "daily_max": plan.circle_daily_max,
        "required_reserve": plan.circle_required,
        "physical_reserve": plan.circle_physical,
        "agreements": plan.agreements.sum(axis=0),
        "agreements_counted": plan.agreements_counted.sum(axis=0),
        "gap": circle_gap,
        "physical_gap": circle_physical_gap,
        "to_buy": to_buy.sum(axis=0),
        "leaving_units": leaving.sum(axis=0),
        "first_leaving_day": np.where(first_any < np.iinfo(np.int64).max, first_any, np.nan),
        "daily_max_low": plan.circle_daily_max_low,
        "daily_max_high": plan.circle_daily_max_high,
    }
    n_c, n_i = plan.required.shape
    cols = {k: np.concatenate([v, circle[k][None, :]]).ravel() for k, v in city.items()}
    out = pd.DataFrame(
        {
            "day": plan.day,
            "city": np.repeat([*s.city_ids, CIRCLE], n_i),
            "item": np.tile(s.item_ids, n_c + 1),
            "coverage_days": plan.coverage_days,
            **cols,
        }
    )
    price, crisis = np.tile(prices.normal, n_c + 1), np.tile(prices.crisis, n_c + 1)
    out["counted"] = out["physical_reserve"] + out["agreements_counted"]
    out["days_of_cover"] = days_of_cover(out["counted"].to_numpy(), out["daily_max"].to_numpy())
    out["physical_floor"] = plan.min_physical_share * out["required_reserve"]
    out["supplier"] = np.tile(prices.supplier, n_c + 1)
    out["unit_price_cny"], out["crisis_unit_price_cny"] = price, crisis
    out["cost_cny"], out["crisis_cost_cny"] = out["to_buy"] * price, out["to_buy"] * crisis
    out["leaving_value_cny"] = out["leaving_units"] * np.tile(value, n_c + 1)
    return out[list(PLAN_COLUMNS)]


def lots_table(s: Scenario, plan: Plan) -> pd.DataFrame:
    """The lots there on the plan's day that expire, or leave what the rule counts, within the
    horizon, by the day they leave; ``leaves_day`` equals ``expires_day`` except for a reserve lot
    that rotation moves to working stock first."""
    horizon = plan.horizon
    rows = [lot for lot in plan.lots if lot.expires_day < horizon or (lot.counted and lot.leaves_day < horizon)]
    rows.sort(key=lambda lot: (lot.leaves_day, lot.location, lot.item))
    places, items, value = s.location_ids, s.item_ids, plan.prices.stock_value
    return pd.DataFrame(
        {
            "day": np.full(len(rows), plan.day, dtype=np.int64),
            "city": [places[lot.location] for lot in rows],
            "item": [items[lot.item] for lot in rows],
            "pool": [lot.pool for lot in rows],
            "counted": np.array([lot.counted for lot in rows], dtype=bool),
            "expires_day": np.array([lot.expires_day for lot in rows], dtype=np.int64),
            "leaves_day": np.array([lot.leaves_day for lot in rows], dtype=np.int64),
            "units": np.array([lot.units for lot in rows], dtype=float),
            "value_cny": np.array([lot.units * value[lot.item] for lot in rows], dtype=float),
        },
        columns=list(LOT_COLUMNS),
    )
