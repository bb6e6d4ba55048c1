"""Recorded use (reserve.daily_max: observed): the daily max is the highest trailing window mean,
per city and item and for the circle; bad records are refused by row, column and value."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import base_dict, loaded

from stocksim.experiment.run import run
from stocksim.scenario import ConfigError


def scenario(window: int = 7, **overrides) -> dict:
    d = base_dict(reserve={"coverage_days": 30, "daily_max": "observed", "pools": "single"}, **overrides)
    d["reserve"]["observed"] = {"file": "use.csv", "window_days": window}
    return d


def write_use(path, values, city="a", item="x", column="day", first=0):
    lines = [f"{column},city,item,quantity"]
    for k, v in enumerate(values):
        day = first + k if column == "day" else np.datetime_as_string(np.datetime64("2019-12-01") + k)
        lines.append(f"{day},{city},{item},{v}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_constant_use_with_one_week_at_300_gives_300(tmp_path):
    write_use(tmp_path / "use.csv", [100] * 10 + [300] * 7 + [100] * 10)
    s = loaded(scenario(), tmp_path).scenario
    assert s.reserve.observed.daily_max == {"a": {"x": 300.0}}
    assert s.reserve.observed.circle == {"x": 300.0}


def test_a_six_day_spike_in_a_seven_day_window_gives_the_window_mean(tmp_path):
    write_use(tmp_path / "use.csv", [100] * 10 + [300] * 6 + [100] * 10, column="date")
    s = loaded(scenario(), tmp_path).scenario
    assert s.reserve.observed.daily_max["a"]["x"] == pytest.approx((6 * 300 + 100) / 7, rel=1e-12)


def test_the_reading_sets_the_required_reserve_of_a_run(tmp_path):
    write_use(tmp_path / "use.csv", [100] * 10 + [300] * 7 + [100] * 10)
    result = run(loaded(scenario(horizon_days=5), tmp_path))
    row = result.per_replication.query("city == 'a' and item == 'x'").iloc[0]
    assert row["daily_max"] == 300.0 and row["required_reserve"] == 30 * 300.0
    assert np.isnan(row["routine_share"])


def test_the_circle_takes_the_highest_window_of_summed_use(tmp_path):
    """Two cities whose spikes do not overlap: each city's daily max is 300, the circle's 400
    (100 + 300 in either spike week), below the sum of the cities' 600."""
    d = scenario()
    d["cities"].append(d["cities"][0] | {"id": "b", "name": "B"})
    a = [100] * 7 + [300] * 7 + [100] * 14
    b = [100] * 21 + [300] * 7
    rows = ["day,city,item,quantity"]
    rows += [f"{k},a,x,{v}" for k, v in enumerate(a)] + [f"{k},b,x,{v}" for k, v in enumerate(b)]
    (tmp_path / "use.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    s = loaded(d, tmp_path).scenario
    assert s.reserve.observed.daily_max == {"a": {"x": 300.0}, "b": {"x": 300.0}}
    assert s.reserve.observed.circle == {"x": 400.0}


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        (
            ["0,a,x,100", "1,a,x,-3"],
            "row 3, column quantity: must be a number >= 0 (units used that day) (value: '-3')",
        ),
        (["0,a,x,100", "1,zz,x,3"], "row 3, column city: unknown city (ids: a) (value: 'zz')"),
        (["0,a,x,100", "1,a,qq,3"], "row 3, column item: unknown item (ids: x) (value: 'qq')"),
        (["0,a,x,100", "2,a,x,3"], "no record of a, x on 1 of the file's 3 days, the first (every city and item"),
        (["0,a,x,100", "0,a,x,3"], "row 3: a, x on this day given twice (value: 0)"),
        (["0,a,x,100", "1.5,a,x,3"], "row 3, column day: must be a whole day number (value: '1.5')"),
    ],
)
def test_bad_records_are_refused(tmp_path, rows, needle):
    (tmp_path / "use.csv").write_text("\n".join(["day,city,item,quantity", *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        loaded(scenario(window=1), tmp_path)
    assert needle in str(err.value)


def test_fewer_days_than_the_window_is_an_error(tmp_path):
    write_use(tmp_path / "use.csv", [100] * 5)
    with pytest.raises(ConfigError) as err:
        loaded(scenario(window=7), tmp_path)
    assert "5 days of records, fewer than reserve.observed.window_days (value: 7)" in str(err.value)


def test_observed_needs_its_file_and_the_file_needs_observed(tmp_path):
    d = scenario()
    del d["reserve"]["observed"]
    with pytest.raises(ConfigError, match="reserve.observed: required when daily_max is 'observed'"):
        loaded(d, tmp_path)
    d = scenario()
    d["reserve"]["daily_max"] = "peak"
    with pytest.raises(ConfigError, match="recorded use is read only with daily_max: observed"):
        loaded(d, tmp_path)


def test_the_figures_are_not_given_by_hand(tmp_path):
    write_use(tmp_path / "use.csv", [100] * 7)
    d = scenario()
    d["reserve"]["observed"]["daily_max"] = {"a": {"x": 5}}
    with pytest.raises(ConfigError, match="filled in from reserve.observed.file when loaded"):
        loaded(d, tmp_path)
