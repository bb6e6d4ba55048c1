"""``stocksim run --events``: the four modes are accepted and written as named in the manifest;
any other is refused with exit code 2 before anything is written."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from conftest import base_dict

from stocksim.cli import main
from stocksim.supply.events import EVENT_MODES


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cfg") / "s.yaml"
    path.write_text(yaml.safe_dump(base_dict(replications=2, horizon_days=10)))
    return str(path)


@pytest.mark.parametrize("mode", list(EVENT_MODES))
def test_each_event_mode_runs_and_the_manifest_names_it(config, tmp_path, mode):
    out = tmp_path / "out"
    assert main(["run", config, "--quiet", "--workers", "1", "--events", mode, "--out", str(out)]) == 0
    info = json.loads((out / "manifest.json").read_text())
    kinds = ", ".join(EVENT_MODES[mode])
    assert info["events"] == {"full": "full", "none": "none"}.get(mode, f"{mode} ({kinds})")
    events = pd.read_parquet(out / "events.parquet")
    assert set(events["kind"].astype(str)) <= set(EVENT_MODES[mode])
    assert mode != "none" or events.empty


@pytest.mark.parametrize("bad", ["off", "None", "deliveries", ""])
def test_another_event_mode_is_refused_with_exit_2_and_nothing_written(config, tmp_path, capsys, bad):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        main(["run", config, "--events", bad, "--out", str(out)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--events" in err and "invalid choice" in err and "'full', 'orders', 'levels', 'none'" in err
    assert not out.exists()
