"""The three readings of the daily upper limit, and the circle-wide requirement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT, base_dict, loaded, seir_dict, simulate, three_cities

from stocksim.experiment.backends import Backend
from stocksim.experiment.run import run
from stocksim.scenario import LEVEL_NAMES, load_scenario
from stocksim.supply.batch import Simulator
from stocksim.supply.reserve import compliant, meets


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
    """Jinan, N95, at full load of level I (the highest the default defines): 1880 designated and
    1500 surge beds with 17 % ICU at 2.28 and 4.09 a patient-day; 115,200 health workers at 0.714
    shifts a day, 3 % of them at protection level 2 with 2 N95 a shift, times level I's routine
    multiplier 1.8; 10 % of 9,202,432 residents swabbed a day at 0.0056 N95 a swab; times 30 days."""
    r = run(load_scenario(DEFAULT), replications=1, keep_daily=False)
    row = r.summary[(r.summary["city"] == "jinan") & (r.summary["item"] == "n95_respirator")]
    routine = 115200 * 0.714 * 0.03 * 2 * 1.8
    expected = 30 * ((1880 + 1500) * (0.83 * 2.28 + 0.17 * 4.09) + routine + 9202432 * 0.1 * 0.0056)
    assert float(row["required_reserve"].iloc[0]) == pytest.approx(expected)
    # the reserve held apart on day 0 (cities[].reserve): the requirement 683,493 rounded up to 1,000
    assert np.isclose(float(row["initial_days_of_cover"].iloc[0]), 684000 / (expected / 30))
    assert float(row["routine_share"].iloc[0]) == pytest.approx(30 * routine / expected)


# ---- full load at a response level: surge beds, routine multiplier, swabs ----------------------

LEVELS = [
    {
        "level": "II",
        "enter_at": 2,
        "exit_below": 1,
        "routine_multiplier": 1.5,
        "swab_share_per_day": 0.01,
        "surge_beds": 50,
    },
    {
        "level": "I",
        "enter_at": 5,
        "exit_below": 2.5,
        "routine_multiplier": 2.0,
        "swab_share_per_day": 0.02,
        "surge_beds": 100,
    },
]


def _full_load_at(level: str | None, surge_i=100, **epidemic) -> dict:
    """City a: 100,000 residents, 200 designated beds (25 % ICU), 1000 health workers; item x at
    0.5 a worker-day, 2 and 4 a severe and ICU patient-day, 0.1 a swab; levels II and I; an SEIR
    epidemic with no introductions unless given."""
    d = seir_dict(introductions=[], **epidemic)
    d["horizon_days"] = 5
    d["cities"] = [
        {
            **d["cities"][0],
            "population": 100_000,
            "designated_beds": 200,
            "designated_icu_share": 0.25,
            "health_workers": 1000,
        }
    ]
    d["demand"] = {
        "noise": "none",
        "routine_per_health_worker_day": {"x": 0.5},
        "per_patient_day": {"mild": {"x": 1.0}, "severe": {"x": 2.0}, "icu": {"x": 4.0}},
        "per_swab": {"x": 0.1},
    }
    d["response"] = {"levels": [LEVELS[0], {**LEVELS[1], "surge_beds": surge_i}]}
    d["reserve"] = {"coverage_days": 30, "daily_max": "full_load"}
    if level is not None:
        d["reserve"]["full_load_level"] = level
    return d


def _figures(r, city: str = "a") -> tuple[float, float]:
    row = r.per_replication[(r.per_replication["city"] == city) & (r.per_replication["item"] == "x")].iloc[0]
    return float(row["daily_max"]), float(row["routine_share"])


@pytest.mark.parametrize(
    ("level", "beds", "routine", "swabs"),
    [
        # none: 200 beds x (0.75 x 2 + 0.25 x 4) = 500; 1000 workers x 0.5 = 500; no swabs.
        ("none", 500.0, 500.0, 0.0),
        # II: (200 + 50) x 2.5 = 625; 1000 x 0.5 x 1.5 = 750; 100,000 x 0.01 x 0.1 = 100.
        ("II", 625.0, 750.0, 100.0),
        # I, given or by default (the highest level defined): 300 x 2.5; 1000 x 0.5 x 2; 100,000 x 0.02 x 0.1.
        ("I", 750.0, 1000.0, 200.0),
        (None, 750.0, 1000.0, 200.0),
    ],
)
def test_full_load_at_a_level_adds_its_surge_beds_routine_multiplier_and_swabs(level, beds, routine, swabs):
    r = simulate(_full_load_at(level))
    daily, share = _figures(r)
    assert daily == pytest.approx(beds + routine + swabs, rel=1e-12)
    assert share == pytest.approx(routine / (beds + routine + swabs), rel=1e-12)
    assert _required(r, "a") == pytest.approx(30 * daily, rel=1e-12)
    assert _figures(r, "ALL") == pytest.approx((daily, share), rel=1e-12)  # one city: the circle is the city


def test_full_load_level_none_is_the_old_reading_bit_for_bit():
    # Today's reading, written out: designated beds at the severe/ICU mix plus routine use.
    daily, share = _figures(simulate(_full_load_at("none")))
    assert daily == 200 * (0.75 * 2.0 + 0.25 * 4.0) + 1000 * 0.5 and share == 0.5


def test_full_load_with_a_census_and_scheduled_levels_takes_the_highest_level(tmp_path):
    # No SEIR: the levels come from a schedule; full load reads level II's settings all the same.
    (tmp_path / "c.csv").write_text("day,city,mild,severe,icu,swabs\n0,a,1,0,0,0\n")
    d = _full_load_at(None)
    d["epidemic"] = {"model": "census", "file": "c.csv"}
    d["response"] = {"levels": [LEVELS[0]], "schedule": [{"level": "II", "from_day": 0, "to_day": 1}]}
    daily, share = _figures(run(loaded(d, base_dir=tmp_path)))
    assert daily == pytest.approx(625 + 750 + 100, rel=1e-12) and share == pytest.approx(750 / 1475, rel=1e-12)


def test_full_load_uses_the_surge_beds_the_epidemic_drew_for_each_replication():
    # Level I (enter at 0: in force from day 1) opens uniform(5, 15) surge beds, drawn per
    # replication; an outbreak of 1000 in 100,000 fills every bed. The beds the care pathway
    # filled are the beds full load counts.
    d = _full_load_at(None, surge_i={"dist": "uniform", "low": 5, "high": 15})
    d["cities"][0]["designated_beds"] = 10
    d["epidemic"]["introductions"] = [{"city": "a", "day": 0, "infections": 1000}]
    d["epidemic"]["r0"] = 3.0
    d["horizon_days"] = 60
    d["response"]["levels"] = [{**d["response"]["levels"][1], "enter_at": 0, "exit_below": 0}]
    loaded_ = loaded(d)
    b = Simulator(loaded_).batch(7, np.arange(3))
    surge = b.epidemic.levels.surge_beds[:, LEVEL_NAMES.index("I")]
    assert len(np.unique(surge)) == 3 and ((surge >= 5) & (surge <= 15)).all()
    in_beds = b.epidemic.census[:, :, 0, 1:].sum(axis=-1).max(axis=1)  # severe + icu in beds, at most
    np.testing.assert_allclose(in_beds, 10 + surge, rtol=1e-12)
    expected = (10 + surge) * 2.5 + 1000 * 0.5 * 2.0 + 100_000 * 0.02 * 0.1
    np.testing.assert_allclose(b.daily_max[:, 0, 0], expected, rtol=1e-12)


# ---- peak: one figure from a pilot -------------------------------------------------------------


def _uncertain_outbreak(**reserve) -> dict:
    """An SEIR outbreak with uncertain R0 in three cities, the peak reading from a small pilot."""
    d = three_cities(r0={"dist": "uniform", "low": 1.6, "high": 2.6})
    d["horizon_days"] = 120
    d["demand"] = {
        "noise": "negative_binomial",
        "routine_per_health_worker_day": {"x": 0.1},
        "per_patient_day": {"mild": {"x": 1.0}, "severe": {"x": 3.0}, "icu": {"x": 6.0}},
    }
    d["reserve"] = {"coverage_days": 30, "daily_max": "peak", "peak_pilot": 30, "peak_quantile": 0.9, **reserve}
    return d


def _daily_max(r) -> pd.DataFrame:
    reps = r.per_replication
    return reps.pivot_table(index="replication", columns=["city", "item"], values="daily_max", observed=True)


def test_peak_is_one_figure_whatever_the_replications_batches_or_workers():
    ld = loaded(_uncertain_outbreak())
    base = _daily_max(run(ld, replications=4, keep_daily=False))
    assert (base.nunique() == 1).all()  # the same figure in every replication
    assert base.iloc[0]["a"].item() > 0
    for kw in (
        {"replications": 2},
        {"replications": 4, "batch_size": 1},
        {"replications": 4, "backend": Backend(workers=2)},
    ):
        other = _daily_max(run(ld, keep_daily=False, **kw))
        pd.testing.assert_frame_equal(other, base.iloc[: len(other)], check_exact=True)
    # An other quantile or pilot size gives another figure (the test above could not pass by accident).
    assert not _daily_max(run(loaded(_uncertain_outbreak(peak_quantile=0.5)), replications=1)).equals(base.iloc[:1])


def test_the_reserve_check_counts_agreements_above_a_physical_floor():
    # Required 100: on hand 60 + agreements 50 = 110 passes with no floor and with a floor of
    # 0.5 x 100 = 50, fails with 0.7 x 100 = 70; 60 + 30 = 90 fails whatever the floor; on hand
    # alone (no agreements) is the rule without them.
    assert meets(60.0, 100.0, 50.0, 0.0) and meets(60.0, 100.0, 50.0, 0.5)
    assert not meets(60.0, 100.0, 50.0, 0.7) and not meets(60.0, 100.0, 30.0, 0.0)
    assert meets(100.0, 100.0) and not meets(99.0, 100.0) and meets(100.0 - 1e-8, 100.0)
    on_hand = np.array([[60.0, 60.0, 100.0]])
    np.testing.assert_array_equal(compliant(on_hand, 100.0, np.array([[50.0, 30.0, 0.0]]), 0.5), [[True, False, True]])
    np.testing.assert_array_equal(compliant(on_hand, 100.0), [[False, False, True]])
