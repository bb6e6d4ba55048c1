"""A metapopulation SEIR epidemic over the cities, with the care pathway and response levels.

Within city i, with travel between cities (residents of i meet the infectious of j in
proportion to the share of i's residents who travel to j each day, W_ij = trips_ij / N_i,
W_ii = 1 - sum_j W_ij):

    force of infection  lambda_i = beta c_i(t) sum_j W_ij I_j / N_j,   beta = R0 / infectious_days
    S -> E at rate lambda_i,   E -> I at rate 1 / latent_days,   I -> R at rate 1 / infectious_days

c_i(t) is the product of the interventions in force and the contact factor of the city's
response level. Travellers return home each day, so each city's population is constant.

- deterministic: the expected curve, integrated with classical Runge-Kutta (RK4) at
  ``steps_per_day`` steps a day. Each replication is integrated elementwise, so its curve does
  not depend on the batch it runs in; the tests check it against scipy's adaptive DOP853
  integrator and against the final-size relation z = 1 - exp(-R0 z).
- stochastic: a chain binomial with ``steps_per_day`` steps a day, each replication drawing from
  its own EPIDEMIC stream, so an outbreak can fizzle out.

Care pathway: of the infections whose symptoms start on day t, shares go mild / severe / icu,
are admitted ``delay_days`` later and stay ``stay_days``. New ascertained cases (all admissions
of the day) per 100,000 residents drive the response level. Severe and ICU patients beyond the
designated beds (plus surge beds opened at a level; ICU beds are ``designated_icu_share`` of
them) are reported as overflow and cared for at the mild (ward) rates of PPE use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.draws.seeding import Stream, rngs
from stocksim.epidemic.care import assemble
from stocksim.epidemic.mobility import mixing_matrix
from stocksim.epidemic.outcome import EpidemicBatch
from stocksim.epidemic.response import level_table, next_level
from stocksim.scenario.schema import SEVERITIES, Scenario
from stocksim.scenario.uncertain import draw_per_replication

MIN_DAYS = 1e-6  # drawn latent and infectious periods are kept above zero


@dataclass(frozen=True)
class SeirParams:
    beta: np.ndarray  # (R,)
    sigma: np.ndarray  # (R,) 1 / latent days
    gamma: np.ndarray  # (R,) 1 / infectious days
    mixing: np.ndarray  # (R, C, C) W
    shares: np.ndarray  # (R, 3)
    intro: np.ndarray  # (R, H, C) infections introduced at the start of each day
    contact: np.ndarray  # (R, H, C) intervention contact factor


def seir_params(
    s: Scenario, g: list[np.random.Generator], km: np.ndarray | None, trips: np.ndarray | None
) -> SeirParams:
    """Draw the replications' epidemic parameters; ``km`` (gravity) or ``trips`` (matrix) give travel."""
    e = s.epidemic
    n, horizon, n_c = len(g), s.horizon_days, len(s.cities)
    r0 = draw_per_replication(e.r0, g)
    latent = draw_per_replication(e.latent_days, g, MIN_DAYS)
    infectious = draw_per_replication(e.infectious_days, g, MIN_DAYS)
    mixing = mixing_matrix(s, g, km, trips)
    shares = np.stack([draw_per_replication(getattr(e.care, sev).share, g, 0.0, 1.0) for sev in SEVERITIES], axis=1)
    city_index = {c: k for k, c in enumerate(s.city_ids)}
    intro = np.zeros((n, horizon, n_c))
    for x in e.introductions:
        if x.day < horizon:
            intro[:, x.day, city_index[x.city]] += draw_per_replication(x.infections, g)
    contact = np.ones((n, horizon, n_c))
    for iv in e.interventions:
        factor = draw_per_replication(iv.contact_factor, g)
        days = slice(iv.from_day, horizon if iv.to_day is None else min(iv.to_day + 1, horizon))
        cols = [city_index[c] for c in iv.cities] if iv.cities else slice(None)
        contact[:, days, cols] *= factor[:, None, None]
    return SeirParams(r0 / infectious, 1 / latent, 1 / infectious, mixing, shares, intro, contact)


