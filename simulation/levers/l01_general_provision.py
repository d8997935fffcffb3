"""L1 maatwerk to general provision: access sends a share of triaged maatwerk demand to a general provision."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Evidence, Lever, LeverPrices
from sdsim.simulation.parameter import ASSUMPTION, NON_NEGATIVE, Parameter, declare, spread
from sdsim.simulation.schema import PRODUCT, PRODUCTS, T_MAATWERK

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters
    from sdsim.simulation.profile import Profile

SHIFTABLE = tuple(p.name for p in PRODUCTS if p.tier == T_MAATWERK)  # L1 applies to maatwerk products
_COST_MONTH = {"wmo_hbh": 150.0, "wmo_begeleiding": 300.0, "wmo_hulpmiddelen": 60.0, "jeugd_ambulant": 300.0}
_SD, _SW = "seed:[SD]", "seed:[SW]"


def _parameters(name: str) -> tuple[Parameter, ...]:
    """The lever's parameters for one maatwerk product."""
    cost = _COST_MONTH.get(name, 150.0)
    return (
        declare(
            f"lever.shift.{name}.share",
            0.0,
            (0.0, 0.75),
            "share of access-triaged demand sent to a general provision",
            f"{_SD} §4.9; {_SW} Bijlage 1.3 (25 % of HbH stays maatwerk)",
            nl="aandeel van de getrieerde vraag dat naar een algemene voorziening gaat",
        ),
        declare(
            f"lever.shift.{name}.cost_month",
            cost,
            spread(cost, 1.5, None),
            "euro per user-month of the general provision",
            ASSUMPTION,
            NON_NEGATIVE,
            nl="euro per gebruikersmaand van de algemene voorziening",
        ),
        declare(
            f"lever.shift.{name}.lumpsum_year",
            0.0,
            (0.0, 2e6),
            "euro per year (subsidy of the general provision)",
            ASSUMPTION,
            NON_NEGATIVE,
            nl="euro per jaar (subsidie van de algemene voorziening)",
        ),
        declare(
            f"lever.shift.{name}.effectiveness",
            1.0,
            (0.5, 1.2),
            "resolution rate relative to the general provision",
            ASSUMPTION,
            (0.0, 5.0),
            nl="kans op oplossing, ten opzichte van de algemene voorziening",
        ),
        declare(
            f"lever.shift.{name}.escalation",
            1.0,
            (0.8, 1.5),
            "residual escalation relative to the general provision",
            ASSUMPTION,
            (0.0, 5.0),
            nl="resterende escalatie, ten opzichte van de algemene voorziening",
        ),
        declare(
            f"lever.shift.{name}.attraction",
            0.0,
            (0.0, 0.5),
            "rise in requests of light need per unit share",
            f"{_SD} §4.9 (aanzuigende werking)",
            NON_NEGATIVE,
            nl="toename van lichte hulpvragen per eenheid aandeel (aanzuigende werking)",
        ),
        declare(
            f"lever.shift.{name}.stepup",
            1.0,
            (0.1, 1.0),
            "return to access (not enough), relative to the general provision",
            ASSUMPTION,
            (0.0, 5.0),
            nl="terugkeer naar de toegang (niet genoeg), ten opzichte van de algemene voorziening",
        ),
    )


def shift_demand(rates: Rates, params: Parameters) -> Rates:
    """The shift per product and its relative effect; an accessible provision attracts light needs."""
    ask = rates.ask.copy()
    share = np.zeros(len(PRODUCTS))
    resolve, escalate, stepup = np.ones(len(PRODUCTS)), np.ones(len(PRODUCTS)), np.ones(len(PRODUCTS))
    for name in SHIFTABLE:
        p = PRODUCT[name]
        share[p] = params[f"lever.shift.{name}.share"]
        resolve[p] = params[f"lever.shift.{name}.effectiveness"]
        escalate[p] = params[f"lever.shift.{name}.escalation"]
        stepup[p] = params[f"lever.shift.{name}.stepup"]
        ask[PRODUCTS[p].domain, 1] *= 1.0 + params[f"lever.shift.{name}.attraction"] * share[p]  # light needs that would not apply
    return rates._replace(ask=ask, shift_share=share, shift_resolve=resolve, shift_escalate=escalate, shift_stepup=stepup)


def general_provision_prices(prices: LeverPrices, params: Parameters) -> LeverPrices:
    """Euro per user-month of the general provision replacing each product (0 where none does)."""
    return prices._replace(shifted=np.array([params[f"lever.shift.{p.name}.cost_month"] if p.name in SHIFTABLE else 0.0 for p in PRODUCTS]))


def lump_sums(profile: Profile, params: Parameters) -> dict[str, float]:
    """The general provisions' lump sums."""
    return {"algemene_voorzieningen": sum(params[f"lever.shift.{n}.lumpsum_year"] for n in SHIFTABLE) / 12.0}


LEVER = Lever(
    id="L1",
    title="maatwerk to general provision",
    title_nl="maatwerk naar algemene voorziening",
    mechanism="access sends a share of triaged maatwerk demand to a general provision with its own cost, effectiveness and residual "
    "escalation; it may attract new requests",
    mechanism_nl="toegang stuurt een deel van de maatwerkvraag naar een algemene voorziening",
    direction="fewer maatwerk clients, more general users, lower spending if cheaper",
    seed="[SD] §4.9, [SW] Bijlage 1.3, [VS]",
    parameters=tuple(p for name in SHIFTABLE for p in _parameters(name)),
    kernel_decisions=("shift",),
    kernel_events=("shifted_general",),
    rates=shift_demand,
    prices=general_provision_prices,
    costs=lump_sums,
    evidence=(
        Evidence(
            "hbh-algemene-voorziening.toml",
            ("spending.wmo_hbh",),
            -0.40,
            -0.15,
            "seed:[SW] Bijlage 1.3; assumption",
            "75 % of newly triaged HbH demand goes to the general provision; over five years about half of the HbH stock "
            "(34 months on average) turns over, so at most about 40 % of HbH maatwerk goes; step-ups back to maatwerk, attraction "
            "of new users and the stock's re-assessments keep the fall above about 15 %",
        ),
    ),
    checks=(
        Check("maatwerk HbH stock", {"lever.shift.wmo_hbh.share": 0.75}, ("clients.wmo_hbh",), -1),
        Check("general-provision users", {"lever.shift.wmo_hbh.share": 0.75}, ("shift_users.wmo_hbh", "general_users.wmo"), +1),
    ),
)
