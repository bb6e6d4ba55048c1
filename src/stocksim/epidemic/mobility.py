"""Daily travel between the cities and the mixing it causes.

Residents of city i meet the infectious of city j in proportion to the share of i's residents
who travel to j each day: W_ij = trips_ij / N_i, W_ii = 1 - sum_j W_ij. Travellers return home
each day, so each city's population is constant. Trips come from a matrix the scenario names or
from an origin-constrained gravity model over the road distances.
"""

from __future__ import annotations

import numpy as np

from stocksim.scenario.schema import Scenario
from stocksim.scenario.uncertain import draw_per_replication

MIN_DECAY_KM = 1e-6  # a drawn distance decay is kept above zero


def gravity_trips(
    population: np.ndarray, km: np.ndarray, trips_per_capita: float | np.ndarray, decay_km: float | np.ndarray
) -> np.ndarray:
    """Daily travellers from i to j (origin-constrained gravity model): each city sends
    ``trips_per_capita`` x its population a day, shared among the other cities in proportion to
    population_j x exp(-km_ij / decay_km). (C, C); with ``trips_per_capita`` and ``decay_km``
    given per replication (R,), every replication's at once (R, C, C)."""
    per_capita = np.asarray(trips_per_capita, float)[..., None, None]
    weight = population * np.exp(-km / np.asarray(decay_km, float)[..., None, None])
    idx = np.arange(len(population))
    weight[..., idx, idx] = 0.0
    total = weight.sum(axis=-1, keepdims=True)
    share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    return per_capita * population[:, None] * share


def mixing_matrix(
    s: Scenario, g: list[np.random.Generator], km: np.ndarray | None, trips: np.ndarray | None
) -> np.ndarray:
    """W per replication (R, C, C); gravity draws its two parameters from each replication's ``g``.
    The loader reads ``trips`` (kind matrix) or ``km`` (kind gravity) for the kind that needs it."""
    m = s.epidemic.mobility
    n, n_c = len(g), len(s.cities)
    if m.kind == "none":
        return np.broadcast_to(np.eye(n_c), (n, n_c, n_c)).copy()
    pop = np.array([c.population for c in s.cities], float)
    if m.kind == "matrix":
        if trips is None:
            raise ValueError("epidemic.mobility.kind: matrix, but no trips matrix was read")
        trips = np.broadcast_to(trips, (n, n_c, n_c))
    else:
        if km is None:
            raise ValueError("epidemic.mobility.kind: gravity, but no road distances were read")
        per_capita = draw_per_replication(m.daily_trips_per_capita, g)
        decay = draw_per_replication(m.distance_decay_km, g, MIN_DECAY_KM)
        trips = gravity_trips(pop, km, per_capita, decay)
    away = trips / pop[None, :, None]
    idx = np.arange(n_c)
    away[:, idx, idx] = 0.0
    mixing = away.copy()
    mixing[:, idx, idx] = 1.0 - away.sum(axis=2)
    return mixing
