"""A real Dask cluster on loopback: ``dask scheduler`` and ``dask worker`` started as separate
processes, the worker in an empty folder of its own (as on another machine: no configs/, no
data/, no shared working directory). ``stocksim run --dask`` must give the same tables, cell
for cell, as ``--workers 1`` with the same seed: for the default scenario (a distance file),
a census scenario (a census CSV) and one with every kind of data file (distances, daily
travellers, an inventory sheet, recorded use), its paths relative to where ``stocksim`` runs.
A batch that fails on a worker stops the run with one message naming the batch, exit 1, and
nothing written."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import DEFAULT, ROOT

from stocksim.cli import main
from stocksim.scenario import load_scenario

DASK = Path(sys.executable).with_name("dask")
REPLICATIONS = "8"
# On the worker, before any task: every batch but the first fails (the first is written to the
# staging folder, which must go when the run stops). Tasks name run_batch_task by reference, so
# the worker unpickles this one.
FAULT = """
import stocksim.experiment.tasks as tasks

real = getattr(tasks, "unfaulted", tasks.run_batch_task)  # dask may import a preload twice
tasks.unfaulted = real


def run_batch_task(task):
    if task.replications[0] > 0:
        raise RuntimeError("injected fault: the worker's disk is gone")
    return real(task)


