"""Which uncertain inputs move a result most: a tornado on common random numbers, and Sobol'
indices (SALib).

**Tornado.** Every input (``experiment.inputs``) is fixed: all at their base (a distribution at
its median), then each in turn at its low and at its high end (5th and 95th percentile, or a
``--vary`` range's ends) with the others at base: 2 x inputs + 1 points. Every point runs the
same replications with the same seed, so its demand noise, epidemic and lead-time streams are
those of the base point (common random numbers: with all inputs fixed, no point draws a
parameter the others do not). The effect of an end is the metric there minus the metric at base,
replication by replication, with the paired 95 % t interval (``compare.paired_summary``); the
inputs are ranked by the larger of their two effects in absolute value.

**Sobol'.** First-order (S1) and total (ST) indices over the same inputs, each ranging between
its two ends (``Input.at``: a distribution keeps its shape, truncated to its 5th-95th
percentiles; a ``--vary`` range is uniform). SALib samples the unit cube (``SALib.sample.sobol``,
Saltelli's scheme without second-order terms: N x (inputs + 2) model runs), each run fixes the
inputs at its point and simulates a fixed number of replications on the one seed, its output is
the metric's mean over them; ``SALib.analyze.sobol`` gives the indices and their bootstrap 95 %
confidence intervals (estimate ± ``S1_conf``, ``ST_conf``). The estimator is SALib's; this
module builds the problem, maps the sample onto the inputs, evaluates a model passed in as a
function and tabulates SALib's answer.

Metrics are ``compare``'s (``compare.per_replication_metrics``): ``p_stockout`` (a replication
in which the city, or for the circle any city, ran short of the item, or of any item), ``fill_rate``,
``unmet``, ``net_cost`` and the others there; by default for the circle and all items, or for one
city (``METRIC@CITY``) and one item (``METRIC@CITY/ITEM``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from stocksim.experiment.backends import Backend
from stocksim.experiment.compare import ALL_ITEMS, paired_summary, per_replication_metrics
from stocksim.experiment.inputs import Fixer, Input
from stocksim.experiment.run import run
from stocksim.results.stats import wilson
from stocksim.results.tables import CIRCLE
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario

# A metric's name -> its column in compare.per_replication_metrics.
METRICS = {
    "p_stockout": "stockout",
    "fill_rate": "fill_rate",
    "unmet": "unmet",
    "net_cost": "net_cost",
    "stockout_days": "stockout_days",
    "total_cost": "total_cost",
    "purchase_cost": "purchase_cost",
    "compliance_share": "compliance_share",
}
PROPORTIONS = ("p_stockout",)  # a share of replications: Wilson interval
DEFAULT_METRICS = "p_stockout,fill_rate,unmet,net_cost"
# Defaults that keep the default scenario (3 inputs) under a minute on 2 cores (benchmarks/bench_sensitivity.py).
TORNADO_REPLICATIONS = 500
SOBOL_N = 64
SOBOL_REPLICATIONS = 20
CONF_LEVEL = 0.95


@dataclass(frozen=True)
class Metric:
    name: str  # a key of METRICS
    city: str = CIRCLE  # CIRCLE: the circle (for p_stockout: any city)
    item: str = ALL_ITEMS  # ALL_ITEMS: any item, all items summed

    @property
    def label(self) -> str:
        """As written on the command line: ``p_stockout``, ``p_stockout@jinan``, ``unmet@ALL/n95_respirator``."""
        if self.city == CIRCLE and self.item == ALL_ITEMS:
            return self.name
        return f"{self.name}@{self.city}" + ("" if self.item == ALL_ITEMS else f"/{self.item}")

    @property
    def column(self) -> str:
        return METRICS[self.name]


def parse_metrics(text: str, s: Scenario) -> list[Metric]:
    """``p_stockout,fill_rate@jinan,unmet@ALL/n95_respirator`` -> metrics; unknown names refused."""
    out = []
    for spec in (p.strip() for p in text.split(",")):
        name, _, where = spec.partition("@")
        city, _, item = where.partition("/")
        if name not in METRICS:
            raise ConfigError("--metric", spec, f"unknown metric {name!r} (one of {', '.join(METRICS)})", spec)
        if city and city not in (*s.city_ids, CIRCLE):
            raise ConfigError("--metric", spec, f"unknown city {city!r} (one of {', '.join(s.city_ids)}, ALL)", spec)
        if item and item not in (*s.item_ids, ALL_ITEMS):
            raise ConfigError("--metric", spec, f"unknown item {item!r} (one of {', '.join(s.item_ids)}, ALL)", spec)
        out.append(Metric(name, city or CIRCLE, item or ALL_ITEMS))
    if len({m.label for m in out}) < len(out):
        raise ConfigError("--metric", text, "a metric is named twice", text)
    return out


def metric_frame(loaded: LoadedScenario, metrics: Sequence[Metric], replications: int, seed: int) -> pd.DataFrame:
    """Run a scenario; one row per replication and metric (city, item): ``compare``'s metrics."""
    per_rep = per_replication_metrics(run(loaded, replications=replications, seed=seed, keep_daily=False))
    cells = {(m.city, m.item) for m in metrics}
    keep = pd.Series(list(zip(per_rep["city"], per_rep["item"], strict=True))).isin(cells).to_numpy()
    columns = sorted({m.column for m in metrics})
    return per_rep.loc[keep, ["replication", "city", "item", *columns]].reset_index(drop=True)


