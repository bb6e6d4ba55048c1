"""Monte Carlo at scale: parallel and Dask runs, streamed output, batches and sweeps."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, base_dict

from stocksim.cli import main
from stocksim.experiment.backends import Backend
from stocksim.experiment.campaign import run_campaign
from stocksim.experiment.compare import policy_scenario
from stocksim.experiment.run import run_to_dir
from stocksim.scenario import load_scenario

DEFAULT = ROOT / "configs" / "jinan-circle.yaml"


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {
        "daily": pd.read_parquet(out / "daily.parquet"),
        "events": pd.read_parquet(out / "events.parquet"),
        "replications": pd.read_parquet(out / "replications.parquet"),
        "summary": pd.read_csv(out / "summary.csv"),
    }


def test_tables_are_identical_on_one_or_two_workers_and_on_a_dask_cluster(tmp_path):
    loaded = load_scenario(DEFAULT)
    runs = {
        "one": Backend(workers=1),
        "two": Backend(workers=2),
        "dask": Backend(dask="local:2"),
    }
    tables = {}
    for name, backend in runs.items():
        out = tmp_path / name
        run_to_dir(loaded, out, replications=6, batch_size=2, backend=backend)
        tables[name] = _tables(out)
        assert json.loads((out / "manifest.json").read_text())["backend"] == backend.describe()
    for name in ("two", "dask"):
        for table in ("daily", "events", "replications", "summary"):
            pd.testing.assert_frame_equal(tables[name][table], tables["one"][table], obj=f"{name} {table}")
    assert tables["one"]["daily"]["replication"].nunique() == 6


def test_daily_quantiles_equal_the_quantiles_of_the_full_table(tmp_path):
    loaded = load_scenario(DEFAULT)
    run_to_dir(loaded, tmp_path / "full", replications=7, batch_size=3, daily="full")
    run_to_dir(loaded, tmp_path / "q", replications=7, batch_size=3, daily="quantiles", backend=Backend(workers=2))
    full = pd.read_parquet(tmp_path / "full" / "daily.parquet")
    q = pd.read_parquet(tmp_path / "q" / "daily_quantiles.parquet")
    assert not (tmp_path / "q" / "daily.parquet").exists()
    for metric in ("on_hand", "unmet", "days_of_cover"):
        mine = q[q["metric"] == metric].set_index(["day", "city", "item"]).sort_index()
        g = full.groupby(["day", "city", "item"], observed=True)[metric]
        for col, p in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
            expected = g.quantile(p).sort_index().to_numpy()
            np.testing.assert_allclose(mine[col].to_numpy(), expected, rtol=1e-12, atol=1e-9)  # NaN where undefined
        np.testing.assert_allclose(mine["mean"].to_numpy(), g.mean().sort_index().to_numpy(), rtol=1e-12)
    # The summary does not depend on the daily mode.
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "q" / "summary.csv"), pd.read_csv(tmp_path / "full" / "summary.csv")
    )


def test_summary_carries_confidence_intervals(tmp_path):
    run_to_dir(load_scenario(DEFAULT), tmp_path / "r", replications=8, daily="none")
    s = pd.read_csv(tmp_path / "r" / "summary.csv")
    for col in ("p_stockout", "compliance_share", "unmet_mean", "total_cost_mean"):
        assert (s[f"{col}_low"] <= s[col] + 1e-9).all() and (s[col] <= s[f"{col}_high"] + 1e-9).all()
    assert (s["p_stockout_high"] > s["p_stockout_low"]).all()  # Wilson: never a zero-width interval
    assert not (tmp_path / "r" / "daily.parquet").exists()


def _small_configs(folder: Path, n: int) -> list[Path]:
    paths = []
    for k in range(n):
        d = base_dict(
            name=f"s{k}",
            horizon_days=20,
            replications=3,
            cities=[{**base_dict()["cities"][0], "stock": {"x": 50 + 10 * k}}],
        )
        path = folder / f"s{k}.yaml"
        path.write_text(yaml.safe_dump(d))
        paths.append(path)
    return paths


def test_batch_writes_an_index_and_skips_finished_runs_when_rerun(tmp_path):
    configs = _small_configs(tmp_path, 3)
    out = tmp_path / "batch"
    index = run_campaign(configs, out)
    assert list(index["status"]) == ["done"] * 3
    stamp = (out / "s1" / "manifest.json").stat().st_mtime_ns
    seen = []
    index2 = run_campaign(configs, out, on_run=lambda c, status: seen.append(status))
    assert all(s.startswith("skipped") for s in seen)
    assert (out / "s1" / "manifest.json").stat().st_mtime_ns == stamp
    on_disk = pd.read_csv(out / "index.csv")
    assert len(on_disk) == 3 and set(on_disk["name"]) == {"s0", "s1", "s2"}
    assert {"config", "name", "hash", "status", "replications", "wall_seconds", "max_p_stockout"} <= set(
        on_disk.columns
    )
    pd.testing.assert_frame_equal(index2.drop(columns="wall_seconds"), index.drop(columns="wall_seconds"))
    # A changed config is run again.
    text = configs[2].read_text().replace("horizon_days: 20", "horizon_days: 21")
    configs[2].write_text(text)
    seen.clear()
    run_campaign(configs, out, on_run=lambda c, status: seen.append(status))
    assert seen[2] == "done" and all(s.startswith("skipped") for s in seen[:2])


def test_an_interrupted_batch_rerun_completes_every_run_once(tmp_path):
    """SIGTERM halfway: finished runs stay, the run in progress leaves no directory that looks
    complete; the same command again finishes the rest."""
    configs = _small_configs(tmp_path, 4)
    for p in configs:  # each run takes a few seconds, long enough to be interrupted in the middle
        d = yaml.safe_load(p.read_text())
        d["replications"], d["horizon_days"] = 3000, 400
        p.write_text(yaml.safe_dump(d))
    out = tmp_path / "batch"
    cmd = [sys.executable, "-m", "stocksim.cli", "batch", *map(str, configs), "--out", str(out), "--workers", "1"]
    cmd += ["--daily", "none", "--events", "none"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until one run is finished and the next one has started
        started = [p for p in out.glob(".*partial*")] if out.exists() else []
        if (out / "index.csv").exists() and len(pd.read_csv(out / "index.csv")) >= 1 and started:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    finished = pd.read_csv(out / "index.csv")
    assert 1 <= len(finished) < 4
    for name in finished["run_dir"]:
        assert (out / name / "manifest.json").is_file()
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    unfinished = [p for p in configs if p.stem not in set(finished["run_dir"])]
    for p in unfinished:
        assert not (out / p.stem).exists()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    index = pd.read_csv(out / "index.csv")
    assert sorted(index["run_dir"]) == ["s0", "s1", "s2", "s3"] and (index["status"] == "done").all()
    assert sum("skipped" in line for line in again.stdout.splitlines()) == len(finished)


def test_a_failing_run_is_reported_and_the_batch_goes_on(tmp_path, monkeypatch):
    import stocksim.experiment.tasks as runner

    configs = _small_configs(tmp_path, 3)
    real = runner.Simulator.batch

    def flaky(self, seed, replications, *args, **kwargs):
        if self.scenario.name == "s1" and 1 in replications:
            raise RuntimeError("worker lost its mind")
        return real(self, seed, replications, *args, **kwargs)

    monkeypatch.setattr(runner.Simulator, "batch", flaky)
    index = run_campaign(configs, tmp_path / "b", backend=Backend(workers=1))
    status = dict(zip(index["name"], index["status"], strict=True))
    assert status["s0"] == "done" and status["s2"] == "done"
    assert status["s1"].startswith("failed") and "s1.yaml" in status["s1"] and "replications 0-2" in status["s1"]
    assert "worker lost its mind" in status["s1"]
    assert not (tmp_path / "b" / "s1").exists()


def test_sweep_derives_valid_configs_carrying_the_swept_values(tmp_path, capsys):
    out = tmp_path / "sweep"
    args = [
        "sweep", str(DEFAULT), "--set", "reserve.coverage_days=20,30", "--set", "procurement.mode=independent,joint",
        "--lhs", "2", "--range", "epidemic.r0=1.8:2.6", "--replications", "2", "--daily", "none", "--out", str(out),
        "--workers", "1", "--quiet",
    ]  # fmt: skip
    assert main(args) == 0
    index = pd.read_csv(out / "index.csv")
    assert len(index) == 2 * 2 * 2
    assert {"reserve.coverage_days", "procurement.mode", "epidemic.r0"} <= set(index.columns)
    assert (index["status"] == "done").all()
    for _, row in index.iterrows():
        s = load_scenario(row["config"]).scenario  # each derived config validates on its own
        assert s.reserve.coverage_days == row["reserve.coverage_days"]
        assert s.procurement.mode == row["procurement.mode"]
        assert s.epidemic.r0 == pytest.approx(row["epidemic.r0"])
        assert 1.8 <= s.epidemic.r0 <= 2.6
    assert sorted(index["epidemic.r0"].unique()).__len__() == 2  # Latin hypercube points


def test_sweep_refuses_a_path_that_is_not_in_the_scenario(tmp_path, capsys):
    code = main(["sweep", str(DEFAULT), "--set", "reserve.coverage_dayz=20", "--out", str(tmp_path / "s"), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert "reserve.coverage_dayz" in err


def test_progress_prints_plain_lines_when_not_a_terminal(tmp_path, capsys):
    assert (
        main(
            [
                "run",
                str(DEFAULT),
                "--replications",
                "4",
                "--daily",
                "none",
                "--workers",
                "1",
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "4/4 replications" in err and "rep/s" in err
    assert (
        main(["run", str(DEFAULT), "--replications", "4", "--daily", "none", "--out", str(tmp_path / "q"), "--quiet"])
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_turning_the_event_log_off_changes_no_result(tmp_path):
    loaded = load_scenario(DEFAULT)
    run_to_dir(loaded, tmp_path / "on", replications=3)
    run_to_dir(loaded, tmp_path / "off", replications=3, events=False)
    on, off = _tables(tmp_path / "on"), _tables(tmp_path / "off")
    pd.testing.assert_frame_equal(on["daily"], off["daily"])
    pd.testing.assert_frame_equal(on["summary"], off["summary"])
    assert set(off["events"]["kind"].astype(str)) <= {
        "response_level",
        "expiry",
        "order",
        "transfer_out",
        "transfer_in",
    }
    assert (on["events"]["kind"] == "delivery").any() and not (off["events"]["kind"] == "delivery").any()


@pytest.mark.parametrize("policy", ["independent", "joint-combined+transfers"])
def test_a_run_without_daily_table_folds_its_days_into_the_same_totals(tmp_path, policy):
    # With --daily none the model keeps one day at a time and folds it into the totals as it
    # goes; the per-replication table and the summary must be exactly those of a full run.
    loaded = load_scenario(DEFAULT)
    loaded = loaded.model_copy(update={"scenario": policy_scenario(loaded.scenario, policy)})
    run_to_dir(loaded, tmp_path / "full", replications=5, daily="full", batch_size=2)
    run_to_dir(loaded, tmp_path / "none", replications=5, daily="none", batch_size=3)
    full, none = (pd.read_parquet(tmp_path / d / "replications.parquet") for d in ("full", "none"))
    pd.testing.assert_frame_equal(full, none)
    assert (full["transfer_in"] > 0).any() if "transfers" in policy else (full["received"] > 0).any()
    assert not (tmp_path / "none" / "daily.parquet").exists()
