"""Response levels I-IV: thresholds with hysteresis, and a level's PPE use from the next day."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import seir_dict, simulate

from stocksim.epidemic.response import LevelTable, level_step
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
