"""The SEIR model against epidemic theory: the final-size relation z = 1 - exp(-R0 z), and an
independent right-hand side integrated by scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import census_of, loaded, seir_dict, three_cities
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from stocksim.epidemic.mobility import gravity_trips
from stocksim.scenario.files import great_circle_km


@pytest.mark.parametrize("r0", [1.5, 2.0, 2.5, 4.0])
def test_final_attack_rate_matches_the_final_size_relation(r0):
    d = seir_dict(r0=r0)
    d["horizon_days"] = 1500 if r0 < 2 else 600
    c = census_of(d)
    last = c[c["day"] == c["day"].max()].iloc[0]
    assert last["exposed"] + last["infectious"] < 1.0, "the epidemic must be over for the relation to apply"
    z = brentq(lambda x: x - (1 - math.exp(-r0 * x)), 1e-6, 1.0)
    attack = last["recovered"] / 1_000_000
    assert attack == pytest.approx(z, rel=0.005)
    assert c["new_infections"].sum() / 1_000_000 == pytest.approx(z, rel=0.005)


def test_deterministic_curve_matches_scipy_adaptive_integration():
    """An independent right-hand side, integrated by scipy's DOP853 at tight tolerances."""
    d = three_cities(r0=2.5)
    d["horizon_days"] = 120
    c = census_of(d)
    s = loaded(d).scenario
    pop = np.array([x.population for x in s.cities], float)
    trips = gravity_trips(pop, great_circle_km(s) * 1.25, 0.01, 80.0)
    beta, sigma, gamma = 2.5 / 5.0, 1 / 3.0, 1 / 5.0

    def rhs(_t, y):
        sus, exp_, inf_, _rec = y.reshape(4, 3)
        force = np.zeros(3)
        for i in range(3):
            stay = 1 - trips[i].sum() / pop[i]
            force[i] = beta * (
                stay * inf_[i] / pop[i] + sum(trips[i, j] / pop[i] * inf_[j] / pop[j] for j in range(3) if j != i)
            )
        new = force * sus
        return np.concatenate([-new, new - sigma * exp_, sigma * exp_ - gamma * inf_, gamma * inf_])

    y0 = np.concatenate([pop - [10, 0, 0], [10, 0, 0], np.zeros(3), np.zeros(3)])
    sol = solve_ivp(rhs, (0, 120), y0, method="DOP853", rtol=1e-10, atol=1e-8, t_eval=np.arange(1, 121))
    for k, name in enumerate(("susceptible", "exposed", "infectious", "recovered")):
        ours = c.pivot(index="day", columns="city", values=name).to_numpy()
        theirs = sol.y[3 * k : 3 * k + 3].T
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)
