"""Response levels I-IV: thresholds with hysteresis, and a level's PPE use from the next day."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import census_of, deep_update, seir_dict, series, simulate, three_cities

from stocksim.epidemic.outcome import SeirRecord
from stocksim.epidemic.response import (
    NO_SCHEDULE,
    PER_100K,
    LevelRule,
    LevelState,
    LevelTable,
    first_levels,
    level_step,
    update_levels,
)
from stocksim.scenario import LEVEL_NAMES


def _table(exit_after: int = 3) -> LevelTable:
    ones = np.ones((1, 3))
    return LevelTable(
        enter_at=np.array([np.inf, 1.0, 5.0]),
        exit_below=np.array([-np.inf, 0.5, 3.0]),
        codes=np.array([0, 1, 2]),
        routine_multiplier=ones,
        contact_factor=ones,
        swab_share=0 * ones,
        coverage_days=np.array([30.0, 30.0, 30.0]),
        surge_beds=0 * ones,
        exit_after_days=exit_after,
    )


def test_levels_follow_thresholds_with_hysteresis():
    table = _table(exit_after=3)
    indicator = [0, 1.2, 0.9, 1.1, 0.7, 6, 4, 2.9, 2.9, 3.1, 2.0, 2.0, 2.0, 0.4, 0.4, 0.4, 0.4]
    expected = [0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 0, 0]
    level, below, path = 0, 0, []
    for x in indicator:
        level, below = level_step(level, below, float(x), table.enter_at, table.exit_below, table.exit_after_days)
        path.append(int(level))
    # Up at once when a threshold is reached; no flicker around 1.0 (exit at 0.5); down one level only
    # after 3 consecutive days below the exit threshold (a day at 3.1 resets the count).
    assert path == expected


def test_a_level_change_changes_ppe_use_from_the_next_day():
    d = seir_dict(r0=2.5)
    d["horizon_days"] = 80
    d["response"] = {"levels": [{"level": "IV", "enter_at": 1.0, "exit_below": 0.5, "routine_multiplier": 3.0}]}
    d["demand"] = {"noise": "none", "routine_per_health_worker_day": {"x": 0.1}}  # routine only: 10 a day
    r = simulate(d)
    daily = r.daily.set_index("day")
    first = int(daily.index[daily["response_level"] == "IV"].min())
    cases = r.census.set_index("day")["new_cases"] / 1_000_000 * 1e5
    assert cases[first - 1] >= 1.0 > cases[first - 2]  # declared at the end of day first-1
    assert daily.loc[first - 1, "demand"] == pytest.approx(10.0)
    assert daily.loc[first, "demand"] == pytest.approx(30.0)
    ev = r.events[r.events["kind"] == "response_level"]
    assert list(ev["time"])[:1] == [first] and list(ev["quantity"])[:1] == [LEVEL_NAMES.index("IV")]


# ---- declared by date (response.schedule) and scope ---------------------------------------------


def _run_rule(indicator: np.ndarray, schedule: np.ndarray, circle: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The level rows in force and the cities' own rows, day by day, from ``indicator`` (H, C) per
    100,000 and a ``schedule`` (H+1, C) of rows (-1: none), with the rule of ``_table`` (IV at 1,
    III at 5; exits 0.5 and 3 after 3 days), one replication, no reporting delay."""
    horizon, n_c = indicator.shape
    table = _table(exit_after=3)
    rule = LevelRule(
        table.enter_at,
        table.exit_below,
        table.exit_after_days,
        0,
        np.full(n_c, PER_100K),  # a population of 100,000: the indicator is the admissions
        np.ones((1, 3)),
        schedule,
        circle,
    )
    out, st = SeirRecord.zeros(1, horizon, n_c), LevelState.zeros(1, n_c)
    out.admissions[0, :, :, 0] = indicator
    own = np.empty((horizon, n_c), dtype=np.int64)
    first_levels(rule, st, out, 0)
    for t in range(horizon):
        own[t] = st.own[0]
        update_levels(rule, st, out, t, 0, 1)
    return out.level_row[0, :horizon], own


# City a: rising to 2 (IV's enter_at 1, below III's exit 3), a burst of 6 (III's enter_at 5), then 0.
INDICATOR_A = [0, 2, 2, 2, 2, 2, 2, 2, 2, 6, 6, 0, 0, 0, 0, 0]
# Rows (0 none, 1 IV, 2 III) by hand: III scheduled on days 2-4 holds through day 7 (days below
# counted from day 5, the first after the schedule: 5, 6, 7, so IV from day 8); IV scheduled on
# days 9-10 holds although the indicator reaches III; at the end of day 10, the schedule's last
# day, the thresholds raise it to III at once; III for 3 days below, then IV.
LEVELS_A = [0, 0, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1]
# City b: no cases; III scheduled on day 6 only: III to day 9 (days below 7, 8, 9), IV 10-12, none.
LEVELS_B = [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0]


def _schedule_ab() -> np.ndarray:
    schedule = np.full((len(INDICATOR_A) + 1, 2), NO_SCHEDULE)
    schedule[2:5, 0] = 2
    schedule[9:11, 0] = 1
    schedule[6, 1] = 2
    return schedule


def test_a_schedule_overrides_the_thresholds_on_its_days_and_hands_over_after_them():
    indicator = np.array([INDICATOR_A, [0] * len(INDICATOR_A)], float).T
    in_force, own = _run_rule(indicator, _schedule_ab())
    assert in_force[:, 0].tolist() == LEVELS_A
    assert in_force[:, 1].tolist() == LEVELS_B
    np.testing.assert_array_equal(own, in_force)
    # Without the schedule, the same indicator gives the thresholds' path.
    plain, _ = _run_rule(indicator, np.full_like(_schedule_ab(), NO_SCHEDULE))
    assert plain[:, 0].tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1]


