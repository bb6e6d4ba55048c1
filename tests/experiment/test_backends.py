"""Where batches run: one process, local workers or a Dask cluster give identical tables."""

from __future__ import annotations

import json

import pandas as pd
from conftest import DEFAULT, run_tables

from stocksim.experiment.backends import Backend
from stocksim.experiment.run import run_to_dir
from stocksim.scenario import load_scenario


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
