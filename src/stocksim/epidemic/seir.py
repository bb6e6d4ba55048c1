"""A metapopulation SEIR epidemic over the cities, with the care pathway and response levels.
Axis order (R replications, H days, C cities) as in the package docstring.

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

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.draws.seeding import Stream, rngs
from stocksim.epidemic.care import assemble
from stocksim.epidemic.mobility import mixing_matrix
from stocksim.epidemic.outcome import (
    COMPARTMENTS,
    EXPOSED,
    INFECTIONS,
    INFECTIOUS,
    ONSETS,
    RECOVERED,
    RUNNING_TOTALS,
    SUSCEPTIBLE,
    EpidemicBatch,
    SeirRecord,
)
from stocksim.epidemic.response import (
    LevelRule,
    LevelState,
    LevelTable,
    first_levels,
    level_rule,
    level_table,
    update_levels,
)
from stocksim.scenario.schema import SEVERITIES, Scenario
from stocksim.scenario.uncertain import draw_per_replication

MIN_DAYS = 1e-6  # drawn latent and infectious periods are kept above zero

# The state y of a kernel: the compartments (rows as COMPARTMENTS), then the running totals of
# infections (S -> E) and onsets (E -> I) from which each day's new ones are read off.
INFECTED_TOTAL = len(COMPARTMENTS) + INFECTIONS
ONSET_TOTAL = len(COMPARTMENTS) + ONSETS
N_STATE = len(COMPARTMENTS) + len(RUNNING_TOTALS)

# Classical Runge-Kutta: four slopes per step, the middle two at half a step, the last at a whole
# step; the step's increment weighs them 1, 2, 2, 1 over 6 (written out in ``_rk4``).
RK4_STAGES = 4
RK4_HALF = 0.5
# The slope depends on S, E and I only: a stage's state needs those rows (the others are never read).
SLOPE_INPUTS = (SUSCEPTIBLE, EXPOSED, INFECTIOUS)


class SeirParams(NamedTuple):
    """A batch's SEIR numbers, as the kernels read them."""

    beta: np.ndarray  # (R,) R0 / infectious days
    sigma: np.ndarray  # (R,) 1 / latent days
    gamma: np.ndarray  # (R,) 1 / infectious days
    mixing: np.ndarray  # (R, C, C) W
    shares: np.ndarray  # (R, 3) of onsets admitted mild, severe, icu
    intro: np.ndarray  # (R, H, C) infections introduced at the start of each day
    contact: np.ndarray  # (R, H, C) intervention contact factor
    population: np.ndarray  # (C,) N
    delay_days: np.ndarray  # (3,) int64 onset to admission: mild, severe, icu
    steps_per_day: int


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
    return SeirParams(
        beta=r0 / infectious,
        sigma=1 / latent,
        gamma=1 / infectious,
        mixing=mixing,
        shares=shares,
        intro=intro,
        contact=contact,
        population=np.array([c.population for c in s.cities], float),
        delay_days=np.array([getattr(e.care, sev).delay_days for sev in SEVERITIES], dtype=np.int64),
        steps_per_day=e.steps_per_day,
    )


@njit(cache=True)
def _contact_rate(p: SeirParams, lv: LevelRule, level_row: np.ndarray, r: int, t: int, c: int) -> float:
    """beta c_i(t): the interventions of day t times the contact factor of the level in force."""
    return p.beta[r] * (p.contact[r, t, c] * lv.contact_factor[r, level_row[r, t, c]])


# The deterministic epidemic: all replications at once, state y (6, C, R), replications innermost.


class Rates(NamedTuple):
    """The deterministic kernel's coefficients, replications innermost."""

    inv_pop: np.ndarray  # (C,) 1 / N
    mixing: np.ndarray  # (C, C, R) W
    sigma: np.ndarray  # (R,)
    gamma: np.ndarray  # (R,)
    beta_c: np.ndarray  # (C, R) beta c_i(t) of the day, refilled each day