@dataclass(frozen=True)
class PointTask:
    """One point of an analysis for a worker: the inputs' values, and what to run there."""

    fixer: Fixer
    values: tuple[float, ...]
    what: str  # the point in words, for an error message
    metrics: tuple[Metric, ...]
    replications: int
    seed: int

    def label(self) -> str:
        return f"{self.fixer.loaded.source} ({self.what})"


def run_point(task: PointTask) -> pd.DataFrame:
    return metric_frame(task.fixer.at(task.values, task.what), task.metrics, task.replications, task.seed)


def run_points(
    tasks: Sequence[PointTask], backend: Backend | None = None, on_point: Callable[[int], None] | None = None
) -> list[pd.DataFrame]:
    """Each point's metric frame, in the order of ``tasks``, run in this process or on ``backend``'s
    workers; ``on_point`` is told the replications of each point done."""
    frames: dict[int, pd.DataFrame] = {}
    for k, frame in (backend or Backend()).run(run_point, list(tasks), PointTask.label):
        frames[k] = frame
        if on_point:
            on_point(tasks[k].replications)
    return [frames[k] for k in range(len(tasks))]


# ---- tornado ----------------------------------------------------------------------------


@dataclass
class Tornado:
    inputs: list[Input]
    metrics: list[Metric]
    table: pd.DataFrame  # TORNADO_COLUMNS, two rows per input and metric, ranked
    replications: int
    seed: int
    runs: int
    wall_seconds: float


TORNADO_COLUMNS = (
    "method",
    "metric",
    "input",
    "rank",
    "end",
    "percentile",
    "input_value",
    "input_base",
    "value",
    "value_low",
    "value_high",
    "base",
    "base_low",
    "base_high",
    "effect",
    "effect_low",
    "effect_high",
    "replications",
    "seed",
)


def tornado(
    loaded: LoadedScenario,
    inputs: Sequence[Input],
    metrics: Sequence[Metric],
    replications: int = TORNADO_REPLICATIONS,
    seed: int | None = None,
    backend: Backend | None = None,
    on_point: Callable[[int], None] | None = None,
) -> Tornado:
    """Each input at its low and high end, the others at base, on one seed (see the module);
    ``on_point`` is told the replications of each point done."""
    inputs, metrics = list(inputs), list(metrics)
    seed = loaded.scenario.seed if seed is None else seed
    start = time.perf_counter()
    fixer = Fixer(loaded, inputs)
    points = tornado_points(fixer)
    tasks = [PointTask(fixer, v, what, tuple(metrics), replications, seed) for v, what in points.values()]
    frames = dict(zip(points, run_points(tasks, backend, on_point), strict=True))
    table = _tornado_table(inputs, metrics, frames, replications, seed)
    return Tornado(inputs, metrics, table, replications, seed, len(points), time.perf_counter() - start)


def tornado_points(fixer: Fixer) -> dict[str, tuple[tuple[float, ...], str]]:
    """The base point and each input's two ends, the others at base: name -> (values, in words),
    each checked (a value the scenario refuses raises ``ConfigError`` naming the place and value)."""
    points = {"base": (tuple(fixer.base()), "every input at its base")}
    for k, inp in enumerate(fixer.inputs):
        for end in ("low", "high"):
            values = fixer.base()
            values[k] = getattr(inp, end)
            points[f"{k}:{end}"] = (tuple(values), f"{inp.path} at its {end} end, {values[k]:g}")
    for values, what in points.values():
        fixer.at(values, what)
    return points


