"""What the command line prints: progress as plain lines when not a terminal, nothing when quiet."""

from __future__ import annotations

from conftest import DEFAULT, base_dict, loaded

from stocksim.cli import main
from stocksim.experiment.run import run
from stocksim.present.terminal import compliance_table


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


def test_compliance_table_shows_the_routine_share_of_the_daily_max():
    city = base_dict()["cities"][0]
    d = base_dict(
        horizon_days=3,
        reserve={"coverage_days": 30, "daily_max": "full_load"},
        cities=[
            {**city, "designated_beds": 200, "designated_icu_share": 0.25, "health_workers": 1000},
            {**city, "id": "b", "name": "B", "designated_beds": 40, "health_workers": 10},
        ],
        demand={
            "routine_per_health_worker_day": {"x": 0.5},
            "per_patient_day": {"severe": {"x": 2.0}, "icu": {"x": 4.0}},
        },
    )
    ld = loaded(d)
    text = compliance_table(run(ld).summary, ld).splitlines()
    assert "full_load at level none" in text[0]
    at = text.index("Routine use by health workers, share of the daily max (the rest: patient care and swabs):")
    # A: 1000 x 0.5 = 500 routine of 200 x (0.75 x 2 + 0.25 x 4) + 500 = 1000; B: 5 of 40 x 2 + 5 = 85;
    # the circle: 505 of 1085.
    assert [line.split() for line in text[at + 2 : at + 5]] == [["A", "50%"], ["B", "6%"], ["Circle", "(all)", "47%"]]
    d["reserve"] = {"daily_max": "declared", "declared": {"a": {"x": 1}, "b": {"x": 1}}}
    assert "Routine use" not in compliance_table(run(loaded(d)).summary, loaded(d))  # a declared figure does not say
