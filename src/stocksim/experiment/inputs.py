"""The uncertain inputs of a scenario, for a sensitivity analysis, and the scenario with each of
them fixed to a value.

An input is every distribution the scenario holds (found by walking the validated model, so a
key added to the schema later is found too), plus every ``--vary PATH=LOW:HIGH`` (PATH in the
syntax of ``sweep --set``: ``epidemic.r0``, ``cities[0].stock.n95_respirator``). Each input has
a low and a high end and a base:

- a distribution: its 5th and 95th percentiles, base its median (``scenario.uncertain``'s
  quantiles, in the parameterisation its draws use). Every uncertain number of a scenario is
  drawn clipped at 0, so its percentiles are too;
- ``--vary`` on a number: LOW and HIGH, base the scenario's own value; on a distribution: LOW
  and HIGH, base the distribution's median.

Between its ends an input takes values through ``Input.at(u)``, u in [0, 1]: a distribution's
quantile function between its 5th and 95th percentiles (its shape, truncated to that range), a
``--vary`` range linearly. A key that holds whole numbers takes whole values (rounded).

Fixing an input rewrites the scenario: the input's place holds the number instead of the
distribution, and the result is validated again (schema and checks), so a value the scenario
does not allow is refused with the place and the value named. Most distributions are drawn once
per replication; a supplier's ``lead_time_days`` is drawn for every shipment, so fixing it sets
every shipment's lead time (``Input.drawn`` says which).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from stocksim.experiment.sweep import path_parts, set_path
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import LoadedScenario, format_loc, parse_scenario
from stocksim.scenario.schema import Scenario
from stocksim.scenario.uncertain import is_uncertain

LOW_PERCENTILE, HIGH_PERCENTILE = 0.05, 0.95
PER_SHIPMENT = ("lead_time_days",)  # a supplier's keys drawn per shipment (draws.params.draw_lead_times)


@dataclass(frozen=True)
class Input:
    """One uncertain input: where it is, its two ends and its base value."""

    path: str
    low: float
    base: float
    high: float
    source: str  # "distribution" (found in the scenario) or "vary" (--vary)
    drawn: str  # "replication", "shipment", or "" (a number in the scenario, varied by --vary)
    dist: Any = None  # the scenario's distribution, if it is one
    whole: bool = False  # a key of whole numbers: values are rounded

    def at(self, u: np.ndarray) -> np.ndarray:
        """The input's values at fractions ``u`` (in [0, 1]) of its range from ``low`` to ``high``."""
        u = np.asarray(u, dtype=float)
        if self.source == "distribution":
            q = LOW_PERCENTILE + (HIGH_PERCENTILE - LOW_PERCENTILE) * u
            return np.maximum(np.asarray(self.dist.quantile(q), dtype=float), 0.0)
        return self.low + (self.high - self.low) * u

    def describe(self) -> str:
        """The distribution or range in a few characters, e.g. ``triangular(low=2, mode=2.4, high=3)``."""
        if self.dist is not None:
            params = ", ".join(f"{k}={v:g}" for k, v in self.dist.model_dump().items() if k != "dist")
            spec = f"{self.dist.dist}({params})"
            return spec if self.source == "distribution" else f"{spec}, varied {self.low:g}:{self.high:g}"
        return f"{self.base:g}, varied {self.low:g}:{self.high:g}"


def distributions(s: Scenario) -> list[tuple[str, BaseModel]]:
    """Every distribution in the scenario with its path, in the order of the schema's fields."""
    found: list[tuple[str, BaseModel]] = []

    def walk(node: Any, loc: tuple) -> None:
        if is_uncertain(node):
            found.append((format_loc(loc), node))
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), (*loc, name))
        elif isinstance(node, list | tuple):
            for k, value in enumerate(node):
                walk(value, (*loc, k))
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*loc, key))

    walk(s, ())
    return found


def parse_vary(spec: str) -> tuple[str, float, float]:
    """``PATH=LOW:HIGH`` -> (path, low, high), refused (``--vary``, exit 2) unless LOW < HIGH are numbers."""
    path, sep, span = spec.partition("=")
    low, colon, high = span.partition(":")
    if not sep or not colon or not path.strip():
        raise ConfigError("--vary", spec, "expected PATH=LOW:HIGH, e.g. epidemic.r0=2.0:3.0", spec)
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise ConfigError("--vary", spec, "LOW and HIGH must be numbers", span) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ConfigError("--vary", spec, "needs LOW < HIGH", span)
    return path.strip(), lo, hi


