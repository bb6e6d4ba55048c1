"""The run directory: complete or not at all, with a manifest, never overwritten silently."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import DEFAULT, base_dict

from stocksim.cli import main
from stocksim.experiment.backends import Backend
from stocksim.experiment.run import run_to_dir
from stocksim.scenario import load_scenario
from stocksim.store.lock import WriteFailed
from stocksim.store.rundir import write_outputs


def test_run_writes_parquet_tables_and_a_manifest(tmp_path, default_config):
    out = tmp_path / "r"
    assert (
        main(
            [
                "run",
                str(default_config),
                "--replications",
                "3",
                "--seed",
                "5",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "census.parquet",
        "daily.parquet",
        "events.parquet",
        "manifest.json",
        "replications.parquet",
        "summary.csv",
    ]
    m = json.loads((out / "manifest.json").read_text())
    assert m["seed"] == 5 and m["replications"] == 3 and len(m["config_hash"]) == 16
    assert m["resolved_config"]["name"] == "jinan-circle"
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns[:6]) == ["replication", "time", "kind", "city", "item", "quantity"]
    assert "order_id" in events.columns
    assert set(events["kind"]) >= {"order", "delivery", "response_level"}  # old lots are rotated, not written off


def test_existing_output_is_never_overwritten_silently(tmp_path, capsys):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(base_dict()))
    out = tmp_path / "r"
    assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 0
    before = (out / "manifest.json").read_text()
    assert main(["run", str(cfg), "--out", str(out), "--seed", "99"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "manifest.json").read_text() == before
    assert main(["run", str(cfg), "--out", str(out), "--seed", "99", "--overwrite", "--quiet"]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 99
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_overwrite_refuses_a_directory_that_is_not_a_run(tmp_path, capsys):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(base_dict()))
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.txt").write_text("years of work")
    assert main(["run", str(cfg), "--out", str(precious), "--overwrite"]) == 2
    assert (precious / "chapter1.txt").read_text() == "years of work"


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch, capsys):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(base_dict()))
    out = tmp_path / "r"

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 1  # a disk failure mid-run: exit 1
    assert f"{out}: writing the results failed: disk full; nothing was written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [cfg]


def test_text_files_are_written_with_the_tables_or_not_at_all(tmp_path, monkeypatch):
    table = {"t": pd.DataFrame({"a": [1]})}
    out = write_outputs(tmp_path / "r", {}, table, {"x": 1}, "csv", texts={"verdict.txt": "基准：甲\n"})
    assert (out / "verdict.txt").read_text(encoding="utf-8") == "基准：甲\n" and (out / "t.csv").is_file()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", boom)
    with pytest.raises(WriteFailed, match="writing the results failed: disk full"):
        write_outputs(tmp_path / "s", {}, table, {"x": 1}, "csv", texts={"verdict.txt": "v"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_default_output_directory_is_new_each_time(tmp_path, monkeypatch, default_config):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        assert main(["run", str(default_config), "--replications", "1", "--quiet"]) == 0
    runs = sorted(Path("runs").iterdir())
    assert len(runs) == 2 and all(p.name.startswith("jinan-circle-") for p in runs)


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
