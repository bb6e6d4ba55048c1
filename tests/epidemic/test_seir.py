"""The metapopulation SEIR: conservation, seeded repeatability, stochastic against deterministic."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import census_of, deep_update, seir_dict, simulate, three_cities


@pytest.mark.parametrize("stochastic", [False, True])
def test_population_is_conserved_in_every_city_on_every_day(stochastic):
    d = three_cities(r0=3.0, stochastic=stochastic)
    d["replications"] = 3
    c = census_of(d)
    total = c[["susceptible", "exposed", "infectious", "recovered"]].sum(axis=1)
    pop = c["city"].map({"a": 2_000_000, "b": 500_000, "c": 1_000_000}).astype(float)
    np.testing.assert_allclose(total, pop, rtol=1e-12 if stochastic else 1e-9)
    assert (c[["susceptible", "exposed", "infectious", "recovered"]] >= -1e-9).all().all()
    if stochastic:
        assert (c["infectious"] == np.round(c["infectious"])).all()
    assert c["new_infections"].sum() > 1000


def test_no_introductions_means_no_cases_and_routine_demand_only():
    d = seir_dict(introductions=[])
    d["horizon_days"] = 30
    r = simulate(d)
    assert r.census[["exposed", "infectious", "new_infections", "mild", "severe", "icu", "swabs"]].to_numpy().max() == 0
    np.testing.assert_allclose(r.daily["demand"], 100 * 0.1)  # 100 health workers x 0.1, noise none
    assert (r.daily["response_level"] == "none").all()


def test_stochastic_mean_approaches_the_deterministic_curve_and_a_seeded_run_repeats():
    d = seir_dict(introductions=[{"city": "a", "day": 0, "infections": 200}])
    d["horizon_days"] = 120
    det = census_of(d).set_index("day")["new_infections"]
    stochastic = deep_update(d, {"epidemic": {"stochastic": True}, "replications": 40})
    sto = census_of(stochastic)
    mean = sto.groupby("day")["new_infections"].mean()
    # Cumulative infections over the wave: within 2 % (binomial steps of 1/8 day vs the ODE).
    assert mean.sum() == pytest.approx(det.sum(), rel=0.02)
    # The peak: same day within 2 days, same height within 5 %.
    assert abs(int(mean.idxmax()) - int(det.idxmax())) <= 2
    assert mean.max() == pytest.approx(det.max(), rel=0.05)
    again = census_of(stochastic)
    assert again.equals(sto)
    other = census_of(deep_update(stochastic, {"seed": 99}))
    assert not other["new_infections"].equals(sto["new_infections"])


def test_a_single_introduction_can_fizzle_out():
    d = seir_dict(r0=1.5, introductions=[{"city": "a", "day": 0, "infections": 1}], stochastic=True)
    d["replications"] = 30
    d["horizon_days"] = 150
    total = census_of(d).groupby("replication")["new_infections"].sum()
    assert (total < 20).any() and (total > 1000).any()
