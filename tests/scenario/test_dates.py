"""start_date: keys that count days may be given as dates, and every table with a day carries its date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict, loaded, simulate

from stocksim.experiment.run import run
from stocksim.scenario import ConfigError, parse_scenario


def test_dates_in_day_keys_become_day_numbers():
    d = base_dict(
        start_date="2020-01-24",
        response={
            "levels": [{"level": "I", "enter_at": 1, "exit_below": 0.5}],
            "schedule": [{"level": "I", "from_day": dt.date(2020, 3, 8), "to_day": "2020-05-05"}],
        },
    )
    d["cities"][0]["lots"] = [{"item": "x", "quantity": 5, "expires_day": "2020-01-25"}]
    s = parse_scenario(d, "<test>")
    assert s.start_date == dt.date(2020, 1, 24)
    assert (s.response.schedule[0].from_day, s.response.schedule[0].to_day) == (44, 102)
    assert s.cities[0].lots[0].expires_day == 1
    assert d["cities"][0]["lots"][0]["expires_day"] == "2020-01-25"  # the caller's mapping is not changed


@pytest.mark.parametrize(
    ("start", "value", "needle"),
    [
        (None, "2020-03-08", "response.schedule[0].from_day: a date needs start_date"),
        ("2020-01-24", "2020-01-23", "response.schedule[0].from_day: before start_date 2020-01-24 (day 0)"),
        ("2020-01-24", "2020-02-30", "response.schedule[0].from_day: not a valid date (YYYY-MM-DD)"),
        ("24.1.2020", 3, "start_date: must be a date written YYYY-MM-DD"),
    ],
)
def test_bad_dates_name_the_key_and_value(start, value, needle):
    d = base_dict(
        response={
            "levels": [{"level": "I", "enter_at": 1, "exit_below": 0.5}],
            "schedule": [{"level": "I", "from_day": value}],
        }
    )
    if start is not None:
        d["start_date"] = start
    with pytest.raises(ConfigError) as err:
        parse_scenario(d, "<test>")
    assert needle in str(err.value)


def test_the_date_column_is_start_date_plus_day():
    d = base_dict(start_date="2020-01-24", horizon_days=40)
    result = simulate(d)
    daily = result.daily
    assert list(daily.columns[:4]) == ["replication", "day", "date", "city"]
    expected = pd.Timestamp("2020-01-24") + pd.to_timedelta(daily["day"], unit="D")
    assert (daily["date"] == expected).all()
    assert daily.loc[daily["day"] == 39, "date"].iloc[0] == pd.Timestamp("2020-03-03")  # 2020 is a leap year


def test_events_and_census_carry_the_date_too(tmp_path):
    (tmp_path / "census.csv").write_text("day,city,mild,severe,icu,swabs\n3,a,1,0,0,0\n", encoding="utf-8")
    d = base_dict(start_date="2020-01-24", epidemic={"model": "census", "file": "census.csv"})
    d["cities"][0]["lots"] = [{"item": "x", "quantity": 5, "expires_day": "2020-01-29"}]
    d["demand"] = {"noise": "none"}  # nothing used: the lot is written off whole
    result = run(loaded(d, tmp_path))
    census = result.census
    assert (census["date"] == pd.Timestamp("2020-01-24") + pd.to_timedelta(census["day"], unit="D")).all()
    expiry = result.events[result.events["kind"] == "expiry"]
    assert list(expiry["time"]) == [5] and list(expiry["date"]) == [pd.Timestamp("2020-01-29")]


def test_without_start_date_no_date_column():
    assert "date" not in simulate(base_dict()).daily.columns
    assert np.all(simulate(base_dict()).daily["day"].to_numpy() >= 0)