@njit(cache=True)
def _derivative(y, inv_pop, mixing, sigma, gamma, beta_c, out) -> None:
    """d/dt of y (6, C, R) = S, E, I, R, cumulative infections, cumulative onsets, into ``out``:
    infection beta c_i S_i sum_j W_ij I_j / N_j, onset sigma E, recovery gamma I. The
    replications are the innermost axis: each is computed on its own, in the same order."""
    _, n_c, n_r = y.shape
    for i in range(n_c):
        for r in range(n_r):
            out[4, i, r] = 0.0
        for j in range(n_c):
            for r in range(n_r):
                out[4, i, r] += mixing[i, j, r] * (y[2, j, r] * inv_pop[j])
        for r in range(n_r):
            inf = beta_c[i, r] * out[4, i, r] * y[0, i, r]
            onset = sigma[r] * y[1, i, r]
            rec = gamma[r] * y[2, i, r]
            out[0, i, r] = -inf
            out[1, i, r] = inf - onset
            out[2, i, r] = onset - rec
            out[3, i, r] = rec
            out[4, i, r] = inf
            out[5, i, r] = onset


@njit(cache=True)
def _rk4(y, inv_pop, mixing, sigma, gamma, beta_c, steps, tmp, k) -> None:
    """Advance y (6, C, R) by one day with classical Runge-Kutta, ``steps`` steps; ``tmp``
    (6, C, R) and ``k`` (4, 6, C, R) are work space."""
    h = 1.0 / steps
    n_k, n_c, n_r = y.shape
    for _ in range(steps):
        _derivative(y, inv_pop, mixing, sigma, gamma, beta_c, k[0])
        for stage in range(1, 4):
            w = h if stage == 3 else 0.5 * h
            for a in range(n_k):
                for c in range(n_c):
                    for r in range(n_r):
                        tmp[a, c, r] = y[a, c, r] + w * k[stage - 1, a, c, r]
            _derivative(tmp, inv_pop, mixing, sigma, gamma, beta_c, k[stage])
        for a in range(n_k):
            for c in range(n_c):
                for r in range(n_r):
                    y[a, c, r] += h / 6 * (k[0, a, c, r] + 2 * k[1, a, c, r] + 2 * k[2, a, c, r] + k[3, a, c, r])


@njit(cache=True)
def _deterministic(pop, beta, sigma, gamma, mixing, shares, intro, contact, steps, delays, lv, out):
    """The expected epidemic of each replication, day by day, in the same steps as the stochastic
    loop of ``simulate_epidemic``: introductions, one day of RK4 at the contact factor of the
    level in force, admissions from the day's onsets, the level update. ``lv`` = (contact
    factor (R, L+1), enter_at, exit_below, exit_after_days, reporting_delay_days); ``out`` =
    (daily (R, H, C, 4), cum (R, H+1, C, 2), admissions (R, H, C, 3), level_row (R, H+1, C))."""
    contact_factor = lv[0]
    daily, cum, admissions, level_row = out
    n_r, horizon, n_c = intro.shape
    inv_pop = 1.0 / pop
    w = np.empty((n_c, n_c, n_r))  # the replications innermost: one sweep serves them all
    for r in range(n_r):
        w[:, :, r] = mixing[r]
    y, tmp, k = np.zeros((6, n_c, n_r)), np.empty((6, n_c, n_r)), np.empty((4, 6, n_c, n_r))
    beta_c, below = np.empty((n_c, n_r)), np.zeros((n_r, n_c), dtype=np.int64)
    for c in range(n_c):
        y[0, c, :] = pop[c]
    for t in range(horizon):
        for c in range(n_c):
            for r in range(n_r):
                x = min(intro[r, t, c], y[0, c, r])
                y[0, c, r] -= x
                y[1, c, r] += x
                y[4, c, r] += x
                beta_c[c, r] = beta[r] * (contact[r, t, c] * contact_factor[r, level_row[r, t, c]])
        _rk4(y, inv_pop, w, sigma, gamma, beta_c, steps, tmp, k)
        for r in range(n_r):
            for c in range(n_c):
                for a in range(4):
                    daily[r, t, c, a] = y[a, c, r]
                cum[r, t + 1, c, 0] = y[4, c, r]
                cum[r, t + 1, c, 1] = y[5, c, r]
                onsets = cum[r, t + 1, c, 1] - cum[r, t, c, 1]
                for j in range(3):
                    if t + delays[j] < horizon:
                        admissions[r, t + delays[j], c, j] += onsets * shares[r, j]
                level_row[r, t + 1, c], below[r, c] = next_level(r, t, c, admissions, pop, level_row, below[r, c], lv)


