"""Daily consumption of each protective item in each city.

Expected use = routine use by health workers (workers x rate per worker-day)
+ patients by severity x rates per patient-day + swabs x rate per swab.
Realised use adds noise around that mean: none, Poisson, or negative binomial with
variance mean + mean^2 / dispersion (the Poisson-gamma mixture). Demand does not depend on
stock (unmet demand is lost), so a replication's whole demand path is drawn up front from its
own DEMAND stream: identical across policies compared on one seed.
"""

from __future__ import annotations

import numpy as np

from stocksim.params import BatchParams
from stocksim.seeding import Stream, rngs


def expected_demand(census: np.ndarray, p: BatchParams, routine_multiplier: np.ndarray) -> np.ndarray:
    """Noise-free daily use, shape (R, H, C, I), from the census (R, H, C, 4: mild, severe, icu
    patients and swabs), the response level's routine multiplier (R, H, C) and the batch's rates."""
    routine = (p.health_workers[:, None, :] * routine_multiplier)[..., None] * p.routine_rate[:, None, None, :]
    n_r, horizon, n_c, _ = census.shape
    patients = np.matmul(census[..., :3].reshape(n_r, horizon * n_c, 3), p.patient_rate).reshape(routine.shape)
    swabs = census[..., 3, None] * p.swab_rate[:, None, None, :]
    return routine + patients + swabs


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