class Rk4Work(NamedTuple):
    """Work space of ``_rk4``."""

    tmp: np.ndarray  # (6, C, R) the state at a stage (only its SLOPE_INPUTS rows are written)
    k: np.ndarray  # (4, 6, C, R) the slopes of the four stages


@njit(cache=True)
def _derivative(y: np.ndarray, rates: Rates, dydt: np.ndarray) -> None:
    """d/dt of y (6, C, R) into ``dydt`` (6, C, R):

        infection  beta c_i S_i sum_j W_ij I_j / N_j  (S -> E, and the infection total)
        onset      sigma E_i                          (E -> I, and the onset total)
        recovery   gamma I_i                          (I -> R)

    The replications are the innermost axis: each is computed on its own, in the same order."""
    inv_pop, mixing, sigma, gamma, beta_c = rates
    _, n_c, n_r = y.shape
    for i in range(n_c):
        for r in range(n_r):  # the infection row first sums the infectious met, sum_j W_ij I_j / N_j
            dydt[INFECTED_TOTAL, i, r] = 0.0
        for j in range(n_c):
            for r in range(n_r):
                dydt[INFECTED_TOTAL, i, r] += mixing[i, j, r] * (y[INFECTIOUS, j, r] * inv_pop[j])
        for r in range(n_r):
            inf = beta_c[i, r] * dydt[INFECTED_TOTAL, i, r] * y[SUSCEPTIBLE, i, r]
            onset = sigma[r] * y[EXPOSED, i, r]
            rec = gamma[r] * y[INFECTIOUS, i, r]
            dydt[SUSCEPTIBLE, i, r] = -inf
            dydt[EXPOSED, i, r] = inf - onset
            dydt[INFECTIOUS, i, r] = onset - rec
            dydt[RECOVERED, i, r] = rec
            dydt[INFECTED_TOTAL, i, r] = inf
            dydt[ONSET_TOTAL, i, r] = onset


@njit(cache=True)
def _rk4(y: np.ndarray, rates: Rates, steps: int, work: Rk4Work) -> None:
    """Advance y (6, C, R) by one day with classical Runge-Kutta in ``steps`` steps of h = 1 / steps:

        k1 = f(y), k2 = f(y + h/2 k1), k3 = f(y + h/2 k2), k4 = f(y + h k3)
        y <- y + h/6 (k1 + 2 k2 + 2 k3 + k4)

    ``work`` is scratch space; a stage's state holds only the rows the slope reads (SLOPE_INPUTS)."""
    tmp, k = work
    h = 1.0 / steps
    n_k, n_c, n_r = y.shape
    for _ in range(steps):
        _derivative(y, rates, k[0])
        for stage in range(1, RK4_STAGES):
            w = h if stage == RK4_STAGES - 1 else RK4_HALF * h
            for a in SLOPE_INPUTS:
                for c in range(n_c):
                    for r in range(n_r):
                        tmp[a, c, r] = y[a, c, r] + w * k[stage - 1, a, c, r]
            _derivative(tmp, rates, k[stage])
        for a in range(n_k):
            for c in range(n_c):
                for r in range(n_r):
                    y[a, c, r] += h / 6 * (k[0, a, c, r] + 2 * k[1, a, c, r] + 2 * k[2, a, c, r] + k[3, a, c, r])


@njit(cache=True)
def _replications_last(mixing: np.ndarray) -> np.ndarray:
    """W (R, C, C) as (C, C, R)."""
    n_r, n_c, _ = mixing.shape
    w = np.empty((n_c, n_c, n_r))  # the replications innermost: one sweep serves them all
    for r in range(n_r):
        w[:, :, r] = mixing[r]
    return w


