"""The bounded YAML reader every door uses: scientific notation, limits on depth and on what aliases
expand to (at the exact boundary), repeated keys, and messages that never render an expanded value."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from stocksim.scenario import ConfigError, read_yaml, read_yaml_file, yamltext
from stocksim.scenario.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH


def test_scientific_notation_is_a_number_and_other_scalars_keep_their_type():
    data = read_yaml(
        "a: 1e6\nb: -2.5E-3\nc: 1.0e+6\nd: 1_000\ne: .5\nf: 3\ng: abc1e5\nh: 1e\ni: e5\nj: 2020-01-24\nk: '1e6'\n",
        "x.yaml",
    )
    assert data == {
        "a": 1_000_000.0, "b": -0.0025, "c": 1_000_000.0, "d": 1000, "e": 0.5, "f": 3,
        "g": "abc1e5", "h": "1e", "i": "e5", "j": dt.date(2020, 1, 24), "k": "1e6",
    }  # fmt: skip
    assert type(data["a"]) is float and type(data["f"]) is int


def test_plain_pyyaml_still_reads_1e6_as_text():
    # The reason for the resolver: YAML 1.1 needs a dot and a signed exponent.
    assert yaml.safe_load("a: 1e6") == {"a": "1e6"}


def test_an_alias_that_shares_a_table_is_read():
    data = read_yaml("stock: &s {x: 5, y: 7}\ncities:\n  - {id: a, stock: *s}\n  - {id: b, stock: *s}\n", "x.yaml")
    assert data["cities"][1]["stock"] == {"x": 5, "y": 7}


def _nested(depth: int) -> str:
    """A document of ``depth`` collections nested in each other (the top mapping is level 1)."""
    return "a: " + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "\n"


def test_nesting_is_refused_one_level_past_the_limit():
    assert read_yaml(_nested(MAX_YAML_DEPTH), "x.yaml")
    with pytest.raises(ConfigError, match=f"line 1, column .*: nested more than {MAX_YAML_DEPTH} levels deep"):
        read_yaml(_nested(MAX_YAML_DEPTH + 1), "x.yaml")


def test_expansion_is_counted_exactly(monkeypatch):
    # the mapping, its key, the list and three numbers: 6 values; with the alias, 6 + 1 + 4 = 11
    text = "a: &l [1, 2, 3]\nb: *l\n"
    monkeypatch.setattr(yamltext, "MAX_YAML_VALUES", 10)
    with pytest.raises(ConfigError, match="more than 10 values"):
        read_yaml(text, "x.yaml")
    monkeypatch.setattr(yamltext, "MAX_YAML_VALUES", 11)
    assert read_yaml(text, "x.yaml") == {"a": [1, 2, 3], "b": [1, 2, 3]}


def test_an_alias_bomb_is_refused_without_rendering_anything():
    lines = ["l0: &l0 ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    lines += [f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * 9)}]" for k in range(1, 9)]
    with pytest.raises(ConfigError) as err:
        read_yaml("\n".join(lines), "bomb.yaml")
    assert "lol" not in str(err.value) and len(str(err.value)) < 300
    # refused at the alias that first takes the count past the limit: the 3rd of level 5 (9**5 = 59,049 each)
    assert str(err.value).startswith("bomb.yaml: line 6, column 25: with its aliases expanded")


def test_a_recursive_alias_is_refused():
    with pytest.raises(ConfigError, match="line 2, column 6: .*recursive structure"):
        read_yaml("a: &a\n  b: *a\n", "x.yaml")


def test_a_repeated_key_names_it_and_its_line():
    with pytest.raises(ConfigError, match=r"x.yaml: line 3, column 3: key 'b' appears twice"):
        read_yaml("a:\n  b: 1\n  b: 2\n", "x.yaml")


def test_size_is_checked_for_text_bytes_and_files(tmp_path):
    big = "a: 1\n" + "#" * MAX_YAML_BYTES
    with pytest.raises(ConfigError, match="larger than the limit of 1,000,000"):
        read_yaml(big, "x.yaml")
    with pytest.raises(ConfigError, match="larger than the limit"):
        read_yaml(big.encode(), "x.yaml")
    (tmp_path / "big.yaml").write_text(big)
    with pytest.raises(ConfigError, match="big.yaml: .* larger than the limit"):
        read_yaml_file(tmp_path / "big.yaml")


def test_bytes_that_are_not_utf8_are_refused():
    with pytest.raises(ConfigError, match="not UTF-8"):
        read_yaml("name: caf\xe9".encode("latin-1"), "upload")
