"""The tidy tables' costs: holding cost, the stock's value at the start and the end, and net cost,
by hand on tiny scenarios and as identities on every row of random small ones."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import DEFAULT, base_dict, simulate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocksim.results.tables import DailyColumns
from stocksim.scenario import load_scenario
from stocksim.supply.batch import Simulator

COST_COLUMNS = ["holding_cost", "opening_stock_value", "closing_stock_value", "net_cost"]


def _row(r, city: str, item: str = "x", replication: int = 0):
    df = r.per_replication
    sel = (df["city"] == city) & (df["item"] == item) & (df["replication"] == replication)
    return df.loc[sel].iloc[0]


def test_a_stock_that_never_moves_costs_one_years_rate_over_a_year():
    # No demand, no procurement: 1000 coveralls at 13.5 CNY in a city and 400 in a depot, held
    # still for 365 days at 10 % a year, cost exactly stock x unit cost x rate.
    d = base_dict(
        horizon_days=365,
        items=[{"id": "x", "name": "X", "shelf_life_days": 10_000, "unit_cost_cny": 13.5}],
        cities=[{**base_dict()["cities"][0], "health_workers": 0, "stock": {"x": 1000}}],
        depots=[{"id": "dep", "city": "a", "stock": {"x": 400}}],
        costs={"holding_rate_per_year": 0.1},
    )
    r = simulate(d)
    for place, stock in (("a", 1000), ("dep", 400), ("ALL", 1400)):
        row = _row(r, place)
        assert row["holding_cost"] == pytest.approx(stock * 13.5 * 0.1, abs=1e-9)
        assert row["opening_stock_value"] == row["closing_stock_value"] == stock * 13.5
        assert row["net_cost"] == pytest.approx(stock * 13.5 * 0.1, abs=1e-9)  # nothing bought, nothing used
    daily = r.daily[r.daily["city"] == "a"]
    assert len(daily) == 365 and (daily["on_hand"] == 1000).all()
    np.testing.assert_allclose(daily["holding_cost"], 1000 * 13.5 * 0.1 / 365, rtol=1e-12)
    assert daily["holding_cost"].sum() == pytest.approx(1000 * 13.5 * 0.1, abs=1e-9)


def test_opening_and_closing_stock_value_and_net_cost_by_hand():
    # City a: 100 new units and a lot of 50 expiring on day 3, 10 used a day, FEFO, unit cost 2,
    # 36.5 % a year (0.1 % a day). Closing stock: day 0 140 (lot 40), 130, 120, day 3 the lot's
    # last 20 written off then 10 used: 90, day 4 80. A depot holds 40 untouched (no city asks).
    d = base_dict(
        horizon_days=5,
        items=[{"id": "x", "name": "X", "shelf_life_days": 10_000, "unit_cost_cny": 2.0}],
        cities=[
            {**base_dict()["cities"][0], "stock": {"x": 100}, "lots": [{"item": "x", "quantity": 50, "expires_day": 3}]}
        ],
        depots=[{"id": "dep", "city": "a", "stock": {"x": 40}}],
        transfers={"request_below_days": 0, "request_up_to_days": 0},
        costs={"holding_rate_per_year": 0.365},
    )
    r = simulate(d)
    np.testing.assert_allclose(r.daily.query("city == 'a'")["on_hand"], [140, 130, 120, 90, 80])
    np.testing.assert_allclose(
        r.daily.query("city == 'a'")["holding_cost"], [0.28, 0.26, 0.24, 0.18, 0.16], rtol=1e-12
    )  # on hand x 2 CNY x 0.001
    expected = {  # opening value, closing value, holding = stock-days x 2 x 0.001, net
        "a": (150 * 2, 80 * 2, (140 + 130 + 120 + 90 + 80) * 2 * 0.001),
        "dep": (40 * 2, 40 * 2, 5 * 40 * 2 * 0.001),
    }
    expected["ALL"] = tuple(x + y for x, y in zip(expected["a"], expected["dep"], strict=True))
    for place, (opening, closing, holding) in expected.items():
        row = _row(r, place)
        assert row["opening_stock_value"] == pytest.approx(opening, rel=1e-12)
        assert row["closing_stock_value"] == pytest.approx(closing, rel=1e-12)
        assert row["holding_cost"] == pytest.approx(holding, rel=1e-12)
        assert row["net_cost"] == pytest.approx(holding - (closing - opening), rel=1e-12)
    a = _row(r, "a")
    assert a["net_cost"] == pytest.approx(141.12, rel=1e-12)  # 1.12 holding + 140 of stock used or written off
    assert a["total_cost"] == pytest.approx(40.0)  # only the 20 written off: it does not count the 100 used


def test_stock_is_valued_at_each_replications_drawn_unit_cost():
    # An uncertain price: each replication values its stock, and its write-offs, at its own draw.
    d = base_dict(
        replications=4,
        items=[
            {
                "id": "x",
                "name": "X",
                "shelf_life_days": 10_000,
                "unit_cost_cny": {"dist": "uniform", "low": 1, "high": 9},
            }
        ],
        cities=[{**base_dict()["cities"][0], "lots": [{"item": "x", "quantity": 50, "expires_day": 2}]}],
    )
    reps = simulate(d).per_replication.query("city == 'a'")
    price = reps["opening_stock_value"] / reps["initial_on_hand"]
    np.testing.assert_allclose(price, reps["expired_value"] / reps["expired"], rtol=1e-12)
    np.testing.assert_allclose(reps["closing_stock_value"], reps["final_on_hand"] * price, rtol=1e-12)
    assert price.nunique() == 4 and price.between(1, 9).all()
    assert (reps["holding_cost"] == 0).all()  # the default rate


@st.composite
def costed_scenarios(draw):
    """One or two cities and items, maybe a depot, purchases at their own price with a volume
    discount, transfers with a transport cost, lots that expire, an uncertain unit cost, a rate."""
    n_cities, n_items = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ids = [f"i{j}" for j in range(n_items)]
    items = [
        {
            "id": i,
            "name": i,
            "shelf_life_days": draw(st.integers(2, 40)),
            "unit_cost_cny": {"dist": "uniform", "low": 0.5, "high": 5},
        }
        for i in ids
    ]
    cities = [
        {
            **base_dict()["cities"][0],
            "id": f"c{k}",
            "lat": 36.0 + k,
            "health_workers": draw(st.integers(0, 300)),
            "stock": {i: draw(st.integers(0, 300)) for i in ids},
            "lots": [
                {
                    "item": draw(st.sampled_from(ids)),
                    "quantity": draw(st.integers(0, 200)),
                    "expires_day": draw(st.integers(0, 20)),
                }
            ],
        }
        for k in range(n_cities)
    ]
    depots = (
        [{"id": "dep", "city": "c0", "stock": {i: draw(st.integers(0, 500)) for i in ids}}]
        if draw(st.booleans())
        else []
    )
    d = base_dict(
        horizon_days=draw(st.integers(5, 30)),
        replications=draw(st.integers(1, 3)),
        seed=draw(st.integers(0, 2**32)),
        items=items,
        cities=cities,
        depots=depots,
        suppliers=[
            {
                "id": "s",
                "lead_time_days": draw(st.integers(1, 6)),
                "capacity_per_day": {i: draw(st.integers(0, 300)) for i in ids},
                "unit_cost_cny": {i: draw(st.floats(0.1, 10)) for i in ids},
            }
        ],
        procurement={
            "mode": draw(st.sampled_from(["none", "independent", "joint"])),
            "review_every_days": draw(st.integers(1, 4)),
            "reorder_point_days": 5,
            "order_up_to_days": 12,
            "volume_discounts": [{"min_quantity": 50, "discount": 0.1}],
        },
        transfers={"enabled": draw(st.booleans()), "cost_per_unit_km": 0.01},
        costs={"holding_rate_per_year": draw(st.floats(0, 2))},
    )
    d["demand"] = {"noise": "poisson", "routine_per_health_worker_day": {i: draw(st.floats(0, 1)) for i in ids}}
    return d


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(costed_scenarios())
def test_net_cost_identities_hold_on_every_row_of_random_small_scenarios(d):
    r = simulate(d)
    reps, daily = r.per_replication, r.daily
    rate = d["costs"]["holding_rate_per_year"]
    # The definition, on every row (cities, depots and ALL).
    change = reps["closing_stock_value"] - reps["opening_stock_value"]
    np.testing.assert_allclose(
        reps["net_cost"], reps["purchase_cost"] + reps["transport_cost"] + reps["holding_cost"] - change, rtol=1e-12
    )
    # The stock's value moves with the stock balance, at the replication's unit cost.
    price = (reps["opening_stock_value"] + reps["closing_stock_value"]) / (
        reps["initial_on_hand"] + reps["final_on_hand"]
    )
    used = reps["served"] + reps["transfer_out"] - reps["transfer_in"] - reps["received"]
    scale = 1.0 + reps[["purchase_cost", "opening_stock_value", "closing_stock_value"]].abs().sum(axis=1)
    priced = price.notna()
    gap = reps["net_cost"] - (reps["total_cost"] + reps["holding_cost"] + price * used)
    assert (gap[priced].abs() <= 1e-9 * scale[priced]).all()
    # The per-replication holding cost is the daily one summed, and the daily one is on hand x
    # unit cost x rate / 365.
    keys = ["replication", "city", "item"]
    summed = daily.groupby(keys, observed=True)["holding_cost"].sum()
    places = reps[reps["city"] != "ALL"].set_index(keys)
    np.testing.assert_allclose(places["holding_cost"], summed.reindex(places.index), rtol=1e-9, atol=1e-12)
    stock_days = daily.groupby(keys, observed=True)["on_hand"].sum().reindex(places.index)
    unit = (places["opening_stock_value"] + places["closing_stock_value"]) / (
        places["initial_on_hand"] + places["final_on_hand"]
    )
    ok = unit.notna()
    np.testing.assert_allclose(places["holding_cost"][ok], (stock_days * unit * rate / 365)[ok], rtol=1e-9, atol=1e-12)
    circle = reps[reps["city"] == "ALL"].set_index(["replication", "item"])
    by_circle = places.groupby(["replication", "item"], observed=True)[COST_COLUMNS].sum()
    np.testing.assert_allclose(circle[COST_COLUMNS], by_circle.reindex(circle.index), rtol=1e-9, atol=1e-9)


def test_a_batchs_daily_columns_come_back_from_a_worker_as_the_same_plain_columns():
    # A batch's daily columns are made when read; pickled (as a worker sends them) they are all made.
    loaded = load_scenario(DEFAULT)
    b = Simulator(loaded).batch(loaded.scenario.seed, np.arange(2))
    cols = DailyColumns(loaded.scenario, b)
    back = pickle.loads(pickle.dumps(cols))
    assert type(back) is dict and list(back) == list(cols)
    for name, values in cols.items():
        assert back[name].dtype == values.dtype
        np.testing.assert_array_equal(back[name], values)
