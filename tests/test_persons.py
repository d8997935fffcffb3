"""Persons and provisions (issue 10 item 3): who a trajectory concerns, the provisions they hold, and how they are counted.

A trajectory of a household-domain concerns its client and each other eligible member with
``persons.<domain>``; each of them holds a companion provision with ``companion.<product>``. These are
binomial draws at admission, tested against their expectation; the tallies that count persons and
provisions are tested against a recount of the households' columns, exactly; the ledger pays p x q
per provision-month, exactly.
"""

from __future__ import annotations

import numpy as np
from sdsim.simulation.engine import Engine
from sdsim.simulation.ledger import book
from sdsim.simulation.prices import line_index_factors
from sdsim.simulation.schema import (
    CARE,
    COMPANION,
    DOMAINS,
    ELIGIBLE,
    HOLD_CLIENTS,
    HOLD_HOLDERS,
    HOLD_PROVISIONS,
    N_DOMAINS,
    N_PRODUCTS,
    PAY_PXQ,
    PRODUCT,
    PRODUCT_LINE,
    PRODUCTS,
)

from tests.conftest import small_profile

MONTHS = 24


def _engine(baseline, **changes: float) -> Engine:
    params = baseline.params.replace(changes)
    engine = Engine(small_profile(baseline.profile, 20_000, burn_in_years=5), params, seed=3, horizon_months=MONTHS)
    engine.run(0)  # the burn-in
    return engine


def _in_care(hh):
    rows, cols = np.nonzero(hh.state[:, :N_DOMAINS] == CARE)
    return rows, cols, hh.product[rows, cols].astype(np.int64), hh.persons[rows, cols].astype(np.int64), hh.companions[rows, cols]


def test_persons_and_companions_are_binomial_at_admission(baseline):
    """Each admission draws k - 1 ~ Binomial(eligible - 1, persons share) and companions ~ Binomial(k, companion share).

    Shares are raised so the sums are large. Admissions of the month are those in care with
    ``entered`` the month just stepped (the household's members cannot have changed since: demography
    is visited in a later month). Sums over 24 months of independent binomials; 3 standard errors.
    """
    shares = {"jeugd": 0.5, "wmo": 0.4, "veiligheid": 0.6}
    companion = 0.45
    with_companion = [p for p in PRODUCTS if COMPANION[PRODUCT[p.name]] >= 0]
    engine = _engine(
        baseline, **{f"persons.{d}": s for d, s in shares.items()}, **{f"companion.{p.name}": companion for p in with_companion}
    )
    hh = engine.households
    observed, expected, variance = (dict.fromkeys(shares, 0.0) for _ in range(3))
    held, held_expected, held_variance = 0.0, 0.0, 0.0
    for _ in range(MONTHS):
        engine.step()
        rows, cols, products, persons, companions = _in_care(hh)
        new = hh.entered[rows, cols] == engine.month - 1
        members = np.stack([hh.children, hh.young, hh.adults, hh.elderly], axis=1)[rows].astype(np.int64)
        for d, share in shares.items():
            at = new & (cols == DOMAINS.index(d))
            others = np.maximum(1, (members[at] * ELIGIBLE[DOMAINS.index(d)]).sum(axis=1)) - 1
            observed[d] += (persons[at] - 1).sum()
            expected[d] += share * others.sum()
            variance[d] += share * (1 - share) * others.sum()
        at = new & (COMPANION[products] >= 0)
        held += companions[at].sum()
        held_expected += companion * persons[at].sum()
        held_variance += companion * (1 - companion) * persons[at].sum()
    for d in shares:
        assert expected[d] > 20, f"{d}: too few draws to test ({expected[d]:.0f})"
        assert abs(observed[d] - expected[d]) <= 3 * np.sqrt(variance[d]), (
            f"{d}: other persons {observed[d]:.0f}, expected {expected[d]:.1f} (SE {np.sqrt(variance[d]):.1f})"
        )
    assert abs(held - held_expected) <= 3 * np.sqrt(held_variance), f"companions {held:.0f} vs {held_expected:.1f}"


def test_persons_tally_is_a_recount_of_the_households(baseline):
    """At every month end the ``persons`` tally equals a recount of the columns: clients, holders, provisions per product; exact.

    And trajectories are conserved: the provisions held change by those started less those ended, month by month.
    """
    engine = _engine(baseline)
    hh = engine.households
    held_before = None
    for _ in range(MONTHS):
        engine.step()
        _, _, products, persons, companions = _in_care(hh)
        clients = np.bincount(products, persons, minlength=N_PRODUCTS)
        has = companions > 0
        partner = COMPANION[products[has]]
        other = partner != products[has]
        holders = clients + np.bincount(partner[other], companions[has][other], minlength=N_PRODUCTS)
        provisions = clients + np.bincount(partner, companions[has], minlength=N_PRODUCTS)
        tally = engine.last_month().persons[0]
        np.testing.assert_array_equal(tally[:, HOLD_CLIENTS], clients)
        np.testing.assert_array_equal(tally[:, HOLD_HOLDERS], holders)
        np.testing.assert_array_equal(tally[:, HOLD_PROVISIONS], provisions)
        month = engine.last_month()
        if held_before is not None:
            np.testing.assert_array_equal(provisions - held_before, month.started[0].sum(axis=1) - month.ended[0])
        held_before = provisions


def test_without_persons_or_companions_every_count_is_a_household_trajectory(baseline):
    """With every share 0 a trajectory is one person holding one provision: persons = stock, provisions = billed, started = admitted."""
    zero = {n: 0.0 for n in baseline.params if n.startswith(("persons.", "companion."))}
    tallies = _engine(baseline, **zero).run()
    stock = tallies.stock.sum(axis=1)
    for holding in (HOLD_CLIENTS, HOLD_HOLDERS, HOLD_PROVISIONS):
        np.testing.assert_array_equal(tallies.persons[:, :, holding], stock)
    np.testing.assert_array_equal(tallies.provisions, tallies.billed)
    np.testing.assert_array_equal(tallies.started.sum(axis=2), tallies.admitted.sum(axis=1))


def test_p_x_q_pays_every_provision_month(baseline):
    """Care paid p x q costs unit price x provision-months per provider and product (companions included), to the cent."""
    engine = _engine(baseline)
    tallies = engine.run()
    ledger = book(tallies, engine.compiled)
    index = line_index_factors(MONTHS, engine.compiled.params)[:, PRODUCT_LINE]
    expected = (tallies.provisions * engine.compiled.unit_price).sum(axis=1) * index
    assert (engine.compiled.payment_model == PAY_PXQ).all(), "the default pays every provider p x q"
    np.testing.assert_allclose(ledger.care, expected, rtol=1e-12)
    assert tallies.provisions.sum() > tallies.billed.sum(), "companions and siblings add provision-months"
