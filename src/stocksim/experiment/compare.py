"""Policies side by side on common random numbers, with paired differences.

Every policy runs the same replications with the same seed. Demand paths, lead-time draws,
uncertain parameters and the epidemic come from streams keyed by replication and source
(``seeding``), so they are identical across policies; only the policy's decisions differ. The
difference of a metric between a policy and the first one is then taken replication by
replication, and its 95 % confidence interval is the paired t interval, much narrower than
comparing two independent runs.

A policy name is a procurement mode with optional modifiers joined by ``+``:
``none``, ``independent``, ``joint`` (the scenario's joint settings), ``joint-pooled``,
``joint-combined``; ``+transfers`` switches mutual aid between cities on, ``+nodepots`` removes
the depots. Without ``+transfers`` transfers between cities are off. Depots belong to the
scenario, not to a policy: every policy keeps the scenario's depots unless it says ``+nodepots``.

``at``: ``as-given`` (the default) runs each policy as the scenario sets it up; ``equal-cost``
first scales each policy after the first until its mean net cost matches the first's
(``search.equal_cost``, on the same replications and seed) and then compares the scaled policy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from stocksim.experiment.crn import CommonDraws, circle_net_cost
from stocksim.experiment.run import RunResult, run
from stocksim.experiment.search import EqualCost, equal_cost, scaled_ordering
from stocksim.results.tables import CIRCLE
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario

MODES = ("none", "independent", "joint", "joint-pooled", "joint-combined")
MODIFIERS = ("transfers", "nodepots")
AT = ("as-given", "equal-cost")  # how policies are set up before they are compared
ALL_ITEMS = "ALL"


def policy_scenario(s: Scenario, policy: str, source: str = "--policies") -> Scenario:
    mode, *mods = policy.strip().split("+")
    if mode not in MODES:
        raise ConfigError(source, policy, f"unknown procurement mode {mode!r} (one of {', '.join(MODES)})", policy)
    for m in mods:
        if m not in MODIFIERS:
            raise ConfigError(source, policy, f"unknown modifier {m!r} (one of {', '.join(MODIFIERS)})", policy)
    procurement = s.procurement
    if mode.startswith("joint"):
        joint = procurement.joint
        if mode != "joint":
            joint = joint.model_copy(update={"ordering": mode.split("-")[1]})
        procurement = procurement.model_copy(update={"mode": "joint", "joint": joint})
    else:
        procurement = procurement.model_copy(update={"mode": mode})
    update = {
        "procurement": procurement,
        "transfers": s.transfers.model_copy(update={"enabled": "transfers" in mods}),
    }
    if "nodepots" in mods:
        update["depots"] = []
    return s.model_copy(update=update)


def per_replication_metrics(result: RunResult) -> pd.DataFrame:
    """One row per replication, city (and ALL) and item (and ALL items) with the compared metrics."""
    reps = result.per_replication
    df = pd.DataFrame(
        {
            "replication": reps["replication"],
            "city": reps["city"].astype(str),
            "item": reps["item"].astype(str),
            "stockout": reps["first_stockout_day"].notna().astype(float),
            "unmet": reps["unmet"],
            "fill_rate": _fill_rate(reps["served"], reps["demand"]),
            "compliance_share": reps["compliant_days"] / reps["days"],
            "purchase_cost": reps["purchase_cost"],
            "transport_cost": reps["transport_cost"],
            "expired_value": reps["expired_value"],
            "total_cost": reps["total_cost"],
            "holding_cost": reps["holding_cost"],
            "net_cost": reps["net_cost"],
            "stockout_days": reps["stockout_days"],  # last, so that the rows before it keep their order
            "any_item_stockout_days": reps["any_item_stockout_days"],
            "served": reps["served"],
            "demand": reps["demand"],
        }
    )
    g = df.groupby(["replication", "city"], sort=False)
    whole = g.agg(
        stockout=("stockout", "max"),
        stockout_days=("any_item_stockout_days", "first"),
        unmet=("unmet", "sum"),
        served=("served", "sum"),
        demand=("demand", "sum"),
        compliance_share=("compliance_share", "mean"),
        purchase_cost=("purchase_cost", "sum"),
        transport_cost=("transport_cost", "sum"),
        expired_value=("expired_value", "sum"),
        total_cost=("total_cost", "sum"),
        holding_cost=("holding_cost", "sum"),
        net_cost=("net_cost", "sum"),
    ).reset_index()
    whole["item"] = ALL_ITEMS
    # Units of all items summed (pieces and pairs together, as index.csv's circle_unmet_mean).
    whole["fill_rate"] = _fill_rate(whole["served"], whole["demand"])
    out = pd.concat([df, whole], ignore_index=True)
    return out.drop(columns=["any_item_stockout_days", "served", "demand"])


def _fill_rate(served: pd.Series, demand: pd.Series) -> np.ndarray:
    """served / demand, 1 where nothing was asked for."""
    return np.where(demand > 0, served / demand.where(demand > 0), 1.0)


def paired_summary(metrics: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Mean of each metric per policy, and the paired difference to the first policy with its
    95 % t interval over replications. Tidy: policy, city, item, metric, mean, diff, low, high, n."""
    names = list(metrics)
    keys = ["replication", "city", "item"]
    ref = metrics[names[0]].melt(id_vars=keys, var_name="metric", value_name="ref")
    rows = []
    for name in names:
        long = metrics[name].melt(id_vars=keys, var_name="metric", value_name="value")
        both = long.merge(ref, on=[*keys, "metric"]).dropna(subset=["value", "ref"])
        both["d"] = both["value"] - both["ref"]
        g = both.groupby(["city", "item", "metric"], sort=False)
        out = g.agg(mean=("value", "mean"), diff=("d", "mean"), sd=("d", "std"), n=("d", "size")).reset_index()
        half = stdtrit(np.maximum(out["n"] - 1, 1), 0.975) * out["sd"].fillna(0.0) / np.sqrt(out["n"])
        out["diff_low"] = np.where(out["n"] > 1, out["diff"] - half, np.nan)
        out["diff_high"] = np.where(out["n"] > 1, out["diff"] + half, np.nan)
        out.insert(0, "policy", name)
        rows.append(out.drop(columns="sd"))
    return pd.concat(rows, ignore_index=True)[
        ["policy", "city", "item", "metric", "mean", "diff", "diff_low", "diff_high", "n"]
    ]


