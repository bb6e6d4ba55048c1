"""``stocksim sensitivity`` from the command line: its files, its words in both languages, and
bad input refused with exit code 2, one clear line and nothing written."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from conftest import base_dict

from stocksim.cli import main
from stocksim.experiment.sensitivity import SOBOL_COLUMNS, TORNADO_COLUMNS


def _config(tmp_path) -> str:
    """One city, an uncertain price and an uncertain rate of use, no procurement (by hand: unmet
    use 230 / 500 / 770 at the rate's 5th / 50th / 95th percentile)."""
    d = base_dict(
        items=[
            {"id": "x", "name": "X", "name_zh": "口罩", "shelf_life_days": 10_000,
             "unit_cost_cny": {"dist": "uniform", "low": 1, "high": 3}}
        ],
        demand={"noise": "none", "routine_per_health_worker_day": {"x": {"dist": "uniform", "low": 0.1, "high": 0.3}}},
    )  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_tornado_writes_its_table_chart_and_words(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["sensitivity", _config(tmp_path), "--replications", "2", "--workers", "1", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "sensitivity.csv",
        "sensitivity.txt",
        "tornado.png",
    ]
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns) == list(TORNADO_COLUMNS)
    assert len(table) == 4 * 2 * 2  # metrics x inputs x ends
    assert (out / "tornado.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = (out / "sensitivity.txt").read_text(encoding="utf-8")
    sentence = (
        "Routine uses per health worker a day (X) moves unmet use of the circle the most: from 230 units [230, 230] "
        "at its 5th percentile (0.11) to 770 units [770, 770] at its 95th (0.29), against 500 units [500, 500] "
        "with every input at its base; no clear effect: unit cost in CNY (X)."
    )
    assert sentence in text and sentence in printed
    info = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert info["method"] == "tornado" and info["runs"] == 5 and info["replications"] == 2
    assert [i["path"] for i in info["inputs"]] == ["items[0].unit_cost_cny", "demand.routine_per_health_worker_day.x"]


def test_sobol_in_chinese(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["sensitivity", _config(tmp_path), "--method", "sobol", "--n", "4", "--replications", "1"]
    code = main([*args, "--metric", "unmet", "--workers", "1", "--lang", "zh", "--out", str(out), "--quiet"])
    assert code == 0 and capsys.readouterr().out == ""
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "sensitivity.csv", "sensitivity.txt", "sobol.png"]
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns) == list(SOBOL_COLUMNS) and set(table["runs"]) == {16}
    text = (out / "sensitivity.txt").read_text(encoding="utf-8")
    assert "N = 4，共16次模型运行，每次1次重复" in text
    assert "全经济圈的未满足需求的方差中医务人员人均每日常规用量（口罩）解释最多" in text


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--vary", "cities[0].stok.x=1:5"], "--vary: cities[0].stok.x=1:5: no such place in the scenario"),
        (["--vary", "cities[0].stock.x=5:1"], "needs LOW < HIGH"),
        (["--vary", "cities[0].stock.x"], "expected PATH=LOW:HIGH"),
        (["--vary", "cities[0].designated_icu_share=0:2"], "cities[0].designated_icu_share: must be between 0 and 1"),
        (["--metric", "p_stockot"], "unknown metric 'p_stockot'"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(tmp_path, capsys, extra, needle):
    out = tmp_path / "out"
    code = main(["sensitivity", _config(tmp_path), "--out", str(out), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and needle in err, err
    assert not out.exists() and not any(p.name.startswith(".out") for p in tmp_path.iterdir())


def test_no_uncertain_input_and_a_bad_n_are_refused(tmp_path, capsys):
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(base_dict()), encoding="utf-8")
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "no uncertain inputs" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:  # argparse: exit 2 with its usage line
        main(["sensitivity", str(path), "--method", "sobol", "--n", "6"])
    assert exc.value.code == 2 and "power of 2" in capsys.readouterr().err
