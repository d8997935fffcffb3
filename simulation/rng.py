"""Counter-based random numbers keyed by (seed, household, month, decision).

Every draw is a pure function of its key: no generator state, nothing shared between threads,
so a run gives identical numbers for any thread count, process or machine, and two scenarios
give the same household the same draw for the same decision (common random numbers).

The mixer is the SplitMix64 finaliser (Steele, Lea & Flood 2014), which passes BigCrush as a
hash of sequential counters. Keys are chained through it: ``month_key`` once per month,
``household_key`` once per household-month (position h of a SplitMix64 stream), then one
``uniform`` per decision. Keys are coerced to uint64 at every entry (numba turns int64 + uint64
into float64). ``screened_uniform`` and ``bernoulli_chain`` save hashes for rare events without
changing which draw a decision gets.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MONTH = np.uint64(0xD1B54A32D192ED03)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
NEVER_MONTH = 1 << 30  # "never" for scheduled events


@njit(cache=True, inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser: a bijective avalanche of 64 bits."""
    z = uint64(z)
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def stream_key(seed: int, replicate: int) -> np.uint64:
    """Key of one replicate of one seed; scenarios sharing it share every draw."""
    return mix64(mix64(uint64(seed) ^ _GOLDEN) + uint64(replicate) * _MONTH)


@njit(cache=True, inline="always")
def month_key(key: np.uint64, month: int) -> np.uint64:
    """Key of one month of one replicate (months may be negative during burn-in)."""
    return mix64(uint64(key) ^ (uint64(month + 1_000_000) * _MONTH))


@njit(cache=True, inline="always")
def household_key(month_key_: np.uint64, household: int) -> np.uint64:
    """Key of one household in one month: position ``household`` of a SplitMix64 stream."""
    return mix64(uint64(month_key_) + uint64(household + 1) * _GOLDEN)


@njit(cache=True, inline="always")
def household_month_key(key: np.uint64, household: int, month: int) -> np.uint64:
    """Key of one household in one month (``household_key(month_key(key, month), household)``)."""
    return household_key(month_key(key, month), household)


@njit(cache=True, inline="always")
def uniform(hm_key: np.uint64, decision: int) -> float:
    """Uniform draw in [0, 1) for one decision of one household-month."""
    return float(mix64(uint64(hm_key) + uint64(decision + 1) * _GOLDEN) >> _S11) * _TO_UNIT


SCREEN_BITS = 10  # six screening fields per 64-bit household-month key
_SCREEN_MASK = np.uint64((1 << SCREEN_BITS) - 1)
_SCREEN_SCALE = float(1 << SCREEN_BITS)


@njit(cache=True, inline="always")
def screened_uniform(hm_key: np.uint64, slot: int, decision: int, p: float) -> float:
    """The uniform u of ``decision`` if u < p is possible, else 2.0; usually without a hash.

    u = (c + f) / 1024, where c is the 10-bit field ``slot`` (0..5) of the household-month key
    itself and f = ``uniform(hm_key, decision)`` in [0, 1). u is uniform on [0, 1) and a function
    of (key, household, month, decision) only. When c / 1024 >= p the event cannot happen and f is
    never computed, so rare events (onsets, demography) cost a comparison, not a hash.
    """
    c = np.int64((uint64(hm_key) >> uint64(SCREEN_BITS * slot)) & _SCREEN_MASK)
    if c >= p * _SCREEN_SCALE:
        return 2.0
    return (c + uniform(hm_key, decision)) * (1.0 / _SCREEN_SCALE)


@njit(cache=True, inline="always")
def screened_below(hm_key: np.uint64, slot: int, decision: int, p: float) -> bool:
    """Exactly ``u < p`` for the uniform of ``decision`` (see ``screened_uniform``)."""
    return screened_uniform(hm_key, slot, decision, p) < p


@njit(cache=True, inline="always")
def bernoulli_chain(u: float, p: float, inv_p: float, inv_not_p: float) -> tuple[bool, float]:
    """One Bernoulli(p) outcome from uniform ``u`` and a fresh uniform for the next outcome.

    Sequential conditioning: the event happens if u < p; the remaining uniform is u / p or
    (u - p) / (1 - p), again uniform on [0, 1) and independent of the outcome (``inv_p`` and
    ``inv_not_p`` are 1/p and 1/(1-p), precomputed). A few rare events from one 53-bit draw lose
    only ~log2(1/p) bits each. The chain has no event at all exactly when u >= 1 - prod(1 - p_i),
    which lets callers skip it with one comparison.
    """
    if u < p:
        return True, u * inv_p
    return False, (u - p) * inv_not_p


@njit(cache=True, inline="always")
def binomial_chain(u: float, n: int, p: float, inv_p: float, inv_not_p: float) -> tuple[int, float]:
    """Number of events among ``n`` Bernoulli(p) trials drawn by ``bernoulli_chain`` from ``u``."""
    count = 0
    for _ in range(n):
        event, u = bernoulli_chain(u, p, inv_p, inv_not_p)
        count += event
    return count, u


@njit(cache=True, inline="always")
def geometric_month(first: int, p: float, u: float) -> int:
    """First month >= ``first`` in which an event of monthly probability ``p`` happens.

    Inversion of the geometric distribution with uniform ``u`` in [0, 1): P(month >= first + j)
    = (1 - p) ** j, exactly the law of checking a Bernoulli(p) draw every month (memorylessness),
    so a rare event can be scheduled once instead of drawn for every month.
    """
    if p <= 0.0:
        return NEVER_MONTH
    if p >= 1.0:
        return first
    return geometric_month_log(first, math.log1p(-p), u)


@njit(cache=True, inline="always")
def geometric_month_log(first: int, log_stay: float, u: float) -> int:
    """``geometric_month`` given log(1 - p) < 0 instead of p (a sum of logs when p is a product)."""
    k = math.floor(math.log1p(-u) / log_stay)
    return first + k if k < NEVER_MONTH - first else NEVER_MONTH


@njit(cache=True, inline="always")
def geometric_month_before(first: int, p: float, u: float, limit: int) -> int:
    """``geometric_month`` if that month is before ``limit``, else NEVER_MONTH; mostly without a logarithm.

    For an event drawn anew at ``limit`` anyway (by memorylessness that is exact): the month is
    before ``limit`` only if u < 1 - (1 - p) ** (limit - first) <= p * (limit - first), so a draw
    above p * (limit - first) needs no inversion. The result does not depend on that shortcut.
    """
    if u >= p * (limit - first):
        return NEVER_MONTH
    month = geometric_month(first, p, u)
    return month if month < limit else NEVER_MONTH


@njit(cache=True)
def uniforms(key: np.uint64, households: np.ndarray, month: int, decision: int) -> np.ndarray:
    """Vector of ``uniform`` draws for many households (tests, population set-up)."""
    out = np.empty(households.shape[0])
    for i in range(households.shape[0]):
        out[i] = uniform(household_month_key(key, households[i], month), decision)
    return out
