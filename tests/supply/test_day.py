"""The day loop: identities that hold on every row of every run (stock balance, nothing negative,
served <= demand), on the default scenario and on random small ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, base_dict, check_invariants, check_pool_balances, simulate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocksim.experiment.run import run
from stocksim.scenario import load_scenario


def _short_of_stock(loaded, factor: float):
    """The scenario with every city's opening stock scaled by ``factor`` (so that the outbreak shorts someone)."""
    s = loaded.scenario
    cities = [c.model_copy(update={"stock": {i: q * factor for i, q in c.stock.items()}}) for c in s.cities]
    return loaded.model_copy(update={"scenario": s.model_copy(update={"cities": cities})})


def _without_rotation(loaded):
    """The scenario with rotation off, so that the reserve's old lots are written off (an expiry to balance)."""
    s = loaded.scenario
    reserve = s.reserve.model_copy(update={"rotate_before_expiry_days": None})
    return loaded.model_copy(update={"scenario": s.model_copy(update={"reserve": reserve})})


def test_stock_balance_on_every_row_of_the_default_scenario(default_config):
    r = run(_short_of_stock(_without_rotation(load_scenario(default_config)), 0.02), replications=4)
    check_invariants(r)
    df = r.daily
    assert (df["unmet"] > 0).any(), "the outbreak should short someone, or this test checks little"
    assert (df["received"] > 0).any() and (df["expired"] > 0).any()
    # Every unit received was dispatched as part of an order, and is reported as a delivery event.
    ev = r.events.astype({"city": str})
    df = df.astype({"city": str})
    delivered = ev[ev["kind"] == "delivery"].groupby(["replication", "city", "item"], observed=True)["quantity"].sum()
    received = df.groupby(["replication", "city", "item"], observed=True)["received"].sum()
    pd.testing.assert_series_equal(delivered.sort_index(), received[received > 0].sort_index(), check_names=False)
    # What is on order never exceeds what was ordered (or called from an agreement) and not yet received.
    ordered = (
        ev[ev["kind"].isin(["order", "agreement_call"])]
        .groupby(["replication", "city", "item"], observed=True)["quantity"]
        .sum()
    )
    last = df[df["day"] == df["day"].max()].set_index(["replication", "city", "item"])
    total_received = received.reindex(last.index).fillna(0)
    np.testing.assert_allclose(
        last["on_order"],
        ordered.reindex(last.index).fillna(0) - total_received,
        rtol=1e-9,
        atol=1e-6,
    )


