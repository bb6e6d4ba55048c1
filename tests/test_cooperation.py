"""联采联供: joint procurement, transfers, depots and the policy comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, base_dict, check_invariants, loaded, simulate

from stocksim.experiment.compare import compare, policy_scenario
from stocksim.scenario import ConfigError, load_scenario
from stocksim.supply.procurement import allocate

CITY = base_dict()["cities"][0]


def _cities(n, **kw):
    return [{**CITY, "id": f"c{k}", "name": f"C{k}", **kw} for k in range(n)]


# ---- pooling (Eppen) ---------------------------------------------------------------------


def _pooling(mode: str, level_days: float, mu: float, lead: int, n: int = 7) -> dict:
    return base_dict(
        horizon_days=2000,
        replications=6,
        cities=_cities(n, health_workers=mu * 10, stock={"x": level_days * mu}),
        reserve={"daily_max": "declared", "declared": {f"c{k}": {"x": mu} for k in range(n)}},
        demand={"noise": "poisson"},
        suppliers=[{"id": "s", "lead_time_days": lead, "capacity_per_day": {"x": 1e12}}],
        transfers={"handling_hours": 0},  # co-located cities: the centre's carriage takes no time
        procurement={
            "mode": mode,
            "review_every_days": 1,
            "reorder_point_days": level_days,
            "order_up_to_days": level_days,
            "joint": {"allocation": "equal_days_of_cover"},
        },
    )


def _unmet_share(d: dict) -> float:
    df = simulate(d).daily
    df = df[df["day"] >= 100]  # past the start-up
    return 1 - df["served"].sum() / df["demand"].sum()


def test_pooled_ordering_needs_about_one_over_sqrt_n_of_the_safety_stock():
    """Eppen (1979): pooling n identical independent demands needs z sigma sqrt(n L) of safety
    stock instead of n z sigma sqrt(L): a ratio of 1/sqrt(7) = 0.378. Seven cities, Poisson demand
    of 100 a day each, lead time 28 days, daily review. Independent base stock with z = 2; the
    joint (pooled) base stock with r x the independent total safety stock, for r on a grid; r* is
    where the joint system's unmet share equals the independent one's (log-linear interpolation).

    Tolerance |r* - 0.378| <= 0.08: the centre allocates once a day (equal days of cover), so each
    city's last day of demand is not pooled (Eppen-Schrage put the ratio at
    sqrt((L-1)/n + 1)/sqrt(L) = 0.416 for the probability of a stockout day); sales are lost, not
    backordered; demand is Poisson, not normal; and the interpolated r* carries simulation noise
    of about 0.02 at this run length."""
    mu, lead, z = 100.0, 28, 2.0
    ss = z * math.sqrt(mu * lead)
    target = _unmet_share(_pooling("independent", (mu * lead + ss) / mu, mu, lead))
    grid = [0.28, 0.38, 0.48]
    unmet = [_unmet_share(_pooling("joint", (mu * lead + r * ss) / mu, mu, lead)) for r in grid]
    assert unmet[0] > target > unmet[-1], (target, unmet)  # r* lies inside the grid
    k = next(j for j in range(len(grid) - 1) if unmet[j] >= target >= unmet[j + 1])
    r_star = grid[k] + (grid[k + 1] - grid[k]) * math.log(unmet[k] / target) / math.log(unmet[k] / unmet[k + 1])
    print(f"pooling: independent unmet share {target:.5f}, joint {unmet}, r* = {r_star:.3f}")
    assert abs(r_star - 1 / math.sqrt(7)) <= 0.08, r_star
    assert r_star < 0.5  # joint ordering needs far less stock for the same fill rate


# ---- allocation rules --------------------------------------------------------------------


def test_allocation_rules_have_their_defining_properties():
    quantity = np.array([[300.0]])  # (R, I)
    position = np.array([[[100.0], [400.0], [0.0], [900.0]]])  # (R, C, I)
    daily = np.array([[[10.0], [20.0], [5.0], [30.0]]])
    target = 40 * daily
    population = np.array([1.0, 2.0, 3.0, 4.0])

    need = np.maximum(target - position, 0)[0, :, 0]
    by_need = allocate("proportional_to_need", quantity, position, daily, target, population)[0, :, 0]
    np.testing.assert_allclose(by_need, 300 * need / need.sum())

    by_pop = allocate("population", quantity, position, daily, target, population)[0, :, 0]
    np.testing.assert_allclose(by_pop, 300 * population / population.sum())

    equal = allocate("equal_days_of_cover", quantity, position, daily, target, population)[0, :, 0]
    assert equal.sum() == pytest.approx(300)
    cover = (position[0, :, 0] + equal) / daily[0, :, 0]
    got = equal > 1e-9
    np.testing.assert_allclose(cover[got], cover[got][0])  # recipients end level ...
    assert np.all(cover[~got] >= cover[got][0] - 1e-9)  # ... and nobody left out is below them
    # Covers before: 10, 20, 0, 30 days. 300 units lift c2 and c0 and c1 to a common 21.4 days.
    np.testing.assert_allclose(cover[got][0], (300 + 100 + 400 + 0) / (10 + 20 + 5))


# ---- transfers ---------------------------------------------------------------------------


def _transfer_case(handling_hours: float, **transfers) -> dict:
    # a: nothing, 10 a day; b: 1,000 held, 65 km away, no demand of its own but a daily max of 10.
    return base_dict(
        horizon_days=8,
        reserve={"daily_max": "declared", "declared": {"a": {"x": 10}, "b": {"x": 10}}},
        cities=[
            {**CITY, "id": "a", "stock": {"x": 0}, "lat": 36.6702, "lon": 117.0207},
            {
                **CITY,
                "id": "b",
                "name": "B",
                "stock": {"x": 1000},
                "health_workers": 0,
                "lat": 36.2004,
                "lon": 117.0870,
            },
        ],
        distances={"road_factor": 1.25},
        transfers={
            "enabled": True,
            "request_below_days": 5,
            "request_up_to_days": 20,
            "donor_keeps_days": 30,
            "speed_kmh": 60,
            "handling_hours": handling_hours,
            **transfers,
        },
    )


@pytest.mark.parametrize(("handling", "days"), [(1.0, 1), (30.0, 2), (50.0, 3)])
def test_a_city_with_nothing_receives_a_transfer_after_exactly_the_road_time(handling, days):
    r = simulate(_transfer_case(handling))
    df = r.daily.set_index(["city", "day"])
    # Day 0: a asks for 20 days x 10 = 200 after its demand; b may give 1000 - 30 x 10 = 700.
    assert df.loc[("b", 0), "transfer_out"] == 200
    km = (
        1.25
        * 6371
        * 2
        * math.asin(
            math.sqrt(
                math.sin(math.radians(36.6702 - 36.2004) / 2) ** 2
                + math.cos(math.radians(36.6702))
                * math.cos(math.radians(36.2004))
                * math.sin(math.radians(117.0207 - 117.0870) / 2) ** 2
            )
        )
    )
    assert math.ceil((km / 60 + handling) / 24) == days  # the road time in whole days
    arrivals = df.loc["a", "transfer_in"]
    assert arrivals[days] == 200 and arrivals.drop(days).sum() == 0
    check_invariants(r)


def test_donors_never_go_below_their_floor_and_transfers_conserve_stock():
    sc = load_scenario(ROOT / "configs" / "jinan-circle.yaml")
    d = sc.scenario.model_dump(mode="json")
    d["transfers"]["enabled"] = True
    d["transfers"]["donor_keeps_days"] = 25
    d["transfers"]["request_below_days"] = 28  # busy mutual aid
    r = simulate_at_configs(d, replications=3)
    check_invariants(r)
    df = r.daily
    assert df["transfer_out"].sum() > 0
    gave = df[df["transfer_out"] > 0]
    daily_max = r.per_replication.set_index(["replication", "city", "item"])["daily_max"]
    floor = (
        25
        * daily_max.reindex(pd.MultiIndex.from_frame(gave[["replication", "city", "item"]].astype(object))).to_numpy()
    )
    assert np.all(gave["on_hand"].to_numpy() >= floor - 1e-6)
    # Circle-wide, what left equals what arrived plus what is still on the road, every day.
    ev = r.events
    out = ev[ev["kind"] == "transfer_out"][["replication", "item", "order_id", "time", "quantity"]]
    arrived = ev[ev["kind"] == "transfer_in"][["replication", "item", "order_id", "time"]]
    trips = out.merge(arrived, on=["replication", "item", "order_id"], how="left", suffixes=("", "_in"))
    horizon = d["horizon_days"]
    trips["time_in"] = trips["time_in"].fillna(horizon)
    for day in (30, 60, 90, 120, horizon - 1):
        sofar = df[df["day"] <= day]
        sent = sofar["transfer_out"].sum()
        received = sofar["transfer_in"].sum()
        on_road = trips[(trips["time"] <= day) & (trips["time_in"] > day)]["quantity"].sum()
        assert sent == pytest.approx(received + on_road)


def simulate_at_configs(d: dict, **kw):
    from stocksim.experiment.run import run

    return run(loaded(d, base_dir=ROOT / "configs"), **kw)


def test_depots_ship_before_cities_are_asked():
    d = _transfer_case(1.0)
    d["depots"] = [{"id": "provincial", "city": "b", "stock": {"x": 150}}]
    r = simulate(d)
    ev = r.events
    out = ev[ev["kind"] == "transfer_out"]
    day0 = out[out["time"] == 0].set_index("city", drop=False)["quantity"]
    # a asks 200: the depot gives all its 150 first, city b the other 50.
    assert day0["provincial"] == 150 and day0["b"] == 50
    check_invariants(r)
    # Without city-to-city transfers the depot still ships.
    d["transfers"]["enabled"] = False
    r2 = simulate(d)
    out2 = r2.events[r2.events["kind"] == "transfer_out"]
    assert set(out2["city"].astype(str)) == {"provincial"}


def test_transfers_carry_the_expiry_of_what_they_ship():
    d = _transfer_case(1.0)
    d["cities"][1]["stock"] = {"x": 600}
    d["cities"][1]["lots"] = [{"item": "x", "quantity": 400, "expires_day": 5}]
    r = simulate(d)
    df = r.daily.set_index(["city", "day"])
    # b ships 200 units first-expiry-first-out, all from the lot expiring on day 5: a writes off
    # what it has not used of them (200 - 10 a day on days 1..4 = 160) on day 5, b the other 200.
    assert df.loc[("a", 5), "expired"] == pytest.approx(160)
    assert df.loc[("b", 5), "expired"] == pytest.approx(200)
    check_invariants(r)


# ---- joint procurement at the supplier ---------------------------------------------------


def _joint_case(priority: str, share: float = 0.0) -> dict:
    return base_dict(
        horizon_days=6,
        reserve={"daily_max": "declared", "declared": {"c0": {"x": 10}, "c1": {"x": 10}}},
        cities=_cities(2, stock={"x": 0}, health_workers=0),
        suppliers=[
            {"id": "s", "lead_time_days": 1, "capacity_per_day": {"x": 100}, "other_buyers_per_day": {"x": 100}}
        ],
        transfers={"handling_hours": 0},
        procurement={
            "mode": "joint",
            "review_every_days": 100,
            "reorder_point_days": 1,
            "order_up_to_days": 10,
            "joint": {"supplier_priority": priority, "reserved_share": share, "allocation": "population"},
        },
    )


@pytest.mark.parametrize(("priority", "share"), [("fcfs", 0), ("joint_first", 0), ("reserved_share", 0.7)])
def test_supplier_priority_for_the_pooled_order(priority, share):
    """The centre orders 200 on day 0; other buyers ask 100 a day of a capacity of 100.
    fcfs: both orders are of day 0 and share pro rata (100:200 -> the centre gets 66.7, then the
    rest of its order is older than the next days' other orders); joint_first: 100; reserved 70 %:
    70 reserved, then the remaining 30 shared 130:100."""
    r = simulate(_joint_case(priority, share))
    deliveries = r.events[r.events["kind"] == "delivery"]
    shipped_day0 = deliveries[deliveries["dispatched"] == 0]["quantity"].sum()
    expected = {"fcfs": 200 / 300 * 100, "joint_first": 100.0, "reserved_share": 70 + 30 * 130 / 230}[priority]
    assert shipped_day0 == pytest.approx(expected)
    check_invariants(r)


def test_volume_discount_applies_to_orders_that_reach_the_tier():
    d = _joint_case("fcfs")
    d["suppliers"][0]["other_buyers_per_day"] = {}
    d["procurement"]["volume_discounts"] = [{"min_quantity": 150, "discount": 0.2}]
    joint = simulate(d).daily["purchase_cost"].sum()
    d["procurement"]["mode"] = "independent"  # two orders of 100: below the tier
    alone = simulate(d).daily["purchase_cost"].sum()
    assert joint == pytest.approx(200 * 0.8) and alone == pytest.approx(200)


# ---- comparison on common random numbers --------------------------------------------------


def test_policies_see_identical_demand_and_the_comparison_is_paired():
    sc = load_scenario(ROOT / "configs" / "jinan-circle.yaml")
    cmp = compare(sc, ["independent", "joint", "joint+transfers"], replications=4, keep_daily=True)
    base = cmp.results["independent"].daily
    for name in ("joint", "joint+transfers"):
        other = cmp.results[name].daily
        np.testing.assert_array_equal(other["demand"].to_numpy(), base["demand"].to_numpy())
        pd.testing.assert_frame_equal(cmp.results[name].census, cmp.results["independent"].census)  # the same epidemic
    t = cmp.table
    assert set(t["policy"]) == {"independent", "joint", "joint+transfers"}
    first = t[t["policy"] == "independent"]
    assert (first["diff"] == 0).all()
    row = t[
        (t["policy"] == "joint") & (t["city"] == "ALL") & (t["item"] == "ALL") & (t["metric"] == "total_cost")
    ].iloc[0]
    per_rep = [
        cmp.results[p].per_replication.query("city == 'ALL'").groupby("replication")["total_cost"].sum()
        for p in ("joint", "independent")
    ]
    diffs = (per_rep[0] - per_rep[1]).to_numpy()
    assert row["diff"] == pytest.approx(diffs.mean())
    half = 3.182446305284263 * diffs.std(ddof=1) / 2  # t(0.975, 3 df) x sd / sqrt(4)
    assert row["diff_high"] - row["diff"] == pytest.approx(half)


def test_policy_names_are_checked():
    s = load_scenario(ROOT / "configs" / "jinan-circle.yaml").scenario
    assert policy_scenario(s, "joint-combined+transfers").procurement.joint.ordering == "combined"
    assert policy_scenario(s, "independent").transfers.enabled is False
    with pytest.raises(ConfigError, match="unknown procurement mode"):
        policy_scenario(s, "jiont")
    with pytest.raises(ConfigError, match="unknown modifier"):
        policy_scenario(s, "joint+transfer")
