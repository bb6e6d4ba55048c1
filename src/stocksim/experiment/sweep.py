"""Sweeps: scenarios derived from a base over a grid of values (``--set``) crossed with a Latin
hypercube over intervals (``--range``), each written as a config file and run as a campaign."""

from __future__ import annotations

import itertools
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from stocksim.scenario.errors import ConfigError
from stocksim.scenario.limits import MAX_SWEEP_POINTS
from stocksim.scenario.loader import parse_scenario
from stocksim.scenario.yamltext import read_yaml, read_yaml_file
from stocksim.store.lock import unusable


def path_parts(path: str) -> list:
    """A dotted path with [i] list indices as keys and indices: ``cities[0].stock.x`` -> ['cities', 0, 'stock', 'x']."""
    parts: list = []
    for token in path.split("."):
        name, *idx = token.replace("]", "").split("[")
        if name:
            parts.append(name)
        parts.extend(int(i) for i in idx)
    return parts


def set_path(data: dict, path: str, value, source: str = "--set") -> None:
    """Set ``data`` at a dotted path with [i] list indices, e.g. ``cities[0].stock.n95_respirator``."""
    try:
        parts = path_parts(path)
    except ValueError:
        raise ConfigError(source, path, "a list index must be a whole number, as in cities[0]", path) from None
    node = data
    try:
        for key in parts[:-1]:
            node = node[key]
        if isinstance(node, dict) and parts[-1] not in node and not isinstance(parts[-1], str):
            raise KeyError(parts[-1])
        if isinstance(node, list) and not isinstance(parts[-1], int):
            raise KeyError(parts[-1])
        node[parts[-1]] = value
    except (KeyError, IndexError, TypeError):
        raise ConfigError(source, path, "no such place in the base scenario", path) from None


def parse_value(text: str):
    """A swept value: a number if it reads as one, else YAML (true, a mapping, a word)."""
    try:
        return read_yaml(text, "--set")  # the scenario's own reading: 1e6 is a number
    except ConfigError:
        return text


def sweep_points(
    sets: list[tuple[str, list]], ranges: list[tuple[str, float, float]], lhs: int | None, seed: int
) -> list[dict]:
    """The grid: every combination of the --set values, crossed with a Latin hypercube of
    ``lhs`` points over the --range intervals (scipy.stats.qmc, seeded); at most ``MAX_SWEEP_POINTS``."""
    count = math.prod(len(values) for _, values in sets) * ((lhs or 1) if ranges else 1)
    if count > MAX_SWEEP_POINTS:
        raise ConfigError(
            "--set/--lhs", "", f"{count:,} scenarios, more than the limit of {MAX_SWEEP_POINTS:,} for one sweep", count
        )
    grid = [dict(zip([p for p, _ in sets], combo, strict=True)) for combo in itertools.product(*[v for _, v in sets])]
    if ranges:
        from scipy.stats import qmc

        if not lhs:
            raise ConfigError("--range", "", "needs --lhs N (the number of Latin hypercube points)")
        unit = qmc.LatinHypercube(d=len(ranges), seed=seed).random(lhs)
        lows = np.array([lo for _, lo, _ in ranges])
        highs = np.array([hi for _, _, hi in ranges])
        pts = qmc.scale(unit, lows, highs)
        lhs_points = [{p: float(v) for (p, _, _), v in zip(ranges, row, strict=True)} for row in pts]
        grid = [g | h for g in grid for h in lhs_points]
    return grid


DATA_KEYS = (("epidemic", "file"), ("distances", "file"), ("inventory", "file"))


@dataclass(frozen=True)
class Derived:
    path: Path  # where the config is to be written
    text: str
    point: dict  # the swept values


def derive_configs(base: Path, points: list[dict], folder: Path) -> list[Derived]:
    """One config per point, each validated, none written yet (a bad --set or --range, a path the
    schema does not have or a value it refuses, is found before anything is written); data file
    paths are rewritten relative to ``folder``."""
    data = read_yaml_file(base)
    derived = []
    for k, point in enumerate(points):
        d = json.loads(json.dumps(data, default=str))  # YAML dates (start_date: 2020-01-24) as ISO text
        for path, value in point.items():
            set_path(d, path, value)
        d["name"] = f"{d.get('name', base.stem)}-{k:03d}"
        _rebase_files(d, base.parent, folder)
        parse_scenario(d, f"{base} with {point}")
        text = f"# derived from {base.name} by stocksim sweep: {json.dumps(point)}\n" + yaml.safe_dump(
            d, sort_keys=False, allow_unicode=True
        )
        derived.append(Derived(folder / f"{d['name']}.yaml", text, point))
    return derived


def write_configs(derived: list[Derived]) -> list[tuple[Path, dict]]:
    """Write the derived configs (a config already there with the same text is left as it is, so
    that a resumed sweep finds its runs finished)."""
    for c in derived:
        try:
            c.path.parent.mkdir(parents=True, exist_ok=True)
            if not c.path.exists() or c.path.read_text(encoding="utf-8") != c.text:
                c.path.write_text(c.text, encoding="utf-8")
        except OSError as exc:
            raise unusable(c.path.parent, exc) from None
    return [(c.path, c.point) for c in derived]


def _rebase_files(d: dict, old: Path, new: Path) -> None:
    def rebase(rel: str) -> str:
        return os.path.relpath((old / rel).resolve(), new.resolve())

    for section, key in DATA_KEYS:
        if isinstance(d.get(section), dict) and d[section].get(key):
            d[section][key] = rebase(d[section][key])
    mobility = d.get("epidemic", {}).get("mobility") if isinstance(d.get("epidemic"), dict) else None
    if isinstance(mobility, dict) and mobility.get("matrix"):
        mobility["matrix"] = rebase(mobility["matrix"])
    observed = d.get("reserve", {}).get("observed") if isinstance(d.get("reserve"), dict) else None
    if isinstance(observed, dict) and observed.get("file"):
        observed["file"] = rebase(observed["file"])
