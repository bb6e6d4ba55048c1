"""What the command line prints: progress as plain lines when not a terminal, nothing when quiet."""

from __future__ import annotations

from conftest import DEFAULT

from stocksim.cli import main


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
