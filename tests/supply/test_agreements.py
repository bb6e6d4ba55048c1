"""Agreement reserves (协议储备, ``cities[].agreements``): called once when the city's reserve is
released, delivered ``call_days`` later into working stock, and counted by the reserve check
with ``reserve.counts_agreements``. Exact, by hand: one city using 10 a day (peak 10)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict, check_invariants, check_pool_balances, loaded, series, simulate

from stocksim.experiment.run import run_to_dir
from stocksim.results.tables import CIRCLE

LEVEL_IV = {"level": "IV", "enter_at": 1, "exit_below": 0.5}  # thresholds unused without an SEIR


def _city(working, reserve, agreement=None, call_days=3):
    city = {**base_dict()["cities"][0], "stock": {"x": working}, "reserve": {"x": reserve}}
    if agreement is not None:
        city["agreements"] = [{"item": "x", "quantity": agreement, "call_days": call_days}]
    return city


def _scenario(city, coverage=10, release=None, level_from=None, **reserve):
    """Reserve required = coverage x 10; with ``level_from``, Level IV declared by date from that day."""
    cfg = {"coverage_days": coverage, "daily_max": "peak", "pools": "separate", **reserve}
    if release is not None:
        cfg["release"] = release
    d = base_dict(cities=[city], reserve=cfg, procurement={"mode": "none", "basis": "burn_rate"})
    if level_from is not None:
        d["response"] = {"levels": [LEVEL_IV], "schedule": [{"level": "IV", "from_day": level_from}]}
    return d


def test_a_release_by_level_calls_the_agreement_once_and_it_arrives_call_days_later_into_working_stock():
    # Working 60 lasts days 0-5. Level IV is declared for day 5 on: the reserve is released and
    # the 50 agreement units are called on day 5, arriving on day 8 (call_days 3). Days 6-7 the
    # reserve serves (100 -> 80); days 8-12 the 50 that arrived; days 13-20 the reserve's 80; from
    # day 21 demand is unmet.
    d = _scenario(_city(60, 100, agreement=50, call_days=3), level_from=5)
    r = simulate(d)
    check_invariants(r)
    check_pool_balances(r, d)
    assert list(series(r, "agreements_available")) == [50] * 5 + [0] * 25
    calls = r.events[r.events["kind"] == "agreement_call"]
    assert list(calls["time"]) == [5] and list(calls["quantity"]) == [50] and list(calls["due"]) == [8]
    received = series(r, "received")
    assert received[8] == 50 and received.sum() == 50
    assert (series(r, "reserve_received") == 0).all()  # into working stock, not the reserve
    working = series(r, "working_on_hand")
    assert list(working[:14]) == [50, 40, 30, 20, 10, 0, 0, 0, 40, 30, 20, 10, 0, 0]
    released = series(r, "released")
    assert list(np.flatnonzero(released)) == [6, 7, *range(13, 21)] and (released[released > 0] == 10).all()
    assert list(series(r, "reserve_on_hand")[[5, 7, 12, 20]]) == [100, 80, 80, 0]
    unmet = series(r, "unmet")
    assert (unmet[:21] == 0).all() and (unmet[21:] == 10).all()
    # Called units are on order until they arrive, paid on the call day at the unit cost (1 CNY).
    assert list(series(r, "on_order")[4:9]) == [0, 50, 50, 50, 0]
    assert list(np.flatnonzero(series(r, "purchase_cost"))) == [5] and series(r, "purchase_cost")[5] == 50
    delivery = r.events[r.events["kind"] == "delivery"]
    assert list(delivery["time"]) == [8] and list(delivery["dispatched"]) == [5] and list(delivery["quantity"]) == [50]


def test_with_when_working_out_the_agreement_is_called_on_the_first_day_working_stock_falls_short():
    # Working 30 lasts days 0-2; on day 3 it cannot meet demand, the reserve serves and the 50
    # agreement units are called, arriving on day 5 (call_days 2); they serve days 5-9.
    d = _scenario(_city(30, 100, agreement=50, call_days=2), release={"when_working_out": True})
    r = simulate(d)
    check_pool_balances(r, d)
    assert list(series(r, "agreements_available")[:5]) == [50, 50, 50, 0, 0]
    assert list(np.flatnonzero(series(r, "received"))) == [5]
    assert list(series(r, "reserve_on_hand")[:11]) == [100, 100, 100, 90, 80, 80, 80, 80, 80, 80, 70]


def test_without_a_release_the_agreement_is_never_called():
    r = simulate(_scenario(_city(60, 100, agreement=50)))
    assert (series(r, "agreements_available") == 50).all()
    assert not (r.events["kind"] == "agreement_call").any() and (series(r, "received") == 0).all()


@pytest.mark.parametrize(
    ("counts", "share", "expected"),
    [
        (False, 0.0, False),  # 60 on hand < 100 required
        (True, 0.0, True),  # 60 + 50 uncalled >= 100
        (True, 0.5, True),  # and 60 >= 0.5 x 100
        (True, 0.7, False),  # but 60 < 0.7 x 100
    ],
)
def test_compliance_counts_uncalled_agreements_above_a_physical_floor(counts, share, expected):
    # Reserve 60, agreement 50, required 10 days x 10 = 100; working stock 1000 covers every day,
    # no level: nothing is released or called.
    d = _scenario(_city(1000, 60, agreement=50), counts_agreements=counts, min_physical_share=share)
    r = simulate(d)
    assert (series(r, "reserve_on_hand") == 60).all() and (series(r, "required_reserve") == 100).all()
    assert (series(r, "compliant") == expected).all()
    cover = 11.0 if counts else 6.0  # (reserve + uncalled agreements) / daily max, or the reserve alone
    assert (series(r, "days_of_cover") == cover).all()
    per_rep = r.per_replication
    for city in ("a", CIRCLE):
        row = per_rep[per_rep["city"] == city].iloc[0]
        assert row["compliant_days"] == (30 if expected else 0) and row["initial_days_of_cover"] == cover


def test_after_the_call_only_the_reserve_counts():
    # Counted: reserve 100 + 50 uncalled until day 5, then the reserve alone; working 60 lasts
    # days 0-5, the reserve serves from day 6 (level IV from day 5): compliant through day 5.
    d = _scenario(_city(60, 100, agreement=50), level_from=5, counts_agreements=True)
    r = simulate(d)
    assert list(series(r, "days_of_cover")[:8]) == [15, 15, 15, 15, 15, 10, 9, 8]
    compliant = series(r, "compliant")
    assert compliant[:6].all() and not compliant[6:].any()


def test_a_run_without_daily_table_counts_agreements_the_same(tmp_path):
    # The tally folds agreements in as the days go when no daily table is kept.
    d = _scenario(_city(60, 70, agreement=50), level_from=5, counts_agreements=True, min_physical_share=0.5)
    s = loaded(d)
    run_to_dir(s, tmp_path / "full", replications=2, daily="full")
    run_to_dir(s, tmp_path / "none", replications=2, daily="none")
    full, none = (pd.read_parquet(tmp_path / k / "replications.parquet") for k in ("full", "none"))
    pd.testing.assert_frame_equal(full, none)
    # Compliant while 70 + 50 >= 100 and 70 >= 50: days 0-4; from day 5 only 70 counts.
    assert list(full[full["city"] == "a"]["compliant_days"]) == [5, 5]
