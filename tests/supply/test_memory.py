"""The allocator keeps a batch's freed arrays for the next batch: no page faults once a batch has run."""

from __future__ import annotations

import resource
import sys

import numpy as np
import pytest

from stocksim.scenario import load_scenario
from stocksim.supply.batch import Simulator
from stocksim.supply.memory import keep_freed_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_a_second_batch_reuses_the_first_batchs_pages(default_config):
    loaded = load_scenario(default_config)
    sim = Simulator(loaded)  # takes the allocator settings
    assert keep_freed_memory()
    seed, batch = loaded.scenario.seed, np.arange(50)
    for k in range(3):  # the heap grows to what a batch needs, freed blocks landing where they fit
        sim.batch(seed, batch + 50 * k, "none")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    sim.batch(seed, batch + 150, "none")
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    # A batch of 50 replications allocates about 100 MB: handed back to the system and mapped
    # afresh, some 17,000 of its pages fault in again every batch; kept and reused, a dozen do.
    assert faults < 1_000, faults
