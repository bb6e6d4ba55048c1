"""Sensitivity: the tornado's numbers by hand, an input that cannot move a metric has no effect
and ranks last, and Sobol' indices through the one code path match SALib's documented values."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import base_dict, loaded

from stocksim.experiment.inputs import Input, find_inputs
from stocksim.experiment.sensitivity import Metric, parse_metrics, sobol, sobol_indices, tornado
from stocksim.scenario import ConfigError

PRICE = {"dist": "uniform", "low": 1, "high": 3}  # 5th, 50th, 95th percentiles: 1.1, 2.0, 2.9


def _price_and_rate(rate: dict, noise: str = "none", stock: float = 100):
    """One city of 100 health workers, one item at an uncertain price, an uncertain rate of use a
    worker-day, no procurement, 30 days."""
    d = base_dict(
        items=[{"id": "x", "name": "X", "shelf_life_days": 10_000, "unit_cost_cny": PRICE}],
        demand={"noise": noise, "routine_per_health_worker_day": {"x": rate}},
    )
    d["cities"][0]["stock"] = {"x": stock}
    return loaded(d)


def _rows(table, metric, path):
    sel = table[(table["metric"] == metric) & (table["input"] == path)]
    return {row["end"]: row for _, row in sel.iterrows()}


PRICE_PATH, RATE_PATH = "items[0].unit_cost_cny", "demand.routine_per_health_worker_day.x"


def test_tornado_by_hand():
    """Use 100 x rate a day from 100 units for 30 days: unmet = 3000 x rate - 100, i.e. 230, 500 and
    770 at the rate's 5th, 50th and 95th percentiles (0.11, 0.2, 0.29); with nothing bought and
    nothing left, net cost = the opening stock's value 100 x price: 110, 200, 290."""
    sc = _price_and_rate({"dist": "uniform", "low": 0.1, "high": 0.3})
    metrics = parse_metrics("unmet,net_cost", sc.scenario)
    t = tornado(sc, find_inputs(sc.scenario), metrics, replications=2)
    assert t.runs == 5
    rate = _rows(t.table, "unmet", RATE_PATH)
    assert (rate["low"]["value"], rate["low"]["base"], rate["high"]["value"]) == pytest.approx((230, 500, 770))
    assert (rate["low"]["effect"], rate["high"]["effect"]) == pytest.approx((-270, 270))
    assert (rate["low"]["input_value"], rate["high"]["input_value"]) == pytest.approx((0.11, 0.29))
    assert rate["low"]["rank"] == 1 and rate["low"]["percentile"] == 5 and rate["high"]["percentile"] == 95
    price = _rows(t.table, "net_cost", PRICE_PATH)
    assert (price["low"]["value"], price["high"]["value"]) == pytest.approx((110, 290))
    assert price["low"]["rank"] == 1
    for metric, path in (("unmet", PRICE_PATH), ("net_cost", RATE_PATH)):  # each metric's other input
        ends = _rows(t.table, metric, path)
        assert [ends[e]["effect"] for e in ("low", "high")] == [0, 0] and ends["low"]["rank"] == 2


def test_an_input_that_cannot_move_the_metric_has_no_effect_and_ranks_last():
    """Poisson use of mean 100 x rate a day from 200 units: the rate moves the chance of running
    out (0.052 a worker-day: 156 units expected in 30 days; 0.088: 264); the price cannot. On
    common random numbers the price's effect is 0 in every replication, so 0 lies in its interval,
    and it ranks last; the rate's intervals exclude 0."""
    sc = _price_and_rate({"dist": "uniform", "low": 0.05, "high": 0.09}, noise="poisson", stock=200)
    metrics = parse_metrics("p_stockout,unmet", sc.scenario)
    inputs = find_inputs(sc.scenario)
    assert [i.path for i in inputs] == [PRICE_PATH, RATE_PATH]  # the price first: its rank is earned
    t = tornado(sc, inputs, metrics, replications=40)
    for metric in ("p_stockout", "unmet"):
        price, rate = _rows(t.table, metric, PRICE_PATH), _rows(t.table, metric, RATE_PATH)
        for end in ("low", "high"):
            assert price[end]["effect_low"] <= 0 <= price[end]["effect_high"]
            assert price[end]["effect"] == 0
        assert price["low"]["rank"] == 2 and rate["low"]["rank"] == 1
        assert rate["low"]["effect_high"] < 0 < rate["high"]["effect_low"]
    stockout = _rows(t.table, "p_stockout", RATE_PATH)
    assert stockout["low"]["value"] < 0.1 and stockout["high"]["value"] > 0.9


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990), as SALib.test_functions.Ishigami."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    """SALib's documented values for x1, x2, x3 uniform on [-pi, pi]: S1 0.314, 0.442, 0.0 and
    ST 0.558, 0.442, 0.244 (analytic), through the code that analyses the simulator (the model is
    an argument); each within 0.03 and inside SALib's 95 % interval."""
    inputs = [Input(f"x{k}", -np.pi, 0.0, np.pi, "vary", "") for k in (1, 2, 3)]
    result = sobol_indices(ishigami, inputs, ["y"], n=4096, seed=1)
    assert result.runs == 4096 * 5
    table = result.table.set_index(["input", "index"])
    expected = {"S1": (0.314, 0.442, 0.0), "ST": (0.558, 0.442, 0.244)}
    for index, values in expected.items():
        for k, value in enumerate(values):
            row = table.loc[(f"x{k + 1}", index)]
            assert row["estimate"] == pytest.approx(value, abs=0.03)
            assert row["low"] <= value <= row["high"]
    assert list(table.xs("ST", level="index")["rank"]) == [1, 2, 3]


def test_sobol_on_the_simulator():
    """Unmet use = 3000 x rate - 100 whatever the price: the price's indices are exactly 0 (its
    column never changes the output), the rate's total index near 1; the chance of running out
    is 1 in every run, so it has no indices."""
    sc = _price_and_rate({"dist": "uniform", "low": 0.1, "high": 0.3})
    metrics = parse_metrics("unmet,p_stockout", sc.scenario)
    result = sobol(sc, find_inputs(sc.scenario), metrics, n=8, replications=1)
    assert result.runs == 8 * 4
    t = result.table.set_index(["metric", "input", "index"])
    assert t.loc[("unmet", PRICE_PATH, "S1"), "estimate"] == 0 and t.loc[("unmet", PRICE_PATH, "ST"), "estimate"] == 0
    assert t.loc[("unmet", RATE_PATH, "ST"), "estimate"] > 0.8
    assert result.outputs_vary == {"unmet": True, "p_stockout": False}
    assert result.table.loc[result.table["metric"] == "p_stockout", "estimate"].isna().all()


def test_metrics_are_parsed_and_checked():
    s = _price_and_rate(0.1).scenario
    assert parse_metrics("p_stockout, fill_rate@a, unmet@ALL/x", s) == [
        Metric("p_stockout"),
        Metric("fill_rate", "a"),
        Metric("unmet", "ALL", "x"),
    ]
    assert [m.label for m in parse_metrics("unmet@a/x,net_cost", s)] == ["unmet@a/x", "net_cost"]
    for bad, needle in (("p_stockot", "unknown metric"), ("unmet@b", "unknown city"), ("unmet@a/y", "unknown item")):
        with pytest.raises(ConfigError, match=needle):
            parse_metrics(bad, s)
