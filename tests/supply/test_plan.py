"""The purchase plan's arithmetic on tests/data/plan-two-cities.yaml, every number worked out by hand
in that file's comments and here; and the required reserve against a run's own."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import ROOT, deep_update, loaded, three_cities

from stocksim.experiment.run import run
from stocksim.scenario import ConfigError, load_scenario
from stocksim.supply.plan import lots_on_day, purchase_plan
from stocksim.supply.reserve import meets

TWO_CITIES = ROOT / "tests" / "data" / "plan-two-cities.yaml"
X, Y = 0, 1


@pytest.fixture(scope="module")
def two_cities():
    return load_scenario(TWO_CITIES)


def test_day_0_by_hand(two_cities):
    plan = purchase_plan(two_cities, 0)
    # required = 30 days x routine use (workers x rate): a 10 x/day, 5 y/day; b 20, 10
    assert plan.required.tolist() == [[300.0, 150.0], [600.0, 300.0]]
    assert plan.circle_required.tolist() == [900.0, 450.0]
    # physical: a's reserve x 100 + its lot of 50 (expires day 40, rotation 10 days before: still in on day 0)
    assert plan.physical.tolist() == [[150.0, 150.0], [200.0, 100.0]]
    assert plan.depot_physical.tolist() == [100.0, 0.0]
    assert plan.agreements_counted.tolist() == [[100.0, 0.0], [350.0, 0.0]]
    gap, physical_gap = plan.gaps()
    # a.x: 300 - 250 = 50; floor 150 <= 150. b.x: 600 - 550 = 50; floor 300 - 200 = 100.
    # b.y: 300 - 100 = 200; floor 150 - 100 = 50.
    assert gap.tolist() == [[50.0, 0.0], [50.0, 200.0]]
    assert physical_gap.tolist() == [[0.0, 0.0], [100.0, 50.0]]
    assert plan.to_buy().tolist() == [[50.0, 0.0], [100.0, 200.0]]
    # the circle as one reserve: x 150 + 200 + depot 100 + agreements 450 = 900 (none short); y 450 - 250
    circle_gap, circle_physical_gap = plan.gaps(circle=True)
    assert circle_gap.tolist() == [0.0, 200.0]
    assert circle_physical_gap.tolist() == [0.0, 0.0]


def test_prices_cheapest_supplier_and_highest_disruption(two_cities):
    prices = purchase_plan(two_cities, 0).prices
    # x: s2 at 2.5 beats s1 at 3.0; y: only s1 carries it, at 12. Highest price factor: s1's 4 (s2's is 2).
    assert prices.supplier == ("s2", "s1")
    assert prices.normal.tolist() == [2.5, 12.0]
    assert prices.crisis.tolist() == [10.0, 48.0]
    assert prices.crisis_factor == 4.0
    assert prices.stock_value.tolist() == [2.0, 10.0]  # items[].unit_cost_cny


def test_day_35_after_rotation(two_cities):
    """On day 35 a's lot of 50 x (expires day 40) has rotated out (40 - 35 <= 10): a.x physical 100,
    counted 200, gap 100, floor 150 - 100 = 50, to buy 100; the working lot (day 25) is gone."""
    plan = purchase_plan(two_cities, 35)
    assert plan.physical[0].tolist() == [100.0, 150.0]
    gap, physical_gap = plan.gaps()
    assert (gap[0, X], physical_gap[0, X]) == (100.0, 50.0)
    assert plan.to_buy()[0].tolist() == [100.0, 0.0]
    lots = {(lot.pool, lot.expires_day): lot.units for lot in plan.lots if lot.location == 0 and lot.item == X}
    assert lots == {("reserve", 1000): 100.0, ("working", 40): 50.0, ("working", 1000): 30.0}


def test_lots_on_day_0(two_cities):
    """Where each opening lot is on day 0 and when it leaves what the rule counts."""
    s = two_cities.scenario
    lots = {(lot.location, lot.item, lot.pool, lot.expires_day): lot for lot in lots_on_day(s, 0)}
    rotating = lots[(0, X, "reserve", 40)]
    assert (rotating.counted, rotating.leaves_day, rotating.units) == (True, 30, 50.0)
    working = lots[(0, X, "working", 25)]
    assert (working.counted, working.leaves_day, working.units) == (False, 25, 20.0)
    depot = lots[(2, X, "depot", 1000)]  # opening stock counts as new: it expires shelf_life days later
    assert (depot.counted, depot.units) == (True, 100.0)


def test_leaving_within_the_horizon(two_cities):
    units, first = purchase_plan(two_cities, 0).leaving()
    assert units.tolist() == [[50.0, 0.0], [0.0, 0.0]]
    assert first.tolist() == [[30, -1], [-1, -1]]


def test_buying_the_plan_passes_the_compliance_test_and_one_unit_less_does_not(two_cities):
    plan = purchase_plan(two_cities, 0)
    buy, share = plan.to_buy(), plan.min_physical_share
    for c, i in np.ndindex(buy.shape):
        args = (plan.required[c, i], plan.agreements_counted[c, i], share)
        assert meets(plan.physical[c, i] + buy[c, i], *args)
        if buy[c, i] > 0:
            assert not meets(plan.physical[c, i] + buy[c, i] - 1, *args)


def test_agreements_not_counted():
    """Without counts_agreements the agreements are held but count for nothing: a.x gap 300 - 150 = 150."""
    d = _two_cities_dict(counts_agreements=False)
    plan = purchase_plan(loaded(d, ROOT / "tests" / "data"), 0)
    assert plan.agreements[:, X].tolist() == [100.0, 350.0]
    assert plan.agreements_counted.sum() == 0.0
    assert plan.gaps()[0][:, X].tolist() == [150.0, 400.0]


def _two_cities_dict(**reserve) -> dict:
    d = yaml.safe_load(TWO_CITIES.read_text(encoding="utf-8"))
    return deep_update(d, {"reserve": reserve})


@pytest.mark.parametrize("day", [-1, 60, 1000])
def test_a_day_outside_the_horizon_is_refused(two_cities, day):
    with pytest.raises(ConfigError, match=r"--day: must be a day of the horizon, 0 to 59 \(value: "):
        purchase_plan(two_cities, day)


def test_peak_reading_is_the_runs_own():
    """The plan's required reserve under ``peak`` is the pilot's, as a run of the same seed has it."""
    d = deep_update(three_cities(), {"reserve": {"daily_max": "peak", "peak_pilot": 20}, "replications": 2})
    ls = loaded(d)
    plan = purchase_plan(ls, 0)
    summary = run(ls).summary.set_index(["city", "item"])
    for c, city in enumerate(ls.scenario.city_ids):
        assert plan.required[c, 0] == pytest.approx(summary.loc[(city, "x"), "required_reserve"], rel=1e-12)
    assert plan.required.sum() > 0


def test_full_load_with_uncertain_surge_beds_averages_the_runs_draws():
    """Full load reads each replication's drawn surge beds: the plan's required reserve is the mean
    of the run's per-replication requirement, and the draws' range is kept."""
    levels = [{"level": "I", "enter_at": 5, "exit_below": 1, "surge_beds": {"dist": "uniform", "low": 10, "high": 50}}]
    d = deep_update(
        three_cities(),
        {
            "reserve": {"daily_max": "full_load", "coverage_days": 3},
            "replications": 4,
            "response": {"levels": levels},
            "demand": {"per_patient_day": {"severe": {"x": 2.0}}},
        },
    )
    ls = loaded(d)
    plan = purchase_plan(ls, 0)
    reps = run(ls).per_replication
    per_rep = reps[reps["city"] != "ALL"].pivot_table(index="replication", columns="city", values="required_reserve")
    expected = per_rep[ls.scenario.city_ids].mean().to_numpy()
    assert plan.required[:, 0] == pytest.approx(expected, rel=1e-12)
    assert (plan.daily_max_high[:, 0] > plan.daily_max_low[:, 0]).all()
