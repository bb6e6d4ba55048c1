"""Daily consumption of each protective item in each city.

Expected use = routine use by health workers (workers x rate per worker-day)
+ patients by severity x rates per patient-day + swabs x rate per swab.
The rates arrive in units: ``draws/params.py`` has already divided the scenario's uses by
``items[].uses_per_unit`` (and built the routine rate from protection levels where given), so
nothing here knows about reusable items.
Realised use adds noise around that mean: none, Poisson, or negative binomial with
variance mean + mean^2 / dispersion (the Poisson-gamma mixture). Demand does not depend on
stock (unmet demand is lost), so a replication's whole demand path is drawn up front from its
own DEMAND stream: identical across policies compared on one seed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.draws.seeding import Stream, rngs
from stocksim.epidemic.outcome import EpidemicBatch

MILD, SEVERE, ICU = 0, 1, 2  # the severity axis of the census (R, H, C, 3) and the patient rates (R, 3, I)


class Workload(NamedTuple):
    """What the epidemic asks of a city's health service each day."""

    census: np.ndarray  # (R, H, C, 3) patients in care, mild / severe / icu
    overflow: np.ndarray  # (R, H, C, 2) severe and icu patients beyond the beds, cared for at the mild rate
    swabs: np.ndarray  # (R, H, C) swabs taken
    routine_multiplier: np.ndarray  # (R, H, C) routine use under the response level in force


class UseRates(NamedTuple):
    """Each replication's health workers and rates of use."""

    health_workers: np.ndarray  # (R, C)
    routine: np.ndarray  # (R, I) units per health worker per day
    patient: np.ndarray  # (R, 3, I) units per patient-day, mild / severe / icu
    swab: np.ndarray  # (R, I) units per swab


def expected_demand(epi: EpidemicBatch, p: BatchParams) -> np.ndarray:
    """Noise-free daily use, shape (R, H, C, I): health workers x routine rate x the response
    level's routine multiplier, + patients by severity x rates per patient-day (patients beyond
    the designated beds at the mild rate), + swabs x rate per swab."""
    workload = Workload(epi.census, epi.overflow, epi.swabs, epi.routine_multiplier)
    return _expected(workload, UseRates(p.health_workers, p.routine_rate, p.patient_rate, p.swab_rate))


@njit(cache=True)
def _expected(load: Workload, rates: UseRates) -> np.ndarray:
    """Expected use (R, H, C, I) = workers x routine multiplier x routine rate
    + (mild + overflow) x mild rate + severe x severe rate + icu x icu rate + swabs x swab rate."""
    census, overflow, swabs, multiplier = load
    workers, routine_rate, patient_rate, swab_rate = rates
    n_r, horizon, n_c, _ = census.shape
    n_i = routine_rate.shape[1]
    out = np.empty((n_r, horizon, n_c, n_i))
    for r in range(n_r):
        for t in range(horizon):
            for c in range(n_c):
                staff = workers[r, c] * multiplier[r, t, c]
                beyond = overflow[r, t, c, 0] + overflow[r, t, c, 1]  # severe + icu beyond the beds
                mild = census[r, t, c, MILD] + beyond
                for i in range(n_i):
                    patients = mild * patient_rate[r, MILD, i]
                    patients += census[r, t, c, SEVERE] * patient_rate[r, SEVERE, i]
                    patients += census[r, t, c, ICU] * patient_rate[r, ICU, i]
                    out[r, t, c, i] = staff * routine_rate[r, i] + patients + swabs[r, t, c] * swab_rate[r, i]
    return out


def realised_demand(
    mean: np.ndarray, noise: str, p: BatchParams, seed: int, n_locations: int | None = None
) -> np.ndarray:
    """Demand with noise, shape like ``mean`` (R, H, C, I), whole units unless noise is 'none';
    with ``n_locations`` > C, zeros for the locations after the cities (the depots)."""
    n_r, horizon, n_c, n_i = mean.shape
    out = np.zeros((n_r, horizon, n_locations or n_c, n_i))
    if noise == "none":
        out[:, :, :n_c] = mean
        return out
    for r, rng in enumerate(rngs(seed, p.replications, Stream.DEMAND)):
        if noise == "poisson":
            out[r, :, :n_c] = rng.poisson(mean[r])
        else:
            k = p.dispersion[r]
            out[r, :, :n_c] = rng.negative_binomial(k, k / (k + mean[r]))
    return out