@njit(cache=True)
def _introduce_expected(t: int, intro: np.ndarray, y: np.ndarray) -> None:
    """Day t's introductions (R, H, C), as many as there are susceptibles, from S to E into y (6, C, R)."""
    _, n_c, n_r = y.shape
    for c in range(n_c):
        for r in range(n_r):
            x = min(intro[r, t, c], y[SUSCEPTIBLE, c, r])
            y[SUSCEPTIBLE, c, r] -= x
            y[EXPOSED, c, r] += x
            y[INFECTED_TOTAL, c, r] += x


@njit(cache=True)
def _contact_rates(t: int, p: SeirParams, lv: LevelRule, level_row: np.ndarray, beta_c: np.ndarray) -> None:
    """Day t's beta c_i(t) of every city and replication into ``beta_c`` (C, R)."""
    n_c, n_r = beta_c.shape
    for c in range(n_c):
        for r in range(n_r):
            beta_c[c, r] = _contact_rate(p, lv, level_row, r, t, c)


@njit(cache=True)
def _record_expected(t: int, y: np.ndarray, p: SeirParams, out: SeirRecord) -> None:
    """The end of day t: the state y (6, C, R) into ``out``; the day's onsets admitted, share by
    share, ``delay_days`` later (admissions past the horizon dropped)."""
    compartments, cum, admissions, _ = out
    shares, delays = p.shares, p.delay_days
    _, n_c, n_r = y.shape
    horizon = admissions.shape[1]
    for r in range(n_r):
        for c in range(n_c):
            for a in range(len(COMPARTMENTS)):
                compartments[r, t, c, a] = y[a, c, r]
            cum[r, t + 1, c, INFECTIONS] = y[INFECTED_TOTAL, c, r]
            cum[r, t + 1, c, ONSETS] = y[ONSET_TOTAL, c, r]
            onsets = cum[r, t + 1, c, ONSETS] - cum[r, t, c, ONSETS]
            for j in range(len(delays)):
                if t + delays[j] < horizon:
                    admissions[r, t + delays[j], c, j] += onsets * shares[r, j]


@njit(cache=True)
def _deterministic(p: SeirParams, lv: LevelRule, out: SeirRecord, st: LevelState) -> None:
    """The expected epidemic of every replication into ``out`` (zeros on entry), day by day, in the
    same steps as ``_chain_binomial``: the levels of day 0, then each day introductions, one day
    of RK4 (``_rk4``) at the contact factor of the level in force, admissions from the day's
    onsets, the level update (``response.update_levels``, carrying ``st``)."""
    n_r, horizon, n_c = p.intro.shape
    rates = Rates(1.0 / p.population, _replications_last(p.mixing), p.sigma, p.gamma, np.empty((n_c, n_r)))
    work = Rk4Work(np.empty((N_STATE, n_c, n_r)), np.empty((RK4_STAGES, N_STATE, n_c, n_r)))
    y = np.zeros((N_STATE, n_c, n_r))
    for c in range(n_c):
        y[SUSCEPTIBLE, c, :] = p.population[c]
    for r in range(n_r):
        first_levels(lv, st, out, r)
    for t in range(horizon):
        _introduce_expected(t, p.intro, y)
        _contact_rates(t, p, lv, out.level_row, rates.beta_c)
        _rk4(y, rates, p.steps_per_day, work)
        _record_expected(t, y, p, out)
        update_levels(lv, st, out, t, 0, n_r)


# The stochastic epidemic: one replication at a time, state y (6, C), whole people. The helpers
# run a whole day and unpack their namedtuples before the loops: numba counts a reference for
# each array handed to a function or read out of a tuple, which with a call per city, or a read
# per draw, made this epidemic 5-20 % slower.


