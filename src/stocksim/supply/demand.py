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

Crisis practice (``response.levels[].use_factor``): while a level is in force, each item's realised
units are multiplied by that level's factor for it (extended use and limited reuse: 0.5, each unit
worn twice as long). The level in force on day t is the one declared at the end of day t-1 (or
scheduled from day t), so a factor applies exactly from the day after its level is declared. It
scales the day's realised units, noise included: the expected use and its noise scale together
(mean and standard deviation by the factor), the draws stay those of the same replication without
the factor (common random numbers: a variant with other factors sees the same days, scaled), and
units are no longer whole where the factor is not. The reserve rule's daily max is not scaled: it
is the plan's conventional use, and crisis practice is what a city does when that plan falls short.

With ``demand.correlation`` rho > 0 the cities' noise for the same item on the same day is
tied by a Gaussian copula with one common factor: Z_c = sqrt(rho) F + sqrt(1 - rho) E_c
(F, E_c independent standard normals, so corr(Z_c, Z_d) = rho), and city c's demand is the
marginal's inverse CDF at Phi(Z_c). Each marginal is unchanged; the correlation of the counts is
a little below rho (a step function of Z_c keeps less than all of the correlation, the more so
the smaller the mean). With rho = 0 the draws are the independent ones, number for number.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.special import ndtr
from scipy.stats import nbinom, poisson

from stocksim.draws.params import BatchParams
from stocksim.draws.seeding import Stream, rngs
from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.scenario.schema import LEVEL_NAMES, Scenario

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


def expected_demand(epi: EpidemicBatch, p: BatchParams, n_locations: int | None = None) -> np.ndarray:
    """Noise-free daily use, shape (R, H, C, I): health workers x routine rate x the response
    level's routine multiplier, + patients by severity x rates per patient-day (patients beyond
    the designated beds at the mild rate), + swabs x rate per swab. With ``n_locations`` > C,
    (R, H, L, I) with zeros for the locations after the cities (the depots)."""
    n_r, horizon, n_c, _ = epi.census.shape
    out = np.empty((n_r, horizon, n_locations or n_c, p.routine_rate.shape[1]))
    workload = Workload(epi.census, epi.overflow, epi.swabs, epi.routine_multiplier)
    _expected(workload, UseRates(p.health_workers, p.routine_rate, p.patient_rate, p.swab_rate), out)
    return out


@njit(cache=True)
def _expected(load: Workload, rates: UseRates, out: np.ndarray) -> None:
    """Expected use (R, H, C, I) = workers x routine multiplier x routine rate
    + (mild + overflow) x mild rate + severe x severe rate + icu x icu rate + swabs x swab rate,
    into the first C locations of ``out`` (R, H, L, I), and 0 into the others (the depots)."""
    census, overflow, swabs, multiplier = load
    workers, routine_rate, patient_rate, swab_rate = rates
    n_r, horizon, n_c, _ = census.shape
    n_i = routine_rate.shape[1]
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
            out[r, t, n_c:] = 0.0


def realise_demand(
    demand: np.ndarray, noise: str, p: BatchParams, seed: int, n_cities: int | None = None, correlation: float = 0.0
) -> None:
    """Replace the expected use of the first ``n_cities`` locations of ``demand`` (R, H, L, I; by
    default all) by demand with noise, in place: whole units unless noise is 'none' (then it is
    left as it is). The cities' noise for one item on one day has copula correlation
    ``correlation`` (module docstring)."""
    if noise == "none":
        return
    mean = demand[:, :, :n_cities]
    for r, rng in enumerate(rngs(seed, p.replications, Stream.DEMAND)):
        if correlation > 0:
            mean[r] = _copula_draw(rng, mean[r], noise, p.dispersion[r], correlation)
        elif noise == "poisson":
            mean[r] = rng.poisson(mean[r])
        else:
            k = p.dispersion[r]
            mean[r] = rng.negative_binomial(k, k / (k + mean[r]))


def _copula_draw(
    rng: np.random.Generator, mean: np.ndarray, noise: str, dispersion: float, correlation: float
) -> np.ndarray:
    """One replication's demand (H, C, I) with pairwise copula correlation ``correlation``
    between cities: the common factor F (H, 1, I) is drawn first, then E (H, C, I)."""
    common = rng.standard_normal((mean.shape[0], 1, mean.shape[2]))
    own = rng.standard_normal(mean.shape)
    z = np.sqrt(correlation) * common + np.sqrt(1.0 - correlation) * own
    # Phi(z) rounds to 0 or 1 only past |z| ~ 8 (or 38), where the inverse CDF would give -1 or inf.
    u = np.clip(ndtr(z), np.finfo(float).tiny, np.nextafter(1.0, 0.0))
    if noise == "poisson":
        return np.asarray(poisson.ppf(u, mean))
    return np.asarray(nbinom.ppf(u, dispersion, dispersion / (dispersion + mean)))  # numpy's parameters


def use_factors(s: Scenario) -> np.ndarray | None:
    """The factor on each item's demand under each level code in force, (5, I) (row 0: no level, 1 =
    IV .. 4 = I; 1 where a level sets none), from ``response.levels[].use_factor``; None when no
    level sets one."""
    if not any(lv.use_factor for lv in s.response.levels):
        return None
    table = np.ones((len(LEVEL_NAMES), len(s.items)))
    for lv in s.response.levels:
        for item, factor in lv.use_factor.items():
            table[LEVEL_NAMES.index(lv.level), s.item_ids.index(item)] = factor
    return table


@njit(cache=True)
def with_use_factors(demand: np.ndarray, level: np.ndarray, table: np.ndarray) -> None:
    """Scale the cities' demand (R, H, L, I) in place by the factor of the level in force (R, H, C)
    per ``table`` (5, I): demand[r, t, c, i] *= table[level[r, t, c], i]."""
    n_r, horizon, n_c = level.shape
    n_i = table.shape[1]
    for r in range(n_r):
        for t in range(horizon):
            for c in range(n_c):
                factor = table[level[r, t, c]]
                for i in range(n_i):
                    demand[r, t, c, i] *= factor[i]
