"""One writer per place; what a dead writer left is removed by the next one or by ``stocksim clean``;
every output-location problem is one message, never a traceback, and leaves nothing."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil

import pandas as pd
import pytest
import yaml
from conftest import base_dict

from stocksim.cli import main
from stocksim.store import lock
from stocksim.store.lock import OutputBusy, clean, output_lock


def _config(tmp_path):
    cfg = tmp_path / "s.yaml"
    cfg.write_text(yaml.safe_dump(base_dict()))
    return cfg


def _hold_elsewhere(out):
    """The lock on ``out`` as another process would hold it: an open file description of its own."""
    path = lock.lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, b"4242\n")
    return fd


def test_a_second_writer_is_refused_with_the_first_ones_pid(tmp_path, capsys):
    cfg, out = _config(tmp_path), tmp_path / "r"
    fd = _hold_elsewhere(out)
    try:
        assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 2
    finally:
        os.close(fd)
    err = capsys.readouterr().err
    assert f"{out}: another stocksim process (pid 4242) is writing there" in err
    assert not out.exists() and not list(tmp_path.glob(".r.partial-*"))
    assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 0  # free again: the lock was the kernel's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "s.yaml"]


def test_the_lock_is_reentrant_within_a_process_and_removed_on_release(tmp_path):
    out = tmp_path / "r"
    with output_lock(out):
        with output_lock(out):  # a command and the writer it calls
            assert lock.lock_path(out).read_text() == f"{os.getpid()}\n"
        assert lock.lock_path(out).exists()
        with pytest.raises(OutputBusy):  # another open file description is another writer
            os.close(lock.acquire(out))
    assert list(tmp_path.iterdir()) == []


def test_the_next_writer_removes_a_dead_runs_staging_and_puts_back_a_set_aside_run(tmp_path, caplog):
    cfg = _config(tmp_path)
    (tmp_path / ".r.partial-999999" / ".parts").mkdir(parents=True)  # a run that died
    (tmp_path / ".r.partial-3.partial-7").mkdir()  # the staging folder of a run into "r.partial-3"
    (tmp_path / ".q.old-12").mkdir()  # killed between setting "q" aside and moving its successor in
    (tmp_path / ".q.old-12" / "manifest.json").write_text("{}")
    assert main(["run", str(cfg), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    assert "removed what was left by an earlier run" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == [".q.old-12", ".r.partial-3.partial-7", "r", "s.yaml"]
    assert main(["run", str(cfg), "--out", str(tmp_path / "q"), "--quiet"]) == 2  # put back, so it exists
    assert (tmp_path / "q" / "manifest.json").read_text() == "{}"
    assert not (tmp_path / ".q.old-12").exists()


def test_clean_removes_what_dead_runs_left_and_nothing_else(tmp_path, capsys):
    camp = tmp_path / "camp"
    (camp / "s0").mkdir(parents=True)
    (camp / "s0" / "manifest.json").write_text("{}")  # a finished run
    (camp / "s0" / ".hidden.partial-1").mkdir()  # inside a finished run: not looked at
    (camp / ".s1.partial-999999").mkdir()
    (camp / ".s1.lock").write_text("999999\n")
    (camp / ".index.csv.tmp-999999").write_text("x")
    (tmp_path / ".notes.lock").write_text("not ours")  # someone else's lock file
    fd = _hold_elsewhere(tmp_path / "live")  # a live run
    (tmp_path / ".live.partial-4242").mkdir()
    try:
        assert main(["clean", str(tmp_path)]) == 0
    finally:
        os.close(fd)
    printed = capsys.readouterr().out
    assert f"removed {camp / '.s1.partial-999999'}" in printed and f"removed {camp / '.s1.lock'}" in printed
    assert f"removed {camp / '.index.csv.tmp-999999'}" in printed
    assert f"left alone {tmp_path / 'live'}: being written by pid 4242" in printed
    remaining = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert remaining == [
        ".live.lock", ".live.partial-4242", ".notes.lock", "camp", "camp/s0", "camp/s0/.hidden.partial-1",
        "camp/s0/manifest.json",
    ]  # fmt: skip
    assert main(["clean", str(tmp_path / "camp")]) == 0
    assert "nothing to clean" in capsys.readouterr().out
    result = clean(tmp_path)  # the live run has ended: what it left is stale now
    assert result.removed == [tmp_path / ".live.partial-4242", tmp_path / ".live.lock"] and result.busy == []


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.EROFS, "the file system is read-only"), (errno.EACCES, "no permission to write there")],
)
def test_a_place_that_cannot_be_written_is_one_message(code, words, tmp_path, monkeypatch, capsys):
    cfg = _config(tmp_path)
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(".lock"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(lock.os, "open", refuse)
    assert main(["run", str(cfg), "--out", str(tmp_path / "r"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'r'}: cannot write the results there: {words}" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [cfg]


@pytest.mark.parametrize("command", ["run", "compare", "campaign", "sweep"])
def test_an_out_below_or_at_a_file_is_one_message(command, tmp_path, capsys):
    cfg = _config(tmp_path)
    a_file = tmp_path / "f.txt"
    a_file.write_text("precious")
    out = a_file if command in ("campaign", "sweep") else a_file / "r"
    extra = ["--set", "seed=1,2"] if command == "sweep" else []
    assert main([command, str(cfg), "--out", str(out), "--quiet", *extra]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and ("not a folder" in err) and "Traceback" not in err
    assert a_file.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt", "s.yaml"]


def test_a_full_disk_during_the_csv_join_is_one_message_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    import stocksim.store.rundir as rundir

    cfg = _config(tmp_path)
    real = shutil.copyfileobj

    def full(src, dst, *args):
        dst.write("half a row")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst.name))

    monkeypatch.setattr(rundir.shutil, "copyfileobj", full)
    out = tmp_path / "r"
    assert main(["run", str(cfg), "--out", str(out), "--format", "csv", "--workers", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{out}: writing the results failed: No space left on device" in err and "nothing was written" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == [cfg]
    monkeypatch.setattr(rundir.shutil, "copyfileobj", real)
    assert main(["run", str(cfg), "--out", str(out), "--format", "csv", "--workers", "1", "--quiet"]) == 0
    assert len(pd.read_csv(out / "daily.csv")) == 30  # one replication, one city, one item, 30 days
