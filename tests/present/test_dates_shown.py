"""With start_date, the terminal and the report show the date beside a day."""

from __future__ import annotations

from conftest import base_dict, loaded

from stocksim.experiment.run import run
from stocksim.present.report import html_report
from stocksim.present.terminal import horizon_words, stockout_lines


def test_first_stockout_day_and_horizon_carry_their_dates():
    """100 units at 10 a day last through day 9: the first day short is day 10, 3 February 2020."""
    ls = loaded(base_dict(start_date="2020-01-24"))
    result = run(ls)
    assert "day   10 2020-02-03" in stockout_lines(result.summary, ls)
    assert horizon_words(ls.scenario) == "30 days, 2020-01-24 to 2020-02-22"
    info = {"replications": 1, "seed": 7, "config_hash": "h", "stocksim_version": "v"}
    page = html_report(
        {"scenario": ls.scenario, "summary": result.summary, "info": info, "bands": None, "events": None}
    )
    assert "<td>10</td><td>2020-02-03</td>" in page and "30 d (2020-01-24 – 2020-02-22)" in page


def test_without_start_date_days_alone():
    ls = loaded(base_dict())
    result = run(ls)
    assert "day   10   " in stockout_lines(result.summary, ls) and "2020" not in stockout_lines(result.summary, ls)
    assert horizon_words(ls.scenario) == "30 days"
