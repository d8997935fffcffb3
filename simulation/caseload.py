"""Start from today's caseload: the clients in care and on waiting lists on the start date.

A municipality knows its caseload: per product, the trajectories it pays on 1 January and how long
each has run, and who waits for one. ``apply_caseload`` sets a population (burned in, so the rest of
it is drawn consistently with the municipality) to that caseload, exactly: per product, the
caseload's number of household trajectories are in care (and on the waiting list), each with its
months in care (or waited) drawn uniformly within its band. Trajectories the burn-in had beyond
the caseload end; those it lacks are given to households without a need in the domain that have
members it may concern (children for youth care and protection, adults for Wmo), at the provider
of the product with the most free slots. The end of every trajectory in care is drawn when the
engine starts (``kernels.schedule_all``) from the duration law given its months in care: the
remaining months of a client who has been in care for ``m`` months follow ``P(D > m + k | D > m)``,
not the law from the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from sdsim.simulation.inputs import Structure
from sdsim.simulation.population import Households
from sdsim.simulation.rng import NEVER_MONTH
from sdsim.simulation.schema import (
    CARE,
    D_ACCESS,
    D_JUDGE,
    D_NONE,
    ELIGIBLE,
    NONE,
    PRODUCT_DOMAIN,
    PRODUCT_TIER,
    PRODUCTS,
    T_FORCED,
    T_MAATWERK,
    V_MODERATE,
    V_NONE,
    V_SEVERE,
    WAITLIST,
)


class Band(NamedTuple):
    """``count`` trajectories of ``product`` in care (or on its waiting list, ``waiting``) for months_min..months_max months."""

    product: int
    count: int
    months_min: int
    months_max: int
    waiting: bool = False


def apply_caseload(households: Households, bands: Sequence[Band], structure: Structure, seed: int) -> Households:
    """A copy of ``households`` with exactly the caseload of ``bands`` on 1 January of the start year (month 0).

    Products without a band keep the population's own trajectories. ``structure`` gives the
    providers offering each product and their slots; ``seed`` the draws (which trajectories end,
    which households get one, their months).

    Raises:
        ValueError: the population has too few households to hold a product's caseload.
    """
    out = households.copy()
    rng = np.random.default_rng(seed)
    occupied = out.occupied
    members = np.stack([out.children, out.young, out.adults, out.elderly], axis=1).astype(np.int64)
    for (product, waiting), group in _grouped(bands).items():
        state = WAITLIST if waiting else CARE
        d = int(PRODUCT_DOMAIN[product])
        holders = np.flatnonzero((out.state[:, d] == state) & (out.product[:, d] == product))
        target = sum(b.count for b in group)
        if holders.size > target:
            ended = rng.choice(holders, holders.size - target, replace=False)
            _clear(out, ended, d)
            holders = np.setdiff1d(holders, ended)
        elif holders.size < target:
            may = occupied & (out.state[:, d] == NONE) & ((members @ ELIGIBLE[d] > 0) | (ELIGIBLE[d].sum() == 0))
            candidates = np.flatnonzero(may)
            if candidates.size < target - holders.size:
                raise ValueError(f"{PRODUCTS[product].name}: {target} trajectories, but only {candidates.size} households can hold one")
            added = rng.choice(candidates, target - holders.size, replace=False)
            _start(out, added, d, product, state, structure)
            holders = np.concatenate((holders, added))
        order = rng.permutation(holders)
        first = 0
        for band in group:
            rows = order[first : first + band.count]
            first += band.count
            months = rng.integers(band.months_min, band.months_max + 1, size=rows.size)
            # in care: m months served before month 0 (``schedule_all`` reads month - entered - 1); waiting: m months waited
            out.entered[rows, d] = -months - (0 if waiting else 1)
    return out


def _grouped(bands: Sequence[Band]) -> dict[tuple[int, bool], list[Band]]:
    grouped: dict[tuple[int, bool], list[Band]] = {}
    for band in bands:
        grouped.setdefault((band.product, band.waiting), []).append(band)
    return grouped


def _clear(out: Households, rows: np.ndarray, d: int) -> None:
    """The trajectories of ``rows`` in domain ``d`` ended before the start: no need (its next onset is drawn at the start)."""
    out.state[rows, d] = NONE
    out.severity[rows, d] = V_NONE
    out.product[rows, d] = -1
    out.provider[rows, d] = -1
    out.door[rows, d] = D_NONE
    out.entered[rows, d] = 0
    out.escalation[rows, d] = NEVER_MONTH
    out.persons[rows, d] = 0
    out.companions[rows, d] = 0


def _start(out: Households, rows: np.ndarray, d: int, product: int, state: int, structure: Structure) -> None:
    """Give ``rows`` a trajectory of ``product`` in ``state``: one person, through the access team (a court order if forced)."""
    tier = PRODUCT_TIER[product]
    out.state[rows, d] = state
    out.severity[rows, d] = V_MODERATE if tier == T_MAATWERK else V_SEVERE
    out.product[rows, d] = product
    out.door[rows, d] = D_JUDGE if tier == T_FORCED else D_ACCESS
    out.escalation[rows, d] = NEVER_MONTH
    out.persons[rows, d] = 1 if state == CARE else 0
    out.companions[rows, d] = 0
    out.provider[rows, d] = -1
    if state == CARE:
        offering = structure.offer_provider[structure.offer_start[product] : structure.offer_start[product + 1]]
        taken = np.array([np.count_nonzero((out.state[:, d] == CARE) & (out.provider[:, d] == p)) for p in offering])
        free = structure.provider_slots[offering, product] - taken
        for row in rows:  # each to the provider with the most free slots (the first of equals), as admission does
            k = int(np.argmax(free))
            out.provider[row, d] = offering[k]
            free[k] -= 1


__all__ = ["Band", "apply_caseload"]
