"""Campaigns over many scenarios: an index, resumable after an interruption, a failure reported."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import base_dict

from stocksim.experiment.backends import Backend
from stocksim.experiment.campaign import run_campaign


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
    assert all(s.startswith("skipped") for s in seen[:2])
    assert seen[2].startswith("running again: finished with other settings (config_hash ") and seen[3] == "done"


def test_a_changed_format_or_event_log_runs_again_and_replaces_the_run(tmp_path):
    configs = _small_configs(tmp_path, 2)
    out = tmp_path / "c"
    run_campaign(configs, out, backend=Backend(workers=1))
    seen: list[str] = []
    run_campaign(configs, out, fmt="csv", events="orders", on_run=lambda c, status: seen.append(status))
    changed = "format parquet -> csv, events full -> orders (order, agreement_call, expiry, response_level)"
    assert seen == [f"running again: finished with other settings ({changed})", "done"] * 2
    assert (out / "s0" / "events.csv").is_file() and not (out / "s0" / "events.parquet").exists()
    seen.clear()
    run_campaign(configs, out, fmt="csv", events="orders", on_run=lambda c, status: seen.append(status))
    assert seen == ["skipped: finished with the same config hash"] * 2
    assert sorted(p.name for p in out.iterdir()) == ["index.csv", "s0", "s1"]  # no lock, staging or set-aside run


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


def test_the_index_carries_the_circles_net_cost(tmp_path):
    # 50 + 10k units at 1 CNY, 10 used a day, nothing bought, 3.65 a year (1 % a day) of holding:
    # s0 closes 40, 30, 20, 10, 0, ... (100 stock-days, holding 1.0) and uses up 50 CNY of stock;
    # s1 closes 50, 40, ..., 0 (150 stock-days, holding 1.5) and uses up 60.
    configs = _small_configs(tmp_path, 2)
    for p in configs:
        d = yaml.safe_load(p.read_text())
        d["costs"] = {"holding_rate_per_year": 3.65}
        p.write_text(yaml.safe_dump(d))
    index = run_campaign(configs, tmp_path / "out")
    assert index["circle_net_cost_mean"].tolist() == pytest.approx([51.0, 61.5], rel=1e-12)
    assert index["circle_total_cost_mean"].tolist() == [0.0, 0.0]  # nothing bought or written off
    on_disk = pd.read_csv(tmp_path / "out" / "index.csv")
    assert on_disk["circle_net_cost_mean"].tolist() == pytest.approx([51.0, 61.5], rel=1e-12)
