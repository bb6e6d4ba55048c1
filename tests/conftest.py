"""Small scenarios built in code, so each test states exactly the case it checks."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from stocksim.experiment.run import RunResult, run
from stocksim.scenario import LoadedScenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]


def base_dict(**overrides) -> dict:
    """One city, one item, constant demand of 10 a day, no procurement, no noise."""
    d = {
        "name": "test",
        "horizon_days": 30,
        "replications": 1,
        "seed": 7,
        "reserve": {"coverage_days": 3, "daily_max": "peak"},
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
        "procurement": {"mode": "none"},
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
    balance = prev + df["received"] + df["transfer_in"] - df["served"] - df["transfer_out"] - df["expired"]
    assert np.all(np.abs(balance.to_numpy() - df["on_hand"].to_numpy()) <= tol + 1e-6)


@pytest.fixture
def default_config() -> Path:
    return ROOT / "configs" / "jinan-circle.yaml"
