"""Loading a scenario: every shipped config with its data files, and the hash that decides whether
a campaign reruns a config (it follows what the model reads, not how the YAML is laid out)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import CONFIGS, base_dict

from stocksim.scenario import load_scenario


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_loads_with_the_data_files_it_names(config):
    ls = load_scenario(config)
    s = ls.scenario
    n = len(s.cities)
    assert ls.city_km.shape == (n, n)
    np.testing.assert_allclose(ls.city_km, ls.city_km.T)
    assert np.all(np.diag(ls.city_km) == 0) and np.all(ls.city_km[~np.eye(n, dtype=bool)] > 0)
    if s.epidemic.model == "census":
        assert ls.census is not None and ls.census.shape == (s.horizon_days, n, 4)
        assert ls.census.sum() > 0
    else:
        assert ls.census is None


def _write(folder, d, census: str, **dump) -> str:
    (folder / "w.csv").write_text(census)
    path = folder / "s.yaml"
    path.write_text(yaml.safe_dump(d, **dump))
    return str(path)


def test_the_hash_follows_the_scenario_and_its_data_not_the_yaml_layout(tmp_path):
    d = base_dict(epidemic={"model": "census", "file": "w.csv"})
    census = "day,city,mild,severe,icu,swabs\n0,a,1,0,0,0\n"
    first = load_scenario(_write(tmp_path, d, census)).config_hash()
    # The same scenario, keys in another order and a comment: the same hash.
    path = _write(tmp_path, d, census, sort_keys=False)
    (tmp_path / "s.yaml").write_text("# a note\n" + (tmp_path / "s.yaml").read_text())
    assert load_scenario(path).config_hash() == first
    # A value changed, or a number in the census file: another hash.
    assert load_scenario(_write(tmp_path, {**d, "horizon_days": 31}, census)).config_hash() != first
    assert load_scenario(_write(tmp_path, d, census.replace("0,a,1", "0,a,2"))).config_hash() != first