def find_inputs(s: Scenario, varies: Sequence[str] = ()) -> list[Input]:
    """The scenario's distributions, then the ``--vary`` inputs (a ``--vary`` on a distribution
    takes its place: its range is the one given)."""
    dumped = s.model_dump(mode="json")
    varied = [_vary_input(s, dumped, spec) for spec in varies]
    paths = [i.path for i in varied]
    if len(set(paths)) < len(paths):
        twice = next(p for p in paths if paths.count(p) > 1)
        raise ConfigError("--vary", twice, "the same place is varied twice", twice)
    found = [_distribution_input(path, dist) for path, dist in distributions(s) if path not in paths]
    return found + varied


def _distribution_input(path: str, dist: Any) -> Input:
    low, base, high = (max(float(v), 0.0) for v in dist.quantile([LOW_PERCENTILE, 0.5, HIGH_PERCENTILE]))
    drawn = "shipment" if path.startswith("suppliers[") and path.endswith(PER_SHIPMENT) else "replication"
    return Input(path, low, base, high, "distribution", drawn, dist)


def _vary_input(s: Scenario, dumped: dict, spec: str) -> Input:
    path, low, high = parse_vary(spec)
    value = _get(dumped, path, spec)
    if isinstance(value, dict) and "dist" in value:
        dist = dict(distributions(s))[format_loc(tuple(path_parts(path)))]
        base = max(float(dist.quantile(0.5)), 0.0)
        drawn = "shipment" if path.endswith(PER_SHIPMENT) and path.startswith("suppliers[") else "replication"
        return Input(format_loc(tuple(path_parts(path))), low, base, high, "vary", drawn, dist)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError("--vary", spec, f"{path} holds {value!r}, not a number or a distribution", value)
    whole = isinstance(value, int)
    if whole and not (low.is_integer() and high.is_integer()):
        raise ConfigError("--vary", spec, f"{path} holds whole numbers: LOW and HIGH must be whole", span_of(spec))
    return Input(format_loc(tuple(path_parts(path))), low, float(value), high, "vary", "", whole=whole)


def span_of(spec: str) -> str:
    return spec.partition("=")[2]


def _get(dumped: dict, path: str, spec: str) -> Any:
    """The value at ``path`` of the resolved scenario; refused if there is none or it lies inside a distribution."""
    try:
        parts = path_parts(path)
    except ValueError:
        raise ConfigError("--vary", spec, "a list index must be a whole number, as in cities[0]", path) from None
    node: Any = dumped
    try:
        for key in parts:
            if isinstance(node, dict) and "dist" in node:
                raise ConfigError(
                    "--vary", spec, "a parameter of a distribution: vary the distribution itself (PATH=LOW:HIGH)", path
                )
            if (isinstance(node, list) and not isinstance(key, int)) or (isinstance(node, dict) and key not in node):
                raise KeyError(key)
            node = node[key]
    except (KeyError, IndexError, TypeError):
        raise ConfigError(
            "--vary", spec, "no such place in the scenario (syntax as --set: cities[0].stock.x)", path
        ) from None
    return node


class Fixer:
    """The scenario with every input fixed to a value: ``at(values)`` rewrites the resolved
    scenario, validates it again and reads its data files (a --vary may change what they give)."""

    def __init__(self, loaded: LoadedScenario, inputs: Sequence[Input]) -> None:
        self.loaded, self.inputs = loaded, list(inputs)
        self._dumped = json.dumps(loaded.scenario.model_dump(mode="json"))

    def at(self, values: Sequence[float], what: str = "") -> LoadedScenario:
        """The loaded scenario with input k at ``values[k]``; ``what`` names the point in an error."""
        d = json.loads(self._dumped)
        for inp, value in zip(self.inputs, values, strict=True):
            set_path(d, inp.path, round(value) if inp.whole else float(value), "--vary")
        source = f"{self.loaded.source} ({what})" if what else self.loaded.source
        scenario = parse_scenario(d, source)
        return LoadedScenario.read(scenario, self.loaded.source, self.loaded.base_dir)

    def base(self) -> list[float]:
        return [i.base for i in self.inputs]
