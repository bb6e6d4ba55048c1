"""The three readings of the daily upper limit, and the circle-wide requirement."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DEFAULT, base_dict, loaded, simulate

from stocksim.experiment.run import run
from stocksim.scenario import load_scenario


def _with_patients(daily_max: str, **reserve) -> dict:
    city = base_dict()["cities"][0]
    return base_dict(
        horizon_days=5,
        reserve={"coverage_days": 30, "daily_max": daily_max, **reserve},
        cities=[
            {
                **city,
                "id": "a",
                "designated_beds": 200,
                "designated_icu_share": 0.25,
                "health_workers": 1000,
            },
            {
                **city,
                "id": "b",
                "name": "B",
                "designated_beds": 40,
                "designated_icu_share": 0.0,
                "health_workers": 10,
            },
        ],
        demand={
            "routine_per_health_worker_day": {"x": 0.5},
            "per_patient_day": {"mild": {"x": 1.0}, "severe": {"x": 2.0}, "icu": {"x": 4.0}},
        },
    )


def _required(r, city):
    row = r.summary[(r.summary["city"] == city) & (r.summary["item"] == "x")]
    return float(row["required_reserve"].iloc[0])


def test_full_load_counts_designated_beds_at_severe_and_icu_rates_plus_routine_use():
    r = simulate(_with_patients("full_load"))
    # a: 200 beds, 150 severe x 2 + 50 ICU x 4 = 500, plus 1000 workers x 0.5 = 500 -> 1000/day.
    assert _required(r, "a") == pytest.approx(30 * 1000)
    # b: 40 severe x 2 + 10 x 0.5 = 85/day.
    assert _required(r, "b") == pytest.approx(30 * 85)
    assert _required(r, "ALL") == pytest.approx(30 * 1085)


def test_declared_takes_the_commissions_table():
    r = simulate(_with_patients("declared", declared={"a": {"x": 7}, "b": {"x": 3}}))
    assert _required(r, "a") == 210 and _required(r, "b") == 90 and _required(r, "ALL") == 300


def test_peak_is_the_highest_expected_day_and_the_circle_peak_is_not_the_sum(tmp_path):
    # City a peaks on day 1, b on day 3: the circle's peak day is lower than the sum of peaks.
    census = "day,city,mild,severe,icu,swabs\n1,a,100,0,0,0\n3,b,0,60,0,0\n"
    (tmp_path / "c.csv").write_text(census)
    d = _with_patients("peak")
    d["epidemic"] = {"model": "census", "file": "c.csv"}
    r = run(loaded(d, base_dir=tmp_path))
    routine_a, routine_b = 500.0, 5.0
    assert _required(r, "a") == pytest.approx(30 * (routine_a + 100))
    assert _required(r, "b") == pytest.approx(30 * (routine_b + 120))
    circle = 30 * max(routine_a + routine_b + 100, routine_a + routine_b + 120)  # day 1 or day 3
    assert _required(r, "ALL") == pytest.approx(circle)
    assert _required(r, "ALL") < _required(r, "a") + _required(r, "b")


def test_default_scenario_full_load_matches_a_hand_calculation():
    """Jinan, N95: 1880 designated beds with 17 % ICU at 2.28 and 4.09 a patient-day, plus
    115,200 health workers at 0.05 a day, times 30 days."""
    r = run(load_scenario(DEFAULT), replications=1, keep_daily=False)
    row = r.summary[(r.summary["city"] == "jinan") & (r.summary["item"] == "n95_respirator")]
    expected = 30 * (1880 * (0.83 * 2.28 + 0.17 * 4.09) + 115200 * 0.05)
    assert float(row["required_reserve"].iloc[0]) == pytest.approx(expected)
    assert np.isclose(float(row["initial_days_of_cover"].iloc[0]), 404000 / (expected / 30))