def _tornado_table(
    inputs: list[Input], metrics: list[Metric], frames: dict[str, pd.DataFrame], replications: int, seed: int
) -> pd.DataFrame:
    paired = paired_summary(frames).set_index(["policy", "city", "item", "metric"])
    rows = []
    for m in metrics:
        base = _value_interval(frames["base"], m)
        for k, inp in enumerate(inputs):
            for end, percentile in (("low", 5), ("high", 95)):
                point = f"{k}:{end}"
                p = paired.loc[(point, m.city, m.item, m.column)]
                rows.append(
                    {
                        "method": "tornado",
                        "metric": m.label,
                        "input": inp.path,
                        "end": end,
                        "percentile": percentile if inp.source == "distribution" else np.nan,
                        "input_value": getattr(inp, end),
                        "input_base": inp.base,
                        **dict(
                            zip(("value", "value_low", "value_high"), _value_interval(frames[point], m), strict=True)
                        ),
                        **dict(zip(("base", "base_low", "base_high"), base, strict=True)),
                        "effect": p["diff"],
                        "effect_low": p["diff_low"],
                        "effect_high": p["diff_high"],
                        "replications": replications,
                        "seed": seed,
                    }
                )
    table = pd.DataFrame(rows)
    size = table.assign(size=table["effect"].abs()).groupby(["metric", "input"], sort=False)["size"].max()
    ranks = size.groupby(level="metric", sort=False).rank(method="first", ascending=False).astype(int)
    table["rank"] = [ranks[(m, i)] for m, i in zip(table["metric"], table["input"], strict=True)]
    order = {m.label: j for j, m in enumerate(metrics)}
    table = table.sort_values(["metric", "rank", "end"], key=lambda c: c.map(order) if c.name == "metric" else c)
    return table[list(TORNADO_COLUMNS)].reset_index(drop=True)


