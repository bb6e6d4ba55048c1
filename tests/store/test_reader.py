"""Reading a run directory back: its scenario, summary and daily bands, whatever daily mode and
table format it was written with."""

from __future__ import annotations

import pandas as pd
from conftest import base_dict, loaded, seir_dict

from stocksim.experiment.run import run_to_dir
from stocksim.store.reader import BAND_METRICS, load_run


def _bands(run: dict) -> pd.DataFrame:
    b = run["bands"].astype({"city": str, "item": str})
    b = b[b["metric"].isin(BAND_METRICS)]
    return b.sort_values(["metric", "day", "city", "item"]).reset_index(drop=True)[
        ["metric", "day", "city", "item", "p5", "p50", "p95", "mean"]
    ]


def test_a_run_reads_back_the_same_in_every_daily_mode_and_format(tmp_path):
    d = seir_dict(r0=2.5, stochastic=True)
    d.update(horizon_days=40, replications=5, demand={"noise": "poisson", "routine_per_health_worker_day": {"x": 0.1}})
    ls = loaded(d)
    run_to_dir(ls, tmp_path / "full", daily="full", fmt="csv")
    run_to_dir(ls, tmp_path / "q", daily="quantiles", batch_size=2)
    full, q = load_run(tmp_path / "full"), load_run(tmp_path / "q")
    for r in (full, q):
        assert r["scenario"] == ls.scenario
        assert r["info"]["replications"] == 5
    pd.testing.assert_frame_equal(full["summary"], q["summary"])
    # Bands the reader computes from a full daily table equal the ones a quantiles run wrote.
    pd.testing.assert_frame_equal(_bands(full), _bands(q), check_dtype=False)
    assert (_bands(full).query("metric == 'demand'")["p95"] > 0).any()


# The manifest's resolved config holds `epidemic.r0: null` (and latent_days, infectious_days) for a
# scenario without SEIR: it must read back as the same scenario.
def test_a_run_without_an_seir_epidemic_reads_back(tmp_path):
    ls = loaded(base_dict())
    run_to_dir(ls, tmp_path / "r")
    assert load_run(tmp_path / "r")["scenario"] == ls.scenario
