"""The uncertain inputs of a scenario: found wherever they are, their ends, the scenario with
them fixed, and --vary refused clearly."""

from __future__ import annotations

import math

import pytest
from conftest import base_dict, loaded

from stocksim.experiment.inputs import Fixer, distributions, find_inputs, parse_vary
from stocksim.experiment.sweep import set_path
from stocksim.scenario import ConfigError
from stocksim.scenario.uncertain import is_uncertain

TRI = {"dist": "triangular", "low": 2, "mode": 2.4, "high": 3}
UNI = {"dist": "uniform", "low": 1, "high": 3}


def _scenario():
    """Distributions in four different places: an item's cost, a city's health workers, a
    response level's routine multiplier and a per-patient-day rate."""
    d = base_dict(
        items=[{"id": "x", "name": "X", "shelf_life_days": 10_000, "unit_cost_cny": UNI}],
        response={
            "levels": [{"level": "I", "enter_at": 1, "exit_below": 0.5, "routine_multiplier": TRI}],
            "schedule": [{"level": "I", "from_day": 5}],
        },
    )
    d["cities"][0]["health_workers"] = {"dist": "normal", "mean": 100, "sd": 5}
    d["demand"]["per_patient_day"] = {"severe": {"x": {"dist": "gamma", "mean": 2, "sd": 0.5}}}
    return loaded(d)


def test_every_distribution_is_found_with_its_path():
    s = _scenario().scenario
    assert [p for p, _ in distributions(s)] == [
        "items[0].unit_cost_cny",
        "cities[0].health_workers",
        "demand.per_patient_day.severe.x",
        "response.levels[0].routine_multiplier",
    ]


def test_ends_and_base_of_a_distribution_and_of_a_vary():
    s = _scenario().scenario
    inputs = {
        i.path: i for i in find_inputs(s, ["cities[0].stock.x=50:150", "response.levels[0].routine_multiplier=1:2"])
    }
    cost = inputs["items[0].unit_cost_cny"]
    assert (cost.low, cost.base, cost.high) == pytest.approx((1.1, 2.0, 2.9))
    assert cost.source == "distribution" and cost.drawn == "replication"
    stock = inputs["cities[0].stock.x"]
    assert (stock.low, stock.base, stock.high, stock.source) == (50, 100, 150, "vary")
    level = inputs["response.levels[0].routine_multiplier"]  # a --vary on a distribution takes its range
    assert (level.low, level.high, level.source) == (1, 2, "vary")
    assert level.base == pytest.approx(3 - math.sqrt(0.3))  # the distribution's median
    assert len(inputs) == 5
    assert cost.at([0.0, 1.0]) == pytest.approx([1.1, 2.9])  # between the 5th and 95th percentiles
    assert stock.at([0.25]) == pytest.approx([75.0])


def test_a_lead_time_is_drawn_per_shipment():
    d = base_dict(
        suppliers=[{"id": "s", "lead_time_days": {"dist": "gamma", "mean": 10, "sd": 3}, "capacity_per_day": {"x": 5}}]
    )
    (lead,) = find_inputs(loaded(d).scenario)
    assert (lead.path, lead.drawn) == ("suppliers[0].lead_time_days", "shipment")


def test_fixing_leaves_no_distribution_and_changes_only_the_inputs():
    sc = _scenario()
    fixer = Fixer(sc, find_inputs(sc.scenario, ["cities[0].stock.x=50:150"]))
    values = [1.5, 90.0, 2.5, 1.7, 120.0]
    s = fixer.at(values).scenario
    assert distributions(s) == []
    assert s.items[0].unit_cost_cny == 1.5 and s.cities[0].health_workers == 90.0
    assert s.demand.per_patient_day.severe["x"] == 2.5 and s.response.levels[0].routine_multiplier == 1.7
    assert s.cities[0].stock["x"] == 120.0
    assert not is_uncertain(s.cities[0].health_workers)
    fixed, given = s.model_dump(mode="json"), sc.scenario.model_dump(mode="json")
    for inp in fixer.inputs:  # blank the inputs' places: everything else is as given
        set_path(fixed, inp.path, None)
        set_path(given, inp.path, None)
    assert fixed == given


def test_a_whole_number_key_takes_whole_values():
    sc = loaded(base_dict())
    (inp,) = find_inputs(sc.scenario, ["horizon_days=20:40"])
    assert inp.whole and Fixer(sc, [inp]).at([27.6]).scenario.horizon_days == 28
    with pytest.raises(ConfigError, match="whole"):
        find_inputs(sc.scenario, ["horizon_days=20.5:40"])


def test_a_value_the_scenario_refuses_names_the_place():
    sc = loaded(base_dict())
    fixer = Fixer(sc, find_inputs(sc.scenario, ["cities[0].designated_icu_share=0:2"]))
    with pytest.raises(ConfigError, match=r"cities\[0\]\.designated_icu_share.*between 0 and 1"):
        fixer.at([2.0], "its high end")


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("epidemic.r0", "PATH=LOW:HIGH"),
        ("cities[0].stock.x=5", "PATH=LOW:HIGH"),
        ("cities[0].stock.x=a:b", "must be numbers"),
        ("cities[0].stock.x=5:5", "LOW < HIGH"),
        ("cities[0].stock.x=9:5", "LOW < HIGH"),
        ("cities[0].stok.x=1:5", "no such place"),
        ("cities[3].stock.x=1:5", "no such place"),
        ("cities[a].stock.x=1:5", "whole number"),
        ("transfers.enabled=0:1", "not a number"),
        ("items[0].unit_cost_cny.low=1:2", "parameter of a distribution"),
    ],
)
def test_bad_vary_is_refused(spec, needle):
    d = base_dict(items=[{"id": "x", "name": "X", "shelf_life_days": 10_000, "unit_cost_cny": UNI}])
    with pytest.raises(ConfigError, match="--vary") as err:
        find_inputs(loaded(d).scenario, [spec])
    assert needle in str(err.value)


def test_the_same_place_twice_is_refused():
    with pytest.raises(ConfigError, match="twice"):
        find_inputs(loaded(base_dict()).scenario, ["cities[0].stock.x=1:5", "cities[0].stock.x=2:6"])


def test_parse_vary():
    assert parse_vary(" epidemic.r0 =2:3.5") == ("epidemic.r0", 2.0, 3.5)
