"""Where batches run: one process, local workers or a Dask cluster give identical tables."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import DEFAULT, ROOT, run_tables

from stocksim import __version__
from stocksim.experiment.backends import Backend, _check_workers, code_fingerprint
from stocksim.experiment.run import run_to_dir
from stocksim.experiment.tasks import make_tasks
from stocksim.scenario import ConfigError, load_scenario


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
        tables[name] = run_tables(out)
        assert json.loads((out / "manifest.json").read_text())["backend"] == backend.describe()
    for name in ("two", "dask"):
        for table in ("daily", "events", "replications", "summary"):
            pd.testing.assert_frame_equal(tables[name][table], tables["one"][table], obj=f"{name} {table}")
    assert tables["one"]["daily"]["replication"].nunique() == 6


class _Cluster:
    """A Dask client's ``run`` as the worker check sees it: each worker's answer."""

    def __init__(self, answers: dict) -> None:
        self.answers = answers

    def run(self, fn, on_error: str = "raise") -> dict:
        assert fn is code_fingerprint and on_error == "return"
        return self.answers


def test_a_worker_with_another_stocksim_is_refused_naming_it_and_both_versions():
    here = code_fingerprint()
    assert re.fullmatch(rf"{re.escape(__version__)} \(code [0-9a-f]{{12}}\)", here)
    _check_workers(_Cluster({"tcp://10.0.0.1:1": here, "tcp://10.0.0.2:1": here}), "tcp://head:8786")  # same: runs
    with pytest.raises(ConfigError) as err:
        _check_workers(
            _Cluster({"tcp://10.0.0.1:1": here, "tcp://10.0.0.2:1": "0.0.9 (code 0123456789ab)"}), "tcp://h:1"
        )
    assert str(err.value) == (
        f"--dask: worker tcp://10.0.0.2:1 runs stocksim 0.0.9 (code 0123456789ab), this machine {here}: "
        "install the same stocksim on every worker (value: 'tcp://h:1')"
    )
    missing = ModuleNotFoundError("No module named 'stocksim'")
    with pytest.raises(ConfigError, match=r"worker tcp://10.0.0.3:1 cannot run this stocksim \(No module named"):
        _check_workers(_Cluster({"tcp://10.0.0.3:1": missing}), "tcp://h:1")


def test_a_task_carries_the_arrays_and_no_file_bytes():
    loaded = load_scenario(ROOT / "configs" / "jinan-census.yaml")
    assert len(loaded.data_bytes) > 0 and loaded.census is not None
    (task,) = make_tasks(loaded, 4, 1, 4, "full")
    assert task.loaded.data_bytes == b"" and task.key == loaded.config_hash()
    assert task.loaded.census is loaded.census and task.loaded.city_km is loaded.city_km
    assert task.loaded.scenario is loaded.scenario
