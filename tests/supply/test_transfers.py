"""联供: lateral transfers between cities and shipments from depots, on the road for the road time."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT, ROOT, base_dict, check_invariants, loaded, simulate

from stocksim.experiment.run import run
from stocksim.scenario import load_scenario

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
    d["transfers"]["enabled"] = True
    d["transfers"]["donor_keeps_days"] = 25
    d["transfers"]["request_below_days"] = 28  # busy mutual aid
    r = run(loaded(d, base_dir=ROOT / "configs"), replications=3)
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
