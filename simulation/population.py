"""Households as a struct of arrays, and the synthetic population of a profile.

Capacity is fixed up front; the kernels read and write these columns in place. A row holds one
household from its arrival (or the start) until it leaves the municipality or its last member
dies; then the row is vacant (no persons, never visited) until an arriving household takes it.
Spare rows are allocated at the start (``synthesize(..., rows=)``), as LASER reserves them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from sdsim.simulation.inputs import Structure
from sdsim.simulation.rng import NEVER_MONTH, household_month_key, uniform
from sdsim.simulation.schema import (
    COUNT_DTYPE,
    D_NONE,
    FLOAT_DTYPE,
    HIDDEN,
    ID_DTYPE,
    MONTHS_DTYPE,
    N_DOMAINS,
    NONE,
    STATE_DTYPE,
    V_MODERATE,
    V_NONE,
    WERK,
)
from sdsim.simulation.streams import HOUSEHOLD_STREAMS

NEVER = -32_000  # last_end of a household-domain that never ended a trajectory
SETUP_MONTH = -999_000  # RNG month key of the population set-up (far from any simulated month)
DRAW_TYPE, DRAW_CHILDREN, DRAW_INCOME = HOUSEHOLD_STREAMS["draw_type"], HOUSEHOLD_STREAMS["draw_children"], HOUSEHOLD_STREAMS["draw_income"]
DRAW_BENEFIT, DRAW_NETWORK = HOUSEHOLD_STREAMS["draw_benefit"], HOUSEHOLD_STREAMS["draw_network"]
DRAW_WIJK, DRAW_GP = HOUSEHOLD_STREAMS["draw_wijk"], HOUSEHOLD_STREAMS["draw_gp"]


class Households(NamedTuple):
    """Struct-of-arrays population: one row per household, (N, domains) for per-domain state."""

    children: np.ndarray  # persons 0-17
    young: np.ndarray  # persons 18-22
    adults: np.ndarray  # persons 23-74
    elderly: np.ndarray  # persons 75+
    income: np.ndarray  # 0 low, 1 middle, 2 high
    network: np.ndarray  # informal network strength in [0, 1]
    wijk: np.ndarray
    team: np.ndarray  # access team serving the wijk
    gp: np.ndarray  # GP practice
    state: np.ndarray  # (N, domains) schema.STATES
    severity: np.ndarray  # (N, domains) schema.SEVERITIES
    entered: np.ndarray  # (N, domains) month the current state was entered
    product: np.ndarray  # (N, domains) product while deciding / waiting / in care; in a general provision replacing
    # a product (lever L1), and in the queue after stepping up from it: that product; else -1
    provider: np.ndarray  # (N, domains) provider index while in care, else -1
    door: np.ndarray  # (N, domains) schema.DOORS of the current trajectory
    last_end: np.ndarray  # (N, domains) month the last trajectory ended (NEVER if none)
    next_onset: np.ndarray  # (N, domains) month of the next onset while without need; in a hidden need or general
    # provision: month of its next event (kernels.UNSCHEDULED until drawn); in care: month care ends
    escalation: np.ndarray  # (N, domains) in maatwerk care: month of escalation to specialist care (else never)
    next_demography: np.ndarray  # (N,) month of the household's next ageing, birth or death event
    wake: np.ndarray  # (N,) month of the next visit: the earliest of the above, or next month in a queue or waiting list
    context: np.ndarray  # (N,) kernels.CTX_* bits: multi-problem, on benefit, asleep
    persons: np.ndarray  # (N, domains) in care: persons the trajectory concerns (schema.PERSON_GROUPS), drawn at admission
    companions: np.ndarray  # (N, domains) in care: of those, persons holding a companion provision (schema.COMPANIONS)

    @property
    def size(self) -> int:
        """Number of rows (households and vacant rows)."""
        return self.children.shape[0]

    @property
    def occupied(self) -> np.ndarray:
        """The rows that hold a household (vacant rows have no persons)."""
        return (self.children.astype(np.int64) + self.young + self.adults + self.elderly) > 0

    def copy(self) -> Households:
        """Deep copy (every column)."""
        return Households(*(column.copy() for column in self))


def empty(n: int) -> Households:
    """Allocate ``n`` households with no one in any trajectory."""
    per_domain = (n, N_DOMAINS)
    return Households(
        children=np.zeros(n, COUNT_DTYPE),
        young=np.zeros(n, COUNT_DTYPE),
        adults=np.zeros(n, COUNT_DTYPE),
        elderly=np.zeros(n, COUNT_DTYPE),
        income=np.zeros(n, STATE_DTYPE),
        network=np.zeros(n, FLOAT_DTYPE),
        wijk=np.zeros(n, ID_DTYPE),
        team=np.zeros(n, ID_DTYPE),
        gp=np.zeros(n, ID_DTYPE),
        state=np.zeros(per_domain, STATE_DTYPE),
        severity=np.zeros(per_domain, STATE_DTYPE),
        entered=np.zeros(per_domain, np.int32),
        product=np.full(per_domain, -1, STATE_DTYPE),
        provider=np.full(per_domain, -1, ID_DTYPE),
        door=np.zeros(per_domain, STATE_DTYPE),
        last_end=np.full(per_domain, NEVER, MONTHS_DTYPE),
        next_onset=np.zeros(per_domain, np.int32),
        escalation=np.full(per_domain, NEVER_MONTH, np.int32),
        next_demography=np.zeros(n, np.int32),
        wake=np.zeros(n, np.int32),
        context=np.zeros(n, np.int8),
        persons=np.zeros(per_domain, COUNT_DTYPE),
        companions=np.zeros(per_domain, COUNT_DTYPE),
    )


@njit(cache=True, nogil=True)
def _first_above(cdf: np.ndarray, u: float) -> int:
    for i in range(cdf.shape[0]):
        if u < cdf[i]:
            return i
    return cdf.shape[0] - 1


@njit(cache=True, nogil=True)
def draw_household(hh: Households, h: int, hk: np.uint64, st: Structure) -> None:
    """Fill row ``h`` with a household drawn from the profile using key ``hk``; no needs yet."""
    t = _first_above(st.type_cdf, uniform(hk, DRAW_TYPE))
    adults, young, elderly, cmin, cmax = st.type_members[t]
    span = cmax - cmin + 1
    hh.adults[h] = adults
    hh.young[h] = young
    hh.elderly[h] = elderly
    hh.children[h] = cmin + min(int(uniform(hk, DRAW_CHILDREN) * span), span - 1)
    hh.income[h] = _first_above(st.income_cdf, uniform(hk, DRAW_INCOME))
    a, b = st.network_ab[0], st.network_ab[1]  # Kumaraswamy(a, b) by inversion
    hh.network[h] = (1.0 - (1.0 - uniform(hk, DRAW_NETWORK)) ** (1.0 / b)) ** (1.0 / a)
    n_wijken = st.wijk_team.shape[0]
    hh.wijk[h] = min(int(uniform(hk, DRAW_WIJK) * n_wijken), n_wijken - 1)
    hh.team[h] = st.wijk_team[hh.wijk[h]]
    hh.gp[h] = _first_above(st.gp_cdf, uniform(hk, DRAW_GP))
    for d in range(N_DOMAINS):
        hh.state[h, d] = NONE
        hh.severity[h, d] = V_NONE
        hh.entered[h, d] = 0
        hh.product[h, d] = -1
        hh.provider[h, d] = -1
        hh.door[h, d] = D_NONE
        hh.last_end[h, d] = NEVER


@njit(cache=True, nogil=True, inline="always")
def birth_eligible(nc: int, ny: int, na: int) -> int:
    """1 if a birth can happen in a household with these members (an adult, fewer than four children)."""
    return 1 if (na + ny > 0 and nc < 4) else 0


@njit(cache=True, nogil=True)
def population_counts(hh: Households) -> np.ndarray:
    """Persons per age group, households, birth-eligible households (``tallies.POPULATION``) of the occupied rows."""
    out = np.zeros(6, np.int64)
    for h in range(hh.children.shape[0]):
        nc, ny, na, ne = hh.children[h], hh.young[h], hh.adults[h], hh.elderly[h]
        if nc + ny + na + ne > 0:
            out[0] += nc
            out[1] += ny
            out[2] += na
            out[3] += ne
            out[4] += 1
            out[5] += birth_eligible(nc, ny, na)
    return out


@njit(cache=True, nogil=True)
def _synthesize(hh: Households, key: np.uint64, st: Structure, n: int) -> None:
    for h in range(n):
        hk = household_month_key(key, h, SETUP_MONTH)
        draw_household(hh, h, hk, st)
        # Households on bijstand start with a (moderate) werk need; income class low.
        if hh.adults[h] + hh.young[h] > 0 and uniform(hk, DRAW_BENEFIT) < st.benefit_share:
            hh.income[h] = 0
            hh.state[h, WERK] = HIDDEN
            hh.severity[h, WERK] = V_MODERATE


def synthesize(n: int, key: int, structure: Structure, rows: int | None = None) -> Households:
    """A synthetic population of ``n`` households in ``rows`` rows (default ``n``), the rest vacant, for one replicate key."""
    hh = empty(max(n, rows or n))
    _synthesize(hh, np.uint64(key), structure, n)
    return hh
