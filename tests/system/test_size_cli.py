"""``stocksim size`` and ``stocksim compare --at equal-cost`` from the command line."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import base_dict

from stocksim.cli import main


def _config(tmp_path) -> str:
    d = base_dict(replications=20, horizon_days=20,
                  demand={"noise": "poisson", "routine_per_health_worker_day": {"x": 1.0}},
                  reserve={"coverage_days": 20, "daily_max": "full_load", "pools": "single"})  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d))
    return str(path)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--target", "p_stockout<5"], "--target: expected METRIC<=X or METRIC>=X"),
        (["--target", "stockouts<=0.05"], "unknown metric 'stockouts'"),
        (["--target", "p_stockout<=1.5"], "must be in [0, 1]"),
        (["--target", "p_stockout@nowhere<=0.05"], "unknown city 'nowhere'"),
        (["--target", "p_stockout<=0.05", "--by", "weeks"], "--by: expected one of coverage_days, reserve_scale"),
        (["--target", "p_stockout<=0.05", "--policies", "independant"], "unknown procurement mode 'independant'"),
    ],
)
def test_bad_options_exit_2_with_one_clear_line_and_write_nothing(tmp_path, capsys, args, needle):
    out = tmp_path / "out"
    code = main(["size", _config(tmp_path), "--out", str(out), *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and needle in err, err
    assert not out.exists()


def test_size_writes_the_table_and_the_sentences_in_both_languages(tmp_path, capsys):
    config = _config(tmp_path)
    for lang, words in (("en", "is the smallest that keeps"), ("zh", "至少需")):
        out = tmp_path / f"out-{lang}"
        code = main(["size", config, "--target", "p_stockout<=0.1", "--policies", "none", "--out", str(out),
                     "--lang", lang, "--workers", "1"])  # fmt: skip
        printed = capsys.readouterr().out
        assert code == 0
        table = pd.read_csv(out / "size.csv")
        assert set(table["policy"]) == {"none"} and table["reachable"].all()
        text = (out / "size.txt").read_text(encoding="utf-8")
        assert words in text and words in printed
        assert (out / "manifest.json").is_file()


def test_compare_at_equal_cost_writes_the_factors(tmp_path, capsys, default_config):
    out = tmp_path / "cmp"
    code = main(["compare", str(default_config), "--policies", "independent,joint", "--replications", "3",
                 "--at", "equal-cost", "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    eq = pd.read_csv(out / "equal_cost.csv")
    assert list(eq["policy"]) == ["joint"] and abs(eq["gap"].iloc[0]) <= 0.01 and eq["matched"].all()
    verdict = (out / "verdict.txt").read_text(encoding="utf-8")
    assert "at equal cost, joint: reorder point and order-up-to level x" in verdict and "at equal cost" in printed
