"""Random streams: one per replication and source of noise, independent of how work is split.

Replication ``r`` of a run with seed ``s`` draws its ``k``-th stream from
``SeedSequence(s, spawn_key=(r, k))``, the same child that ``SeedSequence(s).spawn`` would give,
so a replication's numbers do not depend on batch size, worker count or the policy compared
(common random numbers). There is no global random state anywhere in stocksim.

The ``peak`` reading's pilot (``supply.peak``) runs replications of its own: pilot replication
``j`` draws its ``k``-th stream from ``SeedSequence(s, spawn_key=(j, PEAK_PILOT, k))``, a child of
replication ``j``'s PEAK_PILOT stream, which a run never draws from itself. A run's keys have two
entries and the pilot's three, so no pilot stream is ever a run's stream, whatever the run's
replications.
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
    PEAK_PILOT = 6  # the parent of the peak pilot's streams (never drawn from directly)


class PilotSeed(int):
    """A run's seed, read as the seed of the ``peak`` pilot: the same number, but ``rngs`` gives
    pilot replication ``j`` its streams under ``(j, PEAK_PILOT)`` (see the module docstring). Any
    code that takes a seed runs the pilot's replications when given one."""


def spawn_key(seed: int, replication: int, stream: Stream) -> tuple[int, ...]:
    """The spawn key of a replication's stream: (r, k) in a run, (j, PEAK_PILOT, k) in the pilot."""
    if isinstance(seed, PilotSeed):
        return (int(replication), int(Stream.PEAK_PILOT), int(stream))
    return (int(replication), int(stream))


def rngs(seed: int, replications: np.ndarray | list[int], stream: Stream) -> list[np.random.Generator]:
    """One generator per replication, its ``stream`` of the run ``seed`` (or of its pilot)."""
    return [
        np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=spawn_key(seed, r, stream))))
        for r in replications
    ]
