"""Random streams: one per replication and source of noise, independent of how work is split.

Replication ``r`` of a run with seed ``s`` draws its ``k``-th stream from
``SeedSequence(s, spawn_key=(r, k))``, the same child that ``SeedSequence(s).spawn`` would give,
so a replication's numbers do not depend on batch size, worker count or the policy compared
(common random numbers). There is no global random state anywhere in stocksim.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """The sources of noise; the values are part of the reproducibility contract."""

    PARAMS = 0  # uncertain scenario parameters, drawn once per replication
    DEMAND = 1  # daily consumption noise
    LEAD_TIME = 2  # supplier lead times, per shipment
    EPIDEMIC = 3  # stochastic epidemic
    EPIDEMIC_PARAMS = 5  # uncertain epidemic and response-level parameters


def rngs(seed: int, replications: np.ndarray | list[int], stream: Stream) -> list[np.random.Generator]:
    """One generator per replication, its ``stream`` of the run ``seed``."""
    return [
        np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(int(r), int(stream)))))
        for r in replications
    ]