def test_a_scheduled_none_lifts_a_level_and_a_schedule_on_day_0_is_in_force_on_day_0():
    indicator = np.array([[6.0] * 6]).T  # always above III's enter_at
    schedule = np.full((7, 1), NO_SCHEDULE)
    schedule[0:2, 0] = 1  # IV on days 0-1
    schedule[3:4, 0] = 0  # none on day 3
    in_force, _ = _run_rule(indicator, schedule)
    # Day 2: the thresholds raise IV to III at the end of day 1; day 4: again at the end of day 3.
    assert in_force[:, 0].tolist() == [1, 1, 2, 0, 2, 2]


def test_scope_circle_puts_every_city_at_the_highest_own_level_of_any_city():
    indicator = np.array([INDICATOR_A, [0] * len(INDICATOR_A)], float).T
    in_force, own = _run_rule(indicator, _schedule_ab(), circle=True)
    highest = np.maximum(LEVELS_A, LEVELS_B).tolist()
    assert highest == [0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 1, 1]
    assert in_force[:, 0].tolist() == highest and in_force[:, 1].tolist() == highest
    # Each city keeps its own level and hysteresis underneath the circle's.
    assert own[:, 0].tolist() == LEVELS_A and own[:, 1].tolist() == LEVELS_B


def test_a_schedule_overrides_the_thresholds_in_a_deterministic_seir():
    d = seir_dict(r0=2.5)
    d["horizon_days"] = 80
    d["demand"] = {"noise": "none", "routine_per_health_worker_day": {"x": 0.1}}  # routine only: 10 a day
    iv = {"level": "IV", "enter_at": 1.0, "exit_below": 0.5, "routine_multiplier": 3.0}
    ii = {"level": "II", "enter_at": 1e6, "exit_below": 1e6, "routine_multiplier": 5.0}  # never by cases
    d["response"] = {"levels": [iv, ii]}
    plain = list(series(simulate(d), "response_level"))
    first = plain.index("IV")  # the thresholds declare IV for day `first` and keep it to the end
    assert plain == ["none"] * first + ["IV"] * (80 - first) and first > 10
    d["response"]["schedule"] = [{"level": "II", "from_day": first - 5, "to_day": first + 3}]
    r = simulate(d)
    # II from its from_day; after its to_day the thresholds take over from II, count 7 days
    # below II's exit (days first + 4 .. first + 10) and step down to IV, which the cases hold.
    expected = ["none"] * (first - 5) + ["II"] * 16 + ["IV"] * (80 - first - 11)
    assert list(series(r, "response_level")) == expected
    np.testing.assert_allclose(series(r, "demand"), [{"none": 10, "IV": 30, "II": 50}[x] for x in expected])
    ev = r.events[r.events["kind"] == "response_level"]
    assert list(ev["time"]) == [first - 5, first + 11]
    assert list(ev["quantity"]) == [LEVEL_NAMES.index("II"), LEVEL_NAMES.index("IV")]


@pytest.mark.parametrize("stochastic", [False, True])
def test_scope_circle_raises_every_city_with_a_one_city_outbreak(stochastic):
    d = three_cities(r0=2.5, stochastic=stochastic)  # the outbreak starts in a
    d["horizon_days"], d["replications"] = 100, 3
    levels = [
        {"level": "IV", "enter_at": 1.0, "exit_below": 0.5},
        {"level": "III", "enter_at": 20.0, "exit_below": 10.0},
    ]
    d["response"] = {"levels": levels, "exit_after_days": 3}
    code = {name: k for k, name in enumerate(LEVEL_NAMES)}
    city = census_of(d).pivot_table("response_level", ["replication", "day"], "city", aggfunc="first", observed=True)
    circle = census_of(deep_update(d, {"response": {"scope": "circle"}}))
    circle = circle.pivot_table("response_level", ["replication", "day"], "city", aggfunc="first", observed=True)
    own = city.apply(lambda col: col.astype(str).map(code))  # contact factors 1: the same epidemic
    highest = own.max(axis=1)
    for c in ("a", "b", "c"):
        np.testing.assert_array_equal(circle[c].astype(str).map(code), highest)
    # b follows a: raised on a's first day, before its own cases would raise it.
    first = own.groupby(level="replication").apply(lambda x: (x > 0).idxmax().map(lambda k: k[1]))
    assert (first["b"] > first["a"]).all()
    assert (highest.groupby(level="replication").max() == code["III"]).all()


def test_a_schedule_holds_in_every_replication_of_the_stochastic_epidemic():
    d = seir_dict(r0=2.5, stochastic=True)
    d["horizon_days"], d["replications"] = 40, 4
    iv = {"level": "IV", "enter_at": 1.0, "exit_below": 0.5}
    ii = {"level": "II", "enter_at": 1e6, "exit_below": 1e6}
    d["response"] = {"levels": [iv, ii], "schedule": [{"level": "II", "from_day": 10, "to_day": 20}]}
    c = census_of(d)
    levels = c.pivot_table("response_level", "day", "replication", aggfunc="first", observed=True).astype(str)
    # II on days 10-20, then 7 days below its exit (21-27), then one level down: IV on day 28.
    assert (levels.loc[10:27] == "II").all().all() and (levels.loc[28] == "IV").all()
