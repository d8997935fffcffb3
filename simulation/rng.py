"""Counter-based random numbers keyed by (seed, household, month, decision).

Every draw is a pure function of its key: no generator state, nothing shared between threads,
so a run gives identical numbers for any thread count, process or machine, and two scenarios
give the same household the same draw for the same decision (common random numbers).

The mixer is the SplitMix64 finaliser (Steele, Lea & Flood 2014), which passes BigCrush as a
hash of sequential counters. Keys are coerced to uint64 at every entry (numba turns int64 + uint64 into float64). Keys are chained through it: ``household_month_key`` once per
household-month, then one ``uniform`` per decision.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MONTH = np.uint64(0xD1B54A32D192ED03)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


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
def household_month_key(key: np.uint64, household: int, month: int) -> np.uint64:
    """Key of one household in one month (months may be negative during burn-in)."""
    return mix64(mix64(uint64(key) + uint64(household) * _GOLDEN) ^ (uint64(month + 1_000_000) * _MONTH))


@njit(cache=True, inline="always")
def uniform(hm_key: np.uint64, decision: int) -> float:
    """Uniform draw in [0, 1) for one decision of one household-month."""
    return float(mix64(uint64(hm_key) + uint64(decision + 1) * _GOLDEN) >> _S11) * _TO_UNIT


@njit(cache=True)
def uniforms(key: np.uint64, households: np.ndarray, month: int, decision: int) -> np.ndarray:
    """Vector of ``uniform`` draws for many households (tests, population set-up)."""
    out = np.empty(households.shape[0])
    for i in range(households.shape[0]):
        out[i] = uniform(household_month_key(key, households[i], month), decision)
    return out
