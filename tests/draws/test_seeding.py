"""Random streams: the same seed gives the same tables, whatever the batch size, and a replication
is the same alone as in a run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stocksim.draws.seeding import PilotSeed, Stream, rngs
from stocksim.experiment.run import run
from stocksim.results.tables import daily_table
from stocksim.scenario import load_scenario
from stocksim.supply.batch import Simulator


def test_same_seed_same_tables_other_seed_differs(default_config):
    sc = load_scenario(default_config)
    a = run(sc, replications=3, seed=11)
    b = run(sc, replications=3, seed=11)
    c = run(sc, replications=3, seed=12)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert not np.array_equal(a.daily["demand"].to_numpy(), c.daily["demand"].to_numpy())


def test_tables_do_not_depend_on_the_batch_size(default_config):
    sc = load_scenario(default_config)
    one = run(sc, replications=5, batch_size=1)
    many = run(sc, replications=5, batch_size=3)
    pd.testing.assert_frame_equal(one.daily, many.daily)
    pd.testing.assert_frame_equal(one.events, many.events)
    pd.testing.assert_frame_equal(one.summary, many.summary)


def test_a_replication_is_the_same_alone_and_in_a_run(default_config):
    sc = load_scenario(default_config)
    full = run(sc, replications=4).daily
    alone = daily_table(
        sc.scenario,
        Simulator(sc).batch(sc.scenario.seed, np.array([3])),
    )
    pd.testing.assert_frame_equal(full[full["replication"] == 3].reset_index(drop=True), alone)


def test_the_peak_pilot_draws_from_streams_no_run_replication_uses():
    seed = 11
    pilot = rngs(PilotSeed(seed), [0, 1], Stream.PARAMS)
    # Pilot replication j's stream k is the k-th child of run replication j's PEAK_PILOT stream ...
    child = np.random.SeedSequence(seed, spawn_key=(1, int(Stream.PEAK_PILOT))).spawn(1)[0]
    assert pilot[1].random() == np.random.Generator(np.random.PCG64(child)).random()
    # ... a key of three entries, never a run's (r, k): its numbers are none of the run's first streams.
    run_first = {g.random() for k in Stream for g in rngs(seed, range(50), k)}
    assert pilot[0].random() not in run_first
    # A PilotSeed is the run's seed as a number; only the streams differ.
    assert PilotSeed(seed) == seed and rngs(seed, [0], Stream.PARAMS)[0].random() in run_first