tasks.run_batch_task = run_batch_task
"""


def _stop(process: subprocess.Popen) -> None:
    """End a process started here and everything it started (its own session), by its id."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def cluster(folder: Path, preload: str | None = None):
    """A scheduler on a free loopback port and one single-threaded worker whose working directory
    is ``folder/node`` (empty); yields the scheduler's address. Both are ended on the way out."""
    if not DASK.is_file():
        pytest.skip(f"the dask command line ({DASK}) is not installed beside this Python")
    node = folder / "node"
    node.mkdir()
    info = folder / "scheduler.json"
    started: list[subprocess.Popen] = []
    logs = folder / "logs.txt"
    try:
        with logs.open("w") as log:
            scheduler = [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
            scheduler += ["--scheduler-file", str(info)]
            started.append(subprocess.Popen(scheduler, cwd=folder, stdout=log, stderr=log, start_new_session=True))
            deadline = time.monotonic() + 30
            while not info.is_file() or not info.read_text():
                assert started[0].poll() is None, logs.read_text()
                assert time.monotonic() < deadline, f"no scheduler after 30 s:\n{logs.read_text()}"
                time.sleep(0.05)
            address = json.loads(info.read_text())["address"]
            worker = [str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"]
            worker += ["--local-directory", str(node)]
            if preload:
                (folder / "fault.py").write_text(preload, encoding="utf-8")
                worker += ["--preload", str(folder / "fault.py")]
            environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # stocksim as installed
            started.append(
                subprocess.Popen(worker, cwd=node, stdout=log, stderr=log, start_new_session=True, env=environment)
            )
            from distributed import Client  # the test's own check that the worker has joined

            with Client(address, timeout="30s") as client:
                client.wait_for_workers(1, timeout=60)
                assert list(client.run(os.getcwd).values()) == [str(node)]
            assert not (node / "configs").exists() and not (node / "data").exists()
            yield address
    finally:
        for process in reversed(started):
            _stop(process)


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    with cluster(tmp_path_factory.mktemp("cluster")) as where:
        yield where


def _stocksim(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stocksim.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _tables(run: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for path in sorted(run.iterdir()):
        if path.suffix == ".parquet":
            out[path.name] = pd.read_parquet(path)
        elif path.suffix == ".csv":
            out[path.name] = pd.read_csv(path)
    return out


def _assert_same_run(on_cluster: Path, local: Path) -> None:
    cluster_tables, local_tables = _tables(on_cluster), _tables(local)
    assert sorted(cluster_tables) == sorted(local_tables)
    assert {"daily.parquet", "events.parquet", "replications.parquet", "summary.csv"} <= set(local_tables)
    for name, table in local_tables.items():
        assert len(table) > 0, name
        pd.testing.assert_frame_equal(cluster_tables[name], table, check_exact=True, obj=name)
    a, b = (json.loads((run / "manifest.json").read_text()) for run in (on_cluster, local))
    assert a["backend"].startswith("dask tcp://127.0.0.1:") and b["backend"] == "1 process"
    for key in ("config_hash", "seed", "replications", "resolved_config"):
        assert a[key] == b[key], key


def _both(config: str, cwd: Path, address: str, out: Path) -> tuple[Path, Path]:
    """The config run on the cluster (a separate ``stocksim`` process) and with --workers 1, from ``cwd``."""
    on_cluster, local = out / "cluster", out / "local"
    done = _stocksim(["run", config, "--dask", address, "--replications", REPLICATIONS, "--out", str(on_cluster)], cwd)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    here = Path.cwd()
    try:
        os.chdir(cwd)
        assert main(["run", config, "--workers", "1", "--replications", REPLICATIONS, "--out", str(local)]) == 0
    finally:
        os.chdir(here)
    return on_cluster, local


@pytest.mark.parametrize("config", ["configs/jinan-circle.yaml", "configs/jinan-census.yaml"])
def test_a_shipped_scenario_on_a_worker_without_its_files_gives_the_same_tables(address, tmp_path, config):
    assert not Path(config).is_absolute() and (ROOT / config).is_file()  # a path only the client can resolve
    _assert_same_run(*_both(config, ROOT, address, tmp_path))


def _write_scenario_with_every_data_file(folder: Path) -> tuple[str, str, str]:
    """The default scenario in ``folder/scenario/`` with its distances, daily travellers, an
    inventory sheet and recorded use as files beside it; returns its path relative to ``folder``,
    the city and the item whose stock the sheet sets."""
    s = load_scenario(DEFAULT).scenario
    cities, items = s.city_ids, s.item_ids
    where = folder / "scenario"
    (where / "data").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "reference" / "distances_km.csv", where / "data" / "distances.csv")
    rows = [",".join(["city", *cities])]
    rows += [",".join([a, *("0" if a == b else "2000" for b in cities)]) for a in cities]
    (where / "data" / "trips.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (where / "stock.csv").write_text(
        f"city,item,pool,quantity\n{cities[0]},{items[0]},working,123456\n{cities[0]},{items[1]},reserve,7890\n",
        encoding="utf-8",
    )
    use = ["day,city,item,quantity"]
    for day in range(10):  # city n, item m uses 100 + 10 n + m a day, 50 more on day 4
        for n, c in enumerate(cities):
            use += [f"{day},{c},{i},{100 + 10 * n + m + (50 if day == 4 else 0)}" for m, i in enumerate(items)]
    (where / "use.csv").write_text("\n".join(use) + "\n", encoding="utf-8")
    d = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))
    d["distances"] = {"file": "data/distances.csv"}
    d["epidemic"]["mobility"] = {"matrix": "data/trips.csv"}
    d["inventory"] = {"file": "stock.csv", "mode": "replace"}
    d["reserve"] = d["reserve"] | {"daily_max": "observed", "observed": {"file": "use.csv", "window_days": 3}}
    (where / "every-file.yaml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return "scenario/every-file.yaml", cities[0], items[0]


def test_every_kind_of_data_file_reaches_the_worker_inside_the_task(address, tmp_path):
    client = tmp_path / "client"
    config, city, item = _write_scenario_with_every_data_file(client)
    on_cluster, local = _both(config, client, address, tmp_path)
    _assert_same_run(on_cluster, local)
    reps = pd.read_parquet(on_cluster / "replications.parquet")
    mine = reps[(reps["city"] == city) & (reps["item"] == item)]
    assert (mine["initial_on_hand"] == 123456).all()  # the sheet's stock, read on the client only
    resolved = json.loads((on_cluster / "manifest.json").read_text())["resolved_config"]
    assert resolved["reserve"]["observed"]["daily_max"][city][item] == pytest.approx(100 + 50 / 3)


def test_a_batch_failing_on_a_worker_stops_the_run_with_one_message_and_nothing_written(tmp_path):
    out = tmp_path / "place" / "run"
    out.parent.mkdir()
    with cluster(tmp_path, preload=FAULT) as where:
        args = ["run", "configs/jinan-circle.yaml", "--dask", where, "--replications", REPLICATIONS]
        done = _stocksim([*args, "--out", str(out)], ROOT)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    message = [line for line in done.stderr.splitlines() if line.startswith("stocksim:")]
    assert len(message) == 1 and message[0].startswith(
        "stocksim: a batch failed: configs/jinan-circle.yaml: replications "
    )
    assert message[0].endswith("RuntimeError: injected fault: the worker's disk is gone")
    assert list(out.parent.iterdir()) == []  # no run, no staging folder, no lock
