"""Common random numbers for searches: variants of one scenario run on the same draws.

A search (the equal-cost factor of ``stocksim compare --at equal-cost``, the reserve that
``stocksim size`` finds) runs one scenario many times with a few keys changed: the opening stock,
the reserve target, the ordering levels. Everything a batch draws or derives before its day loop
(the uncertain parameters, the epidemic, expected and realised demand, lead times, the reserve
rule's daily max and required reserve: ``Simulator.draw``) does not depend on those keys, so it is
drawn once per batch of replications and kept; each point of the search re-runs only the day loop
(``Simulator.simulate``). The numbers are exactly those of a fresh run of the variant with the same
seed and replications (tested), and a search's estimate is a deterministic function of the point
given the seed: common random numbers, so two points differ only by what changed.

Which keys a variant may change without new draws is listed here (``DAY_LOOP_ONLY``); a variant
that changes anything else (for example ``+nodepots``, which removes locations) gets draws of its
own, made once and kept as well. The kept arrays are read-only, so a day loop that wrote into its
inputs would fail loudly instead of corrupting the next point.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from stocksim.experiment.tasks import batch_cap
from stocksim.results.tables import CIRCLE, replication_table
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario
from stocksim.supply.batch import Drawn, Simulator

# Keys only the day loop and the tables read: a variant that differs from its base in these alone
# runs on the base's draws. Top level, then per city, then in ``reserve``.
DAY_LOOP_ONLY = ("name", "description", "replications", "seed", "procurement", "transfers", "costs")
CITY_DAY_LOOP_ONLY = ("stock", "lots", "reserve", "reserve_lots", "agreements")
RESERVE_DAY_LOOP_ONLY = ("target_days",)


def draws_key(s: Scenario) -> str:
    """What a scenario's draws depend on: the scenario without the keys only the day loop reads."""
    d = s.model_dump(mode="json", exclude=set(DAY_LOOP_ONLY))
    for city in d["cities"]:
        for k in CITY_DAY_LOOP_ONLY:
            city.pop(k, None)
    for k in RESERVE_DAY_LOOP_ONLY:
        d["reserve"].pop(k, None)
    return json.dumps(d, sort_keys=True)


class CommonDraws:
    """Runs variants of a loaded scenario on the same draws: replications ``replications`` (a
    count n for 0..n-1, or the indices) of run ``seed``, in batches as a run cuts them."""

    def __init__(self, loaded: LoadedScenario, seed: int, replications: int | np.ndarray) -> None:
        self.loaded, self.seed = loaded, seed
        reps = np.arange(replications) if np.ndim(replications) == 0 else np.asarray(replications)
        self.replications = reps
        self._kept: dict[str, tuple[Simulator, list[Drawn]]] = {}
        self.evaluations = 0  # day loops run so far

    def _draws(self, s: Scenario) -> tuple[Simulator, list[Drawn]]:
        key = draws_key(s)
        if key not in self._kept:
            sim = Simulator(self.loaded.model_copy(update={"scenario": s}))
            size = batch_cap(s)
            drawn = []
            for start in range(0, len(self.replications), size):
                d = sim.draw(self.seed, self.replications[start : start + size], events="none", days=False)
                drawn.append(_read_only(d))
            self._kept[key] = (sim, drawn)
        return self._kept[key]

    def per_replication(self, s: Scenario) -> pd.DataFrame:
        """The variant's per-replication table (as a run's ``replications`` table)."""
        sim, drawn = self._draws(s)
        self.evaluations += 1
        return pd.concat([replication_table(s, sim.simulate(d, s)) for d in drawn], ignore_index=True)

    def daily_max(self, s: Scenario) -> tuple[np.ndarray, bool]:
        """The reserve rule's daily max per city and item (C, I), units/day, over the replications:
        their mean, and whether it is the same in every replication."""
        _, drawn = self._draws(s)
        per_city = np.concatenate([d.daily_max.per_city for d in drawn])
        return per_city.mean(axis=0), bool(np.allclose(per_city, per_city[:1]))

    def unit_cost(self, s: Scenario) -> np.ndarray:
        """Each item's normal unit cost (I,), CNY: the mean of the replications' drawn costs."""
        _, drawn = self._draws(s)
        return np.concatenate([d.inputs.params.item_cost for d in drawn]).mean(axis=0)


def _read_only(d: Drawn) -> Drawn:
    """The same draws with every array read-only (the inputs, their parameters and epidemic)."""
    for obj in (d.inputs, d.inputs.params, d.inputs.epidemic, d.daily_max):
        values = obj._asdict().values() if isinstance(obj, tuple) else vars(obj).values()
        for v in values:
            if isinstance(v, np.ndarray):
                v.setflags(write=False)
    return d


# ---- what searches measure, per replication -----------------------------------------------


def circle_net_cost(per_rep: pd.DataFrame) -> np.ndarray:
    """The circle's net cost over the horizon per replication (all items), CNY, in replication order."""
    rows = per_rep[per_rep["city"].astype(str) == CIRCLE]
    return rows.groupby("replication", sort=True)["net_cost"].sum().to_numpy()


def any_stockout(per_rep: pd.DataFrame, city: str | None = None) -> np.ndarray:
    """Per replication, whether some city (or ``city``) ran short of any item on some day (bool)."""
    rows = per_rep[per_rep["city"].astype(str) == (city or CIRCLE)]
    return rows.groupby("replication", sort=True)["first_stockout_day"].count().to_numpy() > 0


def fill_rate(per_rep: pd.DataFrame, city: str | None = None) -> np.ndarray:
    """Per replication, served / demand of the circle (or ``city``), units of all items summed; 1
    where nothing was asked for."""
    rows = per_rep[per_rep["city"].astype(str) == (city or CIRCLE)]
    g = rows.groupby("replication", sort=True)[["served", "demand"]].sum()
    demand = g["demand"].to_numpy()
    return np.where(demand > 0, g["served"].to_numpy() / np.where(demand > 0, demand, 1.0), 1.0)
