"""联供: lateral transfers between cities and shipments from depots, on the road for the road time."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT, ROOT, base_dict, check_invariants, loaded, series, simulate

from stocksim.experiment.run import run
from stocksim.scenario import ConfigError, load_scenario, parse_scenario

CITY = base_dict()["cities"][0]


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
    sc = load_scenario(DEFAULT)
    d = sc.scenario.model_dump(mode="json")
    # Busy mutual aid: days of full load on both pools, above the reserve's 30 days.
    d["transfers"].update(
        enabled=True,
        basis="daily_max",
        request_below_days=34,
        request_up_to_days=36,
        donor_keeps_days=40,
        from_reserve=True,
    )
    r = run(loaded(d, base_dir=ROOT / "configs"), replications=3)
    check_invariants(r)
    df = r.daily
    assert df["transfer_out"].sum() > 0
    gave = df[df["transfer_out"] > 0]
    daily_max = r.per_replication.set_index(["replication", "city", "item"])["daily_max"]
    floor = (
        40
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


def _rescue_case(transfers_on: bool) -> dict:
    # a: 1,000 a day, b: 100 a day (0.1 per health worker), both 15,000 on hand, 65 km apart (1 day
    # on the road), one pool, no procurement, no noise; the default thresholds on the burn rate.
    return base_dict(
        horizon_days=30,
        cities=[
            {**CITY, "id": "a", "health_workers": 10_000, "stock": {"x": 15_000}, "lat": 36.6702, "lon": 117.0207},
            {
                **CITY,
                "id": "b",
                "name": "B",
                "health_workers": 1_000,
                "stock": {"x": 15_000},
                "lat": 36.2004,
                "lon": 117.0870,
            },
        ],
        distances={"road_factor": 1.25},
        transfers={"enabled": transfers_on},
    )


def test_a_calm_city_rescues_an_outbreak_city_and_keeps_its_floor():
    without, with_tr = simulate(_rescue_case(False)), simulate(_rescue_case(True))
    unmet_without = series(without, "unmet", "a").sum()
    unmet_with = series(with_tr, "unmet", "a").sum()
    # Alone, a runs out after day 14: days 15..29 lose 1,000 each.
    assert unmet_without == 15_000
    # Day 5: a holds 15,000 - 6 x 1,000 = 9,000 < 10 days x its burn rate 1,000, and asks for
    # 20 x 1,000 - 9,000 = 11,000; b holds 15,000 - 600 = 14,400 and may give 14,400 - 25 x 100 =
    # 11,900: it gives 11,000, arriving on day 6. Day 15: a asks again (19,000 - 10,000 = 9,000) but
    # b holds 3,400 - 1,000 = 2,400, below its floor: nothing. So a gets 26,000 of 30,000.
    assert series(with_tr, "transfer_out", "b").tolist() == [11_000 if t == 5 else 0 for t in range(30)]
    assert unmet_with == 4_000 and unmet_with < unmet_without / 2
    # b never gives below its floor (25 days x 100) and never runs short itself.
    b_on_hand, b_out = series(with_tr, "on_hand", "b"), series(with_tr, "transfer_out", "b")
    assert np.all(b_on_hand[b_out > 0] >= 25 * 100) and series(with_tr, "unmet", "b").sum() == 0
    # Stock is conserved: what is left + what was used = 30,000, every day (nothing on the road at night's end
    # except day 5's shipment, which arrives on day 6).
    df = with_tr.daily.sort_values("day")
    left = df.groupby("day")["on_hand"].sum() + df.groupby("day")["transfer_out"].sum()
    used = df.groupby("day")["served"].sum().cumsum()
    np.testing.assert_allclose((left + used).to_numpy(), 30_000)
    check_invariants(with_tr)


@pytest.mark.parametrize("seed", range(6))
def test_no_city_gives_and_receives_an_item_within_the_cooldown(seed):
    rng = np.random.default_rng(seed)
    n = 4
    below = float(rng.integers(5, 15))
    up_to = below + float(rng.integers(0, 10))
    cooldown = int(rng.integers(1, 10))
    cities = [
        {
            **CITY,
            "id": f"c{k}",
            "name": f"C{k}",
            "health_workers": int(rng.integers(100, 5_000)),
            "stock": {"x": int(rng.integers(0, 20_000))},
            "lat": 36.0 + float(rng.uniform(0, 1)),
            "lon": 117.0 + float(rng.uniform(0, 1)),
        }
        for k in range(n)
    ]
    d = base_dict(
        horizon_days=60,
        replications=3,
        cities=cities,
        demand={"noise": "poisson"},
        transfers={
            "enabled": True,
            "basis": str(rng.choice(["burn_rate", "daily_max"])),
            "request_below_days": below,
            "request_up_to_days": up_to,
            "donor_keeps_days": up_to + float(rng.integers(0, 5)),
            "cooldown_days": cooldown,
            "matching": str(rng.choice(["nearest_first", "largest_surplus_first"])),
        },
    )
    r = simulate(d)
    ev = r.events
    out = ev[ev["kind"] == "transfer_out"]
    assert len(out) > 0  # the case is not empty
    gave = out[["replication", "city", "item", "time"]].astype({"city": str})
    got = out[["replication", "counterpart", "item", "time"]].rename(columns={"counterpart": "city"})
    got = got.astype({"city": str})
    got["city"] = [cities[int(c)]["id"] if c.isdigit() else c for c in got["city"]]
    both = gave.merge(got, on=["replication", "city", "item"], suffixes=("_gave", "_got"))
    # A city that received an item does not give it, nor one that gave it ask, within the cooldown:
    # so no pair ships it back and forth within that time either.
    assert (abs(both["time_gave"] - both["time_got"]) >= cooldown).all()
    check_invariants(r)


def test_thresholds_that_would_make_donors_ask_back_are_refused():
    d = _rescue_case(True)
    d["transfers"].update(request_below_days=10, request_up_to_days=20, donor_keeps_days=15)
    with pytest.raises(ConfigError) as err:
        parse_scenario(d, "<test>")
    assert err.value.path == "transfers.donor_keeps_days" and err.value.value == 15
    assert "request_up_to_days (20)" in str(err.value)


def _locked_reserve_case(transfers_on: bool) -> dict:
    # a: 100 in working stock and a full reserve of 1,000 that no declared level releases; b: 5,000 in
    # working stock; both use 10 a day, 65 km apart (1 day on the road), no procurement, no noise.
    return base_dict(
        horizon_days=30,
        reserve={"pools": "separate", "release": {"at_level": "IV", "when_working_out": False}},
        cities=[
            {**CITY, "id": "a", "stock": {"x": 100}, "reserve": {"x": 1_000}, "lat": 36.6702, "lon": 117.0207},
            {
                **CITY,
                "id": "b",
                "name": "B",
                "stock": {"x": 5_000},
                "reserve": {"x": 0},
                "lat": 36.2004,
                "lon": 117.0870,
            },
        ],
        distances={"road_factor": 1.25},
        transfers={"enabled": transfers_on},
    )


def test_a_city_whose_reserve_is_locked_asks_on_its_working_stock():
    """With no level declared, a's reserve may not serve its demand, so it does not count towards
    a's cover: a asks on its working stock alone. Day 0: 100 - 10 = 90 < 10 days x 10, so a asks
    for 20 x 10 - 90 = 110, which b gives (5,000 - 10 - 25 x 10 is to spare). Alone, a runs out
    on day 10 and loses 10 a day on days 10..29 while its reserve of 1,000 stays untouched."""
    without, with_tr = simulate(_locked_reserve_case(False)), simulate(_locked_reserve_case(True))
    assert series(without, "unmet", "a").sum() == 200
    assert series(with_tr, "transfer_out", "b")[0] == 110
    assert series(with_tr, "unmet", "a").sum() == 0
    np.testing.assert_allclose(series(with_tr, "reserve_on_hand", "a"), 1_000)  # the reserve is kept whole
    check_invariants(with_tr)


def _part_on_the_way_case(ordering: str) -> dict:
    """a (the lead city: the joint centre) holds 1,000, b 65 km away (a day's carriage) holds 110;
    both use 10 a day. On day 0 b's stock (100 after the day) is at its reorder point, 10 days:
    it orders up to 30 days, 200, bought by the centre, shipped at once, at the centre on day 2,
    at b on day 3. On day 1 b has 90, under the 10 days at which it asks for a transfer."""
    d = _transfer_case(1.0, request_below_days=10)
    d["horizon_days"] = 6
    d["cities"][0]["stock"] = {"x": 1000}
    d["cities"][1].update(stock={"x": 110}, health_workers=100)
    d["suppliers"] = [{"id": "s", "lead_time_days": 2, "capacity_per_day": {"x": 10_000}}]
    d["procurement"] = {
        "mode": "joint",
        "basis": "daily_max",
        "review_every_days": 100,
        "reorder_point_days": 10,
        "order_up_to_days": 30,
        "joint": {"ordering": ordering, "allocation": "population"},
    }
    return d


def test_a_citys_part_of_the_centres_shipment_counts_as_coming_to_it():
    r = simulate(_part_on_the_way_case("combined"))
    check_invariants(r)
    assert series(r, "received", "b")[3] == 200  # its part, carried on from the centre
    # On day 1 b sees 90 on hand + its 200 reaching it on day 3 = 29 days of cover: it asks for nothing.
    assert r.daily["transfer_out"].sum() == 0 and r.daily["transfer_in"].sum() == 0
    # The same shipment bought by pooled ordering is nobody's until the centre allocates it on day 2:
    # b asks on day 1 for 20 days of cover, 200 - 90 = 110, and a gives it.
    pooled = simulate(_part_on_the_way_case("pooled"))
    assert series(pooled, "transfer_out", "a")[1] == 110
