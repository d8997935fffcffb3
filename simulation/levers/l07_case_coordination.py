"""L7 case coordination (1 gezin 1 plan 1 regisseur) for multi-problem households."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.inputs import S
from sdsim.simulation.levers import Check, Lever, LeverPrices
from sdsim.simulation.parameter import ASSUMPTION, NON_NEGATIVE, declare
from sdsim.simulation.schema import DOMAINS

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters

SHARE = "lever.casusregie.share"


def coordinate(rates: Rates, params: Parameters) -> Rates:
    """Coordinated households handle new requests within their plan and escalate less."""
    in_plan = np.full(len(DOMAINS), params[SHARE] * params["lever.casusregie.in_plan"])
    scalars = rates.scalars.copy()
    coordinated = params[SHARE] * params["lever.casusregie.escalation_cut"]
    if coordinated > 0:
        mult = S["multiproblem.escalation_mult"]
        scalars[mult] = 1.0 + (scalars[mult] - 1.0) * (1.0 - coordinated)
    return rates._replace(in_plan=in_plan, scalars=scalars)


def coordinators(prices: LeverPrices, params: Parameters) -> LeverPrices:
    """A coordinator for the lever's share of multi-problem household-months."""
    return prices._replace(coordinated_share=params[SHARE], coordinator_month=params["lever.casusregie.cost_month"])


LEVER = Lever(
    id="L7",
    title="case coordination (1 gezin 1 plan 1 regisseur)",
    title_nl="casusregie (1 gezin 1 plan 1 regisseur)",
    mechanism="coordinated multi-problem households escalate less; their new requests are handled within the plan",
    mechanism_nl="een regisseur voor bekende huishoudens met twee of meer formele trajecten",
    direction="fewer duplicate trajectories, less escalation, coordinator costs",
    seed="[SD] §4.4, [ST] §4.1, [VS] HD4 4.2",
    parameters=(
        declare(
            SHARE,
            0.0,
            (0.0, 1.0),
            "share of multi-problem households with one coordinator",
            "seed:[SD] §4.4; seed:[ST] §4.1; seed:[VS] HD4 4.2",
        ),
        declare("lever.casusregie.escalation_cut", 0.5, (0.2, 0.8), "share of the multi-problem escalation excess removed", ASSUMPTION),
        declare(
            "lever.casusregie.in_plan", 0.5, (0.2, 0.8), "share of new requests of a household in care handled in its plan", ASSUMPTION
        ),
        declare("lever.casusregie.cost_month", 250.0, (150.0, 400.0), "euro per coordinated household-month", ASSUMPTION, NON_NEGATIVE),
    ),
    kernel_decisions=("plan",),
    kernel_events=("handled_in_plan",),
    rates=coordinate,
    prices=coordinators,
    checks=(Check("duplicate trajectories", {SHARE: 1.0}, ("households.duplicate_trajectories",), -1),),
)
