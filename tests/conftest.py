"""Small scenarios built in code, so each test states exactly the case it checks."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stocksim.experiment.run import RunResult, run, run_epidemic
from stocksim.scenario import LoadedScenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))  # every shipped scenario
DEFAULT = ROOT / "configs" / "jinan-circle.yaml"


def base_dict(**overrides) -> dict:
    """One city, one item, constant demand of 10 a day, no procurement, no noise."""
    d = {
        "name": "test",
        "horizon_days": 30,
        "replications": 1,
        "seed": 7,
        "reserve": {"coverage_days": 3, "daily_max": "peak", "pools": "single"},
        "items": [{"id": "x", "name": "X", "shelf_life_days": 10_000, "unit_cost_cny": 1.0}],
        "cities": [
            {
                "id": "a",
                "name": "A",
                "population": 1000,
                "lat": 36.0,
                "lon": 117.0,
                "beds": 10,
                "health_workers": 100,
                "stock": {"x": 100},
            }
        ],
        "demand": {"noise": "none", "routine_per_health_worker_day": {"x": 0.1}},
        "procurement": {"mode": "none", "basis": "daily_max"},
    }
    return deep_update(d, overrides)


def deep_update(d: dict, overrides: dict) -> dict:
    out = copy.deepcopy(d)
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_update(out[k], v)
        else:
            out[k] = v
    return out


def loaded(d: dict, base_dir: Path | None = None) -> LoadedScenario:
    return LoadedScenario.read(parse_scenario(d, "<test>"), "<test>", base_dir or ROOT)


def simulate(d: dict, **kw) -> RunResult:
    return run(loaded(d), **kw)


def series(result: RunResult, column: str, city: str = "a", item: str = "x", replication: int = 0) -> np.ndarray:
    df = result.daily
    sel = (df["city"] == city) & (df["item"] == item) & (df["replication"] == replication)
    return df.loc[sel].sort_values("day")[column].to_numpy()


def check_invariants(result: RunResult, initial: dict[tuple[str, str], float] | None = None) -> None:
    """The identities every run must satisfy, on every row."""
    df = result.daily.sort_values(["replication", "city", "item", "day"])
    tol = 1e-6 * np.maximum(1.0, df["on_hand"].abs().to_numpy())
    for col in ("demand", "served", "unmet", "on_hand", "on_order", "received", "expired"):
        assert (df[col].to_numpy() >= -1e-9).all(), f"{col} negative"
    assert (df["served"] <= df["demand"] + 1e-9).all()
    np.testing.assert_allclose(df["unmet"], df["demand"] - df["served"], atol=1e-9)
    prev = df.groupby(["replication", "city", "item"], observed=True)["on_hand"].shift(1).to_numpy(copy=True)
    first = np.isnan(prev)
    if initial is None:
        opening = (
            df[["replication", "city", "item"]]
            .merge(
                result.per_replication[["replication", "city", "item", "initial_on_hand"]],
                on=["replication", "city", "item"],
                how="left",
            )["initial_on_hand"]
            .to_numpy()
        )
        prev[first] = opening[first]
    else:
        prev[first] = [initial[(c, i)] for c, i in zip(df["city"][first], df["item"][first], strict=True)]
    used = stock_used(df)
    balance = prev + df["received"] + df["transfer_in"] - used - df["transfer_out"] - df["expired"]
    assert np.all(np.abs(balance.to_numpy() - df["on_hand"].to_numpy()) <= tol + 1e-6)


def stock_used(df: pd.DataFrame) -> pd.Series:
    """Units that left each row's stock for use: served, less what substitutes served for the item,
    plus what the item gave as a substitute (docs/outputs.md; the columns exist with ``substitutes``)."""
    if "served_by_substitute" not in df.columns:
        return df["served"]
    assert (df["served_by_substitute"] <= df["served"] + 1e-9).all() and (df["used_as_substitute"] >= 0).all()
    return df["served"] - df["served_by_substitute"] + df["used_as_substitute"]


# ---- epidemics ------------------------------------------------------------------------------

CARE = {
    "mild": {"share": 0.2, "delay_days": 2, "stay_days": 10},
    "severe": {"share": 0.03, "delay_days": 4, "stay_days": 12},
    "icu": {"share": 0.01, "delay_days": 5, "stay_days": 8},
}


def seir_dict(**epidemic) -> dict:
    """One city of a million, an outbreak of 10 on day 0."""
    city = {**base_dict()["cities"][0], "population": 1_000_000, "designated_beds": 1e6, "designated_icu_share": 0.2}
    e = {
        "model": "seir",
        "r0": 2.0,
        "latent_days": 3.0,
        "infectious_days": 5.0,
        "introductions": [{"city": "a", "day": 0, "infections": 10}],
        "care": CARE,
    }
    return base_dict(horizon_days=200, cities=[city], epidemic={**e, **epidemic})


def three_cities(**epidemic) -> dict:
    """Three cities of 2 M, 0.5 M and 1 M linked by gravity travel; the outbreak starts in a."""
    d = seir_dict(**epidemic)
    city = d["cities"][0]
    d["cities"] = [
        {**city, "id": "a", "population": 2_000_000, "lat": 36.0, "lon": 117.0},
        {**city, "id": "b", "name": "B", "population": 500_000, "lat": 36.5, "lon": 117.3},
        {**city, "id": "c", "name": "C", "population": 1_000_000, "lat": 37.2, "lon": 118.4},
    ]
    d["epidemic"]["mobility"] = {"model": "gravity", "daily_trips_per_capita": 0.01, "distance_decay_km": 80}
    return d


def census_of(d: dict, **kw):
    census, _ = run_epidemic(loaded(d), **kw)
    return census


@pytest.fixture
def default_config() -> Path:
    return DEFAULT


def check_pool_balances(r, d) -> None:
    """On every city row: reserve = previous + reserve_received - released - rotated -
    reserve_expired; working = previous + (received - reserve_received) + transfer_in -
    transfer_out + rotated - (served - released) - (expired - reserve_expired); on_hand = both."""
    df = r.daily[r.daily["city"].isin([c["id"] for c in d["cities"]])]
    df = df.sort_values(["replication", "city", "item", "day"])
    opening = {}
    for c in d["cities"]:
        for it in d["items"]:
            reserve = c.get("reserve", {}).get(it["id"], 0.0)
            reserve += sum(lot["quantity"] for lot in c.get("reserve_lots", []) if lot["item"] == it["id"])
            stock = c["stock"].get(it["id"], 0.0) + sum(
                lot["quantity"] for lot in c.get("lots", []) if lot["item"] == it["id"]
            )
            opening[(c["id"], it["id"])] = (reserve, stock)
    keys = ["replication", "city", "item"]
    for pool, k in (("reserve_on_hand", 0), ("working_on_hand", 1)):
        prev = df.groupby(keys, observed=True)[pool].shift(1).to_numpy(copy=True)
        first = np.isnan(prev)
        prev[first] = [opening[(c, i)][k] for c, i in zip(df["city"][first], df["item"][first], strict=True)]
        if pool == "reserve_on_hand":
            flow = df["reserve_received"] - df["released"] - df["rotated"] - df["reserve_expired"]
        else:
            flow = (
                df["received"]
                - df["reserve_received"]
                + df["transfer_in"]
                - df["transfer_out"]
                + df["rotated"]
                - (stock_used(df) - df["released"])
                - (df["expired"] - df["reserve_expired"])
            )
        np.testing.assert_allclose(prev + flow, df[pool], atol=1e-6 + 1e-9 * df[pool].abs().max())
        assert (df[pool] >= -1e-9).all()
    np.testing.assert_allclose(df["on_hand"], df["reserve_on_hand"] + df["working_on_hand"], atol=1e-9)
    if d["reserve"].get("pools") != "separate":
        assert (df["reserve_on_hand"] == 0).all() and (df["released"] == 0).all()


def run_tables(out: Path) -> dict[str, pd.DataFrame]:
    """A run directory's main tables (written as Parquet), to compare two runs."""
    return {
        "daily": pd.read_parquet(out / "daily.parquet"),
        "events": pd.read_parquet(out / "events.parquet"),
        "replications": pd.read_parquet(out / "replications.parquet"),
        "summary": pd.read_csv(out / "summary.csv"),
    }