def _value_interval(frame: pd.DataFrame, m: Metric) -> tuple[float, float, float]:
    """The metric's mean over replications with its 95 % interval: Wilson for a share of
    replications, Student t otherwise (NaN with one replication)."""
    x = frame.loc[(frame["city"] == m.city) & (frame["item"] == m.item), m.column].to_numpy(float)
    n, mean = len(x), float(x.mean())
    if m.name in PROPORTIONS:
        low, high = wilson(np.array([mean]), n)
        return mean, float(low[0]), float(high[0])
    if n < 2:
        return mean, np.nan, np.nan
    half = float(stdtrit(n - 1, 0.975) * x.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half


# ---- Sobol' -----------------------------------------------------------------------------


SOBOL_COLUMNS = (
    "method",
    "metric",
    "input",
    "rank",
    "index",
    "estimate",
    "low",
    "high",
    "conf_level",
    "input_low",
    "input_high",
    "n",
    "runs",
    "replications",
    "seed",
)


@dataclass
class Sobol:
    inputs: list[Input]
    outputs: list[str]
    table: pd.DataFrame  # SOBOL_COLUMNS, two rows (S1, ST) per input and output, ranked by ST
    n: int  # SALib's base sample size N
    runs: int  # model runs: N x (inputs + 2)
    replications: int  # per model run (0: a function, not a simulation)
    seed: int
    wall_seconds: float
    outputs_vary: dict[str, bool]  # whether the output varied at all over the runs (no variance: no indices)


def sobol_indices(
    model: Callable[[np.ndarray], np.ndarray],
    inputs: Sequence[Input],
    outputs: Sequence[str],
    n: int,
    seed: int,
    replications: int = 0,
) -> Sobol:
    """Sobol' indices of ``model`` (X (runs, inputs) in the inputs' units -> Y (runs, outputs))
    over ``inputs``, each between its two ends: SALib samples, ``model`` evaluates, SALib analyses."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    inputs, start = list(inputs), time.perf_counter()
    problem = {"num_vars": len(inputs), "names": [i.path for i in inputs], "bounds": [[0.0, 1.0]] * len(inputs)}
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    x = np.column_stack([inp.at(unit[:, k]) for k, inp in enumerate(inputs)])
    y = np.asarray(model(x), dtype=float).reshape(len(x), len(outputs))
    rows, varies = [], {}
    for j, out in enumerate(outputs):
        varies[out] = bool(np.ptp(y[:, j]) > 0)
        if varies[out]:
            si = sobol_analyze.analyze(problem, y[:, j], calc_second_order=False, conf_level=CONF_LEVEL, seed=seed)
        else:  # a constant output has no variance to share out
            si = {key: np.full(len(inputs), np.nan) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        for k, inp in enumerate(inputs):
            for index in ("S1", "ST"):
                est, conf = float(si[index][k]), float(si[f"{index}_conf"][k])
                rows.append(
                    {"method": "sobol", "metric": out, "input": inp.path, "index": index, "estimate": est,
                     "low": est - conf, "high": est + conf, "conf_level": CONF_LEVEL,
                     "input_low": inp.low, "input_high": inp.high,
                     "n": n, "runs": len(x), "replications": replications, "seed": seed}
                )  # fmt: skip
    table = pd.DataFrame(rows)
    total = table[table["index"] == "ST"].set_index(["metric", "input"])["estimate"].fillna(0.0)
    ranks = total.groupby(level="metric", sort=False).rank(method="first", ascending=False).astype(int)
    table["rank"] = [ranks[(m, i)] for m, i in zip(table["metric"], table["input"], strict=True)]
    order = {o: j for j, o in enumerate(outputs)}
    table = table.sort_values(["metric", "rank", "index"], key=lambda c: c.map(order) if c.name == "metric" else c)
    wall = time.perf_counter() - start
    return Sobol(inputs, list(outputs), table[list(SOBOL_COLUMNS)].reset_index(drop=True), n, len(x),
                 replications, seed, wall, varies)  # fmt: skip


class ScenarioModel:
    """The simulator as a function for ``sobol_indices``: each row of X fixes the inputs, runs
    ``replications`` replications on ``seed`` and gives each metric's mean over them."""

    def __init__(
        self,
        loaded: LoadedScenario,
        inputs: Sequence[Input],
        metrics: Sequence[Metric],
        replications: int,
        seed: int,
        backend: Backend | None = None,
        on_run: Callable[[int], None] | None = None,
    ) -> None:
        self.fixer, self.metrics = Fixer(loaded, inputs), tuple(metrics)
        self.replications, self.seed, self.backend, self.on_run = replications, seed, backend, on_run

    def __call__(self, x: np.ndarray) -> np.ndarray:
        tasks = [
            PointTask(self.fixer, tuple(map(float, row)), f"Sobol' run {r}: {_point(self.fixer.inputs, row)}",
                      self.metrics, self.replications, self.seed)
            for r, row in enumerate(x)
        ]  # fmt: skip
        frames = run_points(tasks, self.backend, self.on_run)
        return np.array([[_value_interval(f, m)[0] for m in self.metrics] for f in frames]).reshape(len(x), -1)


def _point(inputs: Sequence[Input], values: np.ndarray) -> str:
    return ", ".join(f"{i.path}={v:g}" for i, v in zip(inputs, values, strict=True))


def sobol(
    loaded: LoadedScenario,
    inputs: Sequence[Input],
    metrics: Sequence[Metric],
    n: int = SOBOL_N,
    replications: int = SOBOL_REPLICATIONS,
    seed: int | None = None,
    backend: Backend | None = None,
    on_run: Callable[[int], None] | None = None,
) -> Sobol:
    """Sobol' indices of the scenario's metrics over its inputs (see the module)."""
    seed = loaded.scenario.seed if seed is None else seed
    tornado_points(Fixer(loaded, inputs))  # every input's ends allowed before the first run
    model = ScenarioModel(loaded, inputs, metrics, replications, seed, backend, on_run)
    return sobol_indices(model, inputs, [m.label for m in metrics], n, seed, replications)


def sobol_runs(n: int, inputs: int) -> int:
    """Model runs of a Sobol' analysis without second-order indices (SALib.sample.sobol)."""
    return n * (inputs + 2)


def check_inputs(inputs: Sequence[Input], source: str) -> None:
    if not inputs:
        raise ConfigError(
            source, "", "no uncertain inputs: the scenario holds no distribution; name some with --vary PATH=LOW:HIGH"
        )