@dataclass(frozen=True)
class Setup:
    """What a policy runs with beyond its procurement: the depots it has and whether cities
    transfer to each other."""

    depots: tuple[str, ...]
    transfers: bool


def setup_of(s: Scenario) -> Setup:
    return Setup(tuple(d.id for d in s.depots), s.transfers.enabled)


@dataclass
class Comparison:
    policies: list[str]
    results: dict[str, RunResult]
    table: pd.DataFrame
    wall_seconds: float
    setups: dict[str, Setup] = field(default_factory=dict)  # per policy
    equal_cost: dict[str, EqualCost] = field(default_factory=dict)  # per policy after the first, at equal cost


def compare(
    loaded: LoadedScenario,
    policies: list[str],
    replications: int | None = None,
    seed: int | None = None,
    keep_daily: bool = False,
    at: str = "as-given",
) -> Comparison:
    if at not in AT:
        raise ConfigError("--at", "", f"expected one of {', '.join(AT)}", at)
    if not policies:
        raise ConfigError("--policies", "", "name at least one policy")
    if len(set(policies)) < len(policies):
        raise ConfigError("--policies", "", "a policy is named twice", ",".join(policies))
    results, metrics, setups, scaled, wall = {}, {}, {}, {}, 0.0
    draws = None
    for name in policies:
        s = policy_scenario(loaded.scenario, name)
        if at == "equal-cost" and results:
            first = results[policies[0]]
            draws = draws or CommonDraws(loaded, first.seed, first.replications)
            target = float(circle_net_cost(first.per_replication).mean())
            start = time.perf_counter()
            scaled[name] = equal_cost(draws, s, target, name)
            s = scaled_ordering(s, scaled[name].factor)
            wall += time.perf_counter() - start
        variant = loaded.model_copy(update={"scenario": s})
        r = run(variant, replications=replications, seed=seed, keep_daily=keep_daily)
        results[name] = r
        metrics[name] = per_replication_metrics(r)
        setups[name] = setup_of(variant.scenario)
        wall += r.wall_seconds
    return Comparison(policies, results, paired_summary(metrics), wall, setups, scaled)


def stockout_matrix(table: pd.DataFrame, city_order: list[str]) -> pd.DataFrame:
    """City x policy: probability that the city runs out of any item, with the paired difference."""
    sel = table[(table["metric"] == "stockout") & (table["item"] == ALL_ITEMS)]
    return sel.set_index(["city", "policy"]).loc[[*city_order, CIRCLE]].reset_index()