class BinomialStep(NamedTuple):
    """One replication's chances per chain-binomial step, and work space refilled as it runs."""

    h: float  # the step, 1 / steps_per_day days
    inv_pop: np.ndarray  # (C,) 1 / N
    p_onset: float  # 1 - exp(-h sigma)
    p_recovery: float  # 1 - exp(-h gamma)
    beta_c: np.ndarray  # (C,) beta c_i(t), each day
    p_infection: np.ndarray  # (C,) 1 - exp(-h lambda_i), each step
    infections: np.ndarray  # (C,) drawn each step: S -> E
    onsets: np.ndarray  # (C,) E -> I
    recoveries: np.ndarray  # (C,) I -> R


@njit(cache=True)
def _binomial_setup(r: int, p: SeirParams) -> BinomialStep:
    """Replication r's chances of onset and recovery per step, and empty work space."""
    h = 1.0 / p.steps_per_day
    n_c = len(p.population)
    return BinomialStep(
        h,
        1.0 / p.population,
        1 - np.exp(-h * p.sigma[r]),
        1 - np.exp(-h * p.gamma[r]),
        np.empty(n_c),
        np.empty(n_c),
        np.empty(n_c),
        np.empty(n_c),
        np.empty(n_c),
    )


@njit(cache=True)
def _introduce_whole(r: int, t: int, intro: np.ndarray, y: np.ndarray) -> None:
    """Day t's introductions (R, H, C) in whole people, as many as there are susceptibles, from S to E into y (6, C)."""
    for c in range(y.shape[1]):
        x = np.floor(min(intro[r, t, c], y[SUSCEPTIBLE, c]))
        y[SUSCEPTIBLE, c] -= x
        y[EXPOSED, c] += x
        y[INFECTED_TOTAL, c] += x


@njit(cache=True)
def _binomial_day(g: np.random.Generator, steps: int, mixing: np.ndarray, y: np.ndarray, step: BinomialStep) -> None:
    """One day of ``steps`` chain-binomial steps on y (6, C); ``mixing`` (C, C) is the
    replication's W. Each step: every city's chance of infection,
    p_i = 1 - exp(-h beta c_i sum_j W_ij I_j / N_j); then the infections of every city, then the
    onsets, then the recoveries, each Binomial(people in the compartment, chance), drawn in that
    order; then the moves."""
    h, inv_pop, p_onset, p_recovery, beta_c, p_infection, infections, onsets, recoveries = step
    n_c = y.shape[1]
    for _ in range(steps):
        for c in range(n_c):
            seen = 0.0
            for j in range(n_c):
                seen += mixing[c, j] * (y[INFECTIOUS, j] * inv_pop[j])
            p_infection[c] = 1 - np.exp(-h * (beta_c[c] * seen))
        for c in range(n_c):
            infections[c] = g.binomial(int(y[SUSCEPTIBLE, c]), p_infection[c])
        for c in range(n_c):
            onsets[c] = g.binomial(int(y[EXPOSED, c]), p_onset)
        for c in range(n_c):
            recoveries[c] = g.binomial(int(y[INFECTIOUS, c]), p_recovery)
        for c in range(n_c):
            y[SUSCEPTIBLE, c] -= infections[c]
            y[EXPOSED, c] += infections[c] - onsets[c]
            y[INFECTIOUS, c] += onsets[c] - recoveries[c]
            y[RECOVERED, c] += recoveries[c]
            y[INFECTED_TOTAL, c] += infections[c]
            y[ONSET_TOTAL, c] += onsets[c]


@njit(cache=True)
def _record_whole(r: int, t: int, y: np.ndarray, out: SeirRecord) -> None:
    """The state y (6, C) at the end of day t into ``out``."""
    compartments, cum = out.compartments, out.cumulative
    for c in range(y.shape[1]):
        for a in range(len(COMPARTMENTS)):
            compartments[r, t, c, a] = y[a, c]
        cum[r, t + 1, c, INFECTIONS] = y[INFECTED_TOTAL, c]
        cum[r, t + 1, c, ONSETS] = y[ONSET_TOTAL, c]