@st.composite
def small_scenarios(draw):
    n_cities = draw(st.integers(1, 3))
    n_items = draw(st.integers(1, 2))
    horizon = draw(st.integers(5, 40))
    items = [
        {
            "id": f"i{j}",
            "name": f"I{j}",
            "shelf_life_days": draw(st.integers(1, 60)),
            "unit_cost_cny": 1.0,
        }
        for j in range(n_items)
    ]
    separate = draw(st.booleans())
    cities = []
    for k in range(n_cities):
        lots = [
            {
                "item": f"i{draw(st.integers(0, n_items - 1))}",
                "quantity": draw(st.integers(0, 500)),
                "expires_day": draw(st.integers(0, 50)),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        cities.append(
            {
                **base_dict()["cities"][0],
                "id": f"c{k}",
                "health_workers": draw(st.integers(0, 300)),
                "stock": {f"i{j}": draw(st.integers(0, 300)) for j in range(n_items)},
                "lots": lots,
            }
        )
        if separate:
            cities[-1]["reserve"] = {f"i{j}": draw(st.integers(0, 300)) for j in range(n_items)}
            cities[-1]["reserve_lots"] = [
                {
                    "item": f"i{draw(st.integers(0, n_items - 1))}",
                    "quantity": draw(st.integers(0, 200)),
                    "expires_day": draw(st.integers(0, 50)),
                }
                for _ in range(draw(st.integers(0, 2)))
            ]
            cities[-1]["agreements"] = [
                {"item": f"i{j}", "quantity": draw(st.integers(0, 200)), "call_days": draw(st.integers(1, 10))}
                for j in range(n_items)
                if draw(st.booleans())
            ]
    lead = draw(st.one_of(st.integers(0, 8), st.just({"dist": "gamma", "mean": 3, "sd": 2})))
    reorder = draw(st.floats(0, 10))
    d = base_dict(
        horizon_days=horizon,
        replications=draw(st.integers(1, 3)),
        seed=draw(st.integers(0, 2**32)),
        items=items,
        cities=cities,
        suppliers=[
            {
                "id": "s",
                "lead_time_days": lead,
                "capacity_per_day": {f"i{j}": draw(st.integers(0, 200)) for j in range(n_items)},
                "disruptions": [{"from_day": 2, "to_day": 6, "capacity_factor": 0.5, "lead_time_factor": 2}],
            }
        ],
        procurement={
            "basis": draw(st.sampled_from(["burn_rate", "daily_max"])),
            "mode": draw(st.sampled_from(["none", "independent"])),
            "review_every_days": draw(st.integers(1, 5)),
            "reorder_point_days": reorder,
            "order_up_to_days": reorder + draw(st.floats(0, 10)),
        },
    )
    d["demand"] = {
        "noise": draw(st.sampled_from(["none", "poisson", "negative_binomial"])),
        "dispersion": draw(st.floats(0.5, 50)),
        "routine_per_health_worker_day": {f"i{j}": draw(st.floats(0, 2)) for j in range(n_items)},
    }
    if separate:
        d["reserve"] = {
            **d["reserve"],
            "pools": "separate",
            "release": {"when_working_out": draw(st.booleans())},
            "target_days": draw(st.floats(0, 10)),
            "rotate_before_expiry_days": draw(st.one_of(st.none(), st.integers(0, 10))),
            "counts_agreements": draw(st.booleans()),
            "min_physical_share": draw(st.floats(0, 1)),
        }
        level_from = draw(st.one_of(st.none(), st.integers(0, horizon)))
        if level_from is not None:  # a level declared by date releases the reserve and calls agreements
            d["response"] = {
                "levels": [{"level": "IV", "enter_at": 1, "exit_below": 0.5}],
                "schedule": [{"level": "IV", "from_day": level_from}],
            }
    if n_items == 2 and draw(st.booleans()):  # crisis practice: a use factor and substitutes, one way or both
        if "response" not in d:
            level_from = draw(st.integers(0, horizon))
            d["response"] = {
                "levels": [{"level": "IV", "enter_at": 1, "exit_below": 0.5}],
                "schedule": [{"level": "IV", "from_day": level_from}],
            }
        d["response"]["levels"][0]["use_factor"] = {"i0": draw(st.floats(0.1, 2))}
        pairs = [("i0", "i1"), ("i1", "i0")][: draw(st.integers(1, 2))]
        d["substitutes"] = [
            {"item": a, "by": b, "ratio": draw(st.floats(0.1, 3)), "from_level": "IV"} for a, b in pairs
        ]
    return d


def check_agreements(r, d) -> None:
    """Agreement units are called once and never come back: what is available falls only by the
    calls; what arrives is in ``received`` as delivery events, none of it in ``reserve_received``."""
    df = r.daily.sort_values(["replication", "city", "item", "day"])
    ev = r.events
    available = df.groupby(["replication", "city", "item"], observed=True)["agreements_available"]
    assert (available.diff().dropna() <= 0).all() and (df["agreements_available"] >= 0).all()
    opening = {(c["id"], a["item"]): a["quantity"] for c in d["cities"] for a in c.get("agreements", [])}
    last = df[df["day"] == df["day"].max()]
    calls = ev[ev["kind"] == "agreement_call"].groupby(["replication", "city", "item"], observed=True)["quantity"]
    for row in last.itertuples():
        total = opening.get((row.city, row.item), 0.0)
        called = calls.sum().get((row.replication, row.city, row.item), 0.0)
        assert row.agreements_available == pytest.approx(total - called)
    delivered = ev[ev["kind"] == "delivery"]["quantity"].sum()
    assert delivered == pytest.approx(df["received"].sum(), abs=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_invariants_hold_on_random_small_scenarios(d):
    r = simulate(d)
    check_invariants(r)
    check_pool_balances(r, d)
    check_agreements(r, d)
    # The summary agrees with the daily table it summarises.
    df = r.daily
    for (city, item), g in df.groupby(["city", "item"], observed=True):
        row = r.summary[(r.summary["city"] == city) & (r.summary["item"] == item)].iloc[0]
        assert row["compliance_share"] == np.mean(g["compliant"])
        stocked_out = g.groupby("replication")["unmet"].apply(lambda u: (u > 1e-9).any())
        assert row["p_stockout"] == stocked_out.mean()
    # Every replication the scenario asks for is in the tables, once (r.replications would only
    # restate the input).
    n = d["replications"]
    assert sorted(r.per_replication["replication"].unique()) == list(range(n))
    assert sorted(r.daily["replication"].unique()) == list(range(n))
    assert len(r.daily) == n * d["horizon_days"] * len(d["cities"]) * len(d["items"])


def test_stock_balance_on_every_row_of_the_crisis_practice_scenario():
    """The shipped shortage scenario without its use factors, so that KN95 stands in for N95 often:
    both pools balance with substitution, and on every city and day the KN95 used is the N95 covered
    (ratio 1), the gowns used the coveralls covered."""
    path = ROOT / "configs" / "crisis-practice.yaml"
    loaded = load_scenario(path)
    s = loaded.scenario
    levels = [lv.model_copy(update={"use_factor": {}}) for lv in s.response.levels]
    s = s.model_copy(update={"response": s.response.model_copy(update={"levels": levels})})
    r = run(loaded.model_copy(update={"scenario": s}), replications=3)
    check_invariants(r)
    check_pool_balances(r, yaml.safe_load(path.read_text()))
    df = r.daily.set_index(["replication", "day", "city"])
    n95, kn95 = (df[df["item"] == i] for i in ("n95_respirator", "kn95_respirator"))
    assert n95["served_by_substitute"].sum() > 1e5 and (n95["unmet"] > 0).any()
    np.testing.assert_allclose(kn95["used_as_substitute"], n95["served_by_substitute"])
    coverall, gown = (df[df["item"] == i] for i in ("protective_coverall_or_gown", "isolation_gown"))
    np.testing.assert_allclose(gown["used_as_substitute"], coverall["served_by_substitute"])
    assert (kn95["served"] == 0).all() and (df.loc[df["item"] == "gloves_exam", "used_as_substitute"] == 0).all()