@njit(cache=True)
def _chain_binomial(g, r, pop, beta, sigma, gamma, mixing, shares, intro, contact, steps, delays, lv, out) -> None:
    """Replication r's stochastic epidemic, day by day, drawing from its own generator ``g``:
    whole introductions; ``steps`` chain-binomial steps a day at the contact factor of the level
    in force (per step the infections of every city, then the onsets, then the recoveries); the
    day's onsets split multinomially into mild, severe and ICU admissions (other onsets are not
    admitted); the level update. Arguments as for ``_deterministic``."""
    contact_factor = lv[0]
    daily, cum, admissions, level_row = out
    horizon, n_c = intro.shape[1], intro.shape[2]
    h = 1.0 / steps
    inv_pop = 1.0 / pop
    y = np.zeros((6, n_c))  # S, E, I, R, cumulative infections, cumulative onsets
    y[0] = pop
    p_inf, moved, below = np.empty(n_c), np.empty((3, n_c)), np.zeros(n_c, dtype=np.int64)
    p_onset, p_rec = 1 - np.exp(-h * sigma[r]), 1 - np.exp(-h * gamma[r])
    for t in range(horizon):
        for c in range(n_c):
            x = np.floor(min(intro[r, t, c], y[0, c]))
            y[0, c] -= x
            y[1, c] += x
            y[4, c] += x
        for _ in range(steps):
            for c in range(n_c):
                seen = 0.0
                for j in range(n_c):
                    seen += mixing[r, c, j] * (y[2, j] * inv_pop[j])
                beta_c = beta[r] * (contact[r, t, c] * contact_factor[r, level_row[r, t, c]])
                p_inf[c] = 1 - np.exp(-h * (beta_c * seen))
            for c in range(n_c):
                moved[0, c] = g.binomial(int(y[0, c]), p_inf[c])
            for c in range(n_c):
                moved[1, c] = g.binomial(int(y[1, c]), p_onset)
            for c in range(n_c):
                moved[2, c] = g.binomial(int(y[2, c]), p_rec)
            for c in range(n_c):
                y[0, c] -= moved[0, c]
                y[1, c] += moved[0, c] - moved[1, c]
                y[2, c] += moved[1, c] - moved[2, c]
                y[3, c] += moved[2, c]
                y[4, c] += moved[0, c]
                y[5, c] += moved[1, c]
        for c in range(n_c):
            for a in range(4):
                daily[r, t, c, a] = y[a, c]
            cum[r, t + 1, c, 0] = y[4, c]
            cum[r, t + 1, c, 1] = y[5, c]
            left = int(np.rint(cum[r, t + 1, c, 1] - cum[r, t, c, 1]))
            share_left = 1.0
            for k in range(3):  # multinomial as successive binomials, as numpy draws it
                if left <= 0:
                    break
                x = g.binomial(left, min(shares[r, k] / share_left, 1.0)) if share_left > 0 else 0
                left -= x
                share_left -= shares[r, k]
                if t + delays[k] < horizon:
                    admissions[r, t + delays[k], c, k] += x
            level_row[r, t + 1, c], below[c] = next_level(r, t, c, admissions, pop, level_row, below[c], lv)


def simulate_epidemic(
    s: Scenario, seed: int, bp: BatchParams, km: np.ndarray | None = None, trips: np.ndarray | None = None
) -> EpidemicBatch:
    e = s.epidemic
    reps = bp.replications
    param_rngs = rngs(seed, reps, Stream.EPIDEMIC_PARAMS)
    p = seir_params(s, param_rngs, km, trips)
    table = level_table(s, param_rngs)
    noise = rngs(seed, reps, Stream.EPIDEMIC) if e.stochastic else None
    n, horizon, n_c = len(reps), s.horizon_days, len(s.cities)
    pop = np.array([c.population for c in s.cities], float)
    daily = np.zeros((n, horizon, n_c, 4))
    cum = np.zeros((n, horizon + 1, n_c, 2))  # cumulative infections, onsets at the start of each day
    admissions = np.zeros((n, horizon, n_c, 3))
    level_row = np.zeros((n, horizon + 1, n_c), dtype=np.int64)
    delays = np.array([getattr(e.care, sev).delay_days for sev in SEVERITIES], dtype=np.int64)
    out = (daily, cum, admissions, level_row)
    lv = (
        table.contact_factor,
        table.enter_at,
        table.exit_below,
        table.exit_after_days,
        s.response.reporting_delay_days,
    )
    args = (pop, p.beta, p.sigma, p.gamma, p.mixing, p.shares, p.intro, p.contact, e.steps_per_day, delays, lv, out)
    if noise is None:
        _deterministic(*args)
    else:
        for r, g in enumerate(noise):
            _chain_binomial(g, r, *args)
    return assemble(s, bp, table, daily, cum, admissions, level_row[:, :horizon], pop)