@njit(cache=True)
def _admit_whole(g: np.random.Generator, r: int, t: int, p: SeirParams, out: SeirRecord) -> None:
    """Each city's onsets of day t, city by city, split Multinomial(onsets; shares) into mild,
    severe and icu admissions ``delay_days`` later (other onsets are not admitted; admissions past
    the horizon dropped), drawn as numpy draws a multinomial: successive binomials,
    x_k ~ Binomial(left, share_k / (1 - shares before k)), stopping when none are left."""
    shares, delays, cum, admissions = p.shares, p.delay_days, out.cumulative, out.admissions
    horizon, n_c = admissions.shape[1], admissions.shape[2]
    for c in range(n_c):
        left = int(np.rint(cum[r, t + 1, c, ONSETS] - cum[r, t, c, ONSETS]))
        share_left = 1.0
        for k in range(len(delays)):
            if left <= 0:
                break
            x = g.binomial(left, min(shares[r, k] / share_left, 1.0)) if share_left > 0 else 0
            left -= x
            share_left -= shares[r, k]
            if t + delays[k] < horizon:
                admissions[r, t + delays[k], c, k] += x


@njit(cache=True)
def _chain_binomial(
    g: np.random.Generator, r: int, p: SeirParams, lv: LevelRule, out: SeirRecord, st: LevelState
) -> None:
    """Replication r's stochastic epidemic into ``out``, day by day, drawing from its own
    generator ``g``: whole introductions; ``steps_per_day`` chain-binomial steps a day at the
    contact factor of the level in force (``_binomial_day``); the day's onsets admitted
    (``_admit_whole``); the level update (``response.update_levels``, carrying ``st``: each
    city's own level depends on its own admissions and the schedule only)."""
    horizon, n_c = p.intro.shape[1], p.intro.shape[2]
    step = _binomial_setup(r, p)
    y = np.zeros((N_STATE, n_c))
    y[SUSCEPTIBLE] = p.population
    level_row = out.level_row
    first_levels(lv, st, out, r)
    for t in range(horizon):
        _introduce_whole(r, t, p.intro, y)
        for c in range(n_c):
            step.beta_c[c] = _contact_rate(p, lv, level_row, r, t, c)
        _binomial_day(g, p.steps_per_day, p.mixing[r], y, step)
        _record_whole(r, t, y, out)
        _admit_whole(g, r, t, p, out)
        update_levels(lv, st, out, t, r, r + 1)


def seir_draws(
    s: Scenario, seed: int, replications: np.ndarray, km: np.ndarray | None, trips: np.ndarray | None
) -> tuple[SeirParams, LevelTable]:
    """The replications' SEIR parameters, then their level settings, from each one's
    EPIDEMIC_PARAMS stream in that order; the epidemic itself is not run."""
    param_rngs = rngs(seed, replications, Stream.EPIDEMIC_PARAMS)
    return seir_params(s, param_rngs, km, trips), level_table(s, param_rngs)


def simulate_epidemic(
    s: Scenario, seed: int, bp: BatchParams, km: np.ndarray | None = None, trips: np.ndarray | None = None
) -> EpidemicBatch:
    """The batch's SEIR epidemic: parameters and level settings drawn from each replication's
    EPIDEMIC_PARAMS stream, the stochastic chain binomial (from its EPIDEMIC stream) or the
    deterministic curve, then the care pathway."""
    reps = bp.replications
    p, table = seir_draws(s, seed, reps, km, trips)
    lv = level_rule(s, table, p.population)
    out = SeirRecord.zeros(len(reps), s.horizon_days, len(s.cities))
    st = LevelState.zeros(len(reps), len(s.cities))
    if s.epidemic.stochastic:
        for r, g in enumerate(rngs(seed, reps, Stream.EPIDEMIC)):
            _chain_binomial(g, r, p, lv, out, st)
    else:
        _deterministic(p, lv, out, st)
    return assemble(s, bp, table, out, p.population)
