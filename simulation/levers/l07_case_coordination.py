"""L7 case coordination (1 gezin 1 plan 1 regisseur) for households the municipality knows in two or more trajectories.

A household is known to the municipality, and coordinated, when it is in two or more formal
trajectories at once (queue, decision, waiting list or care; ``transitions.coordinated``): a share
of those households gets a coordinator, who stays while it qualifies. Hidden needs are not known
and get none. A coordinated household escalates less (part of the multi-problem excess removed),
and its new requests are handled within the plan instead of opening another trajectory (fewer
duplicate trajectories). A coordinator carries ``caseload`` households; a coordinated household-month
costs the access wage over twelve months and that caseload, on the toegang line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Evidence, Lever, LeverPrices
from sdsim.simulation.parameter import ASSUMPTION, declare
from sdsim.simulation.schema import DOMAINS

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters

SHARE = "lever.casusregie.share"


def coordinate(rates: Rates, params: Parameters) -> Rates:
    """New requests of a coordinated household are handled in its plan (the kernels apply it to coordinated households only)."""
    if params[SHARE] == 0:
        return rates
    return rates._replace(in_plan=np.full(len(DOMAINS), params["lever.casusregie.in_plan"]))


def coordinators(prices: LeverPrices, params: Parameters) -> LeverPrices:
    """A coordinator's FTE per coordinated household: one over the caseload."""
    if params[SHARE] == 0:
        return prices
    return prices._replace(coordinator_fte=1.0 / params["lever.casusregie.caseload"])


LEVER = Lever(
    id="L7",
    title="case coordination (1 gezin 1 plan 1 regisseur)",
    title_nl="casusregie (1 gezin 1 plan 1 regisseur)",
    mechanism="households in two or more formal trajectories get a coordinator: they escalate less and their new requests are "
    "handled within the plan; coordinators cost their caseload's share of an FTE",
    mechanism_nl="huishoudens met twee of meer formele trajecten krijgen een regisseur: minder escalatie, nieuwe hulpvragen binnen "
    "het plan; de regisseur kost een fte per caseload",
    direction="fewer duplicate trajectories, less escalation, coordinator costs",
    seed="[SD] §4.4, [ST] §4.1, [VS] HD4 4.2",
    parameters=(
        declare(
            SHARE,
            0.0,
            (0.0, 1.0),
            "share of households in two or more formal trajectories with one coordinator",
            "seed:[SD] §4.4; seed:[ST] §4.1; seed:[VS] HD4 4.2",
            nl="aandeel huishoudens met twee of meer formele trajecten dat één regisseur krijgt",
        ),
        declare("lever.casusregie.escalation_cut", 0.5, (0.2, 0.8), "share of the multi-problem escalation excess removed", ASSUMPTION),
        declare(
            "lever.casusregie.in_plan", 0.5, (0.2, 0.8), "share of new requests of a coordinated household handled in its plan", ASSUMPTION
        ),
        declare(
            "lever.casusregie.caseload",
            20.0,
            (15.0, 30.0),
            "households per coordinator FTE (regie caseloads of 15-30 families; assumption)",
            ASSUMPTION,
            (1.0, 200.0),
            nl="huishoudens per fte regisseur",
        ),
    ),
    kernel_decisions=("plan",),
    kernel_events=("handled_in_plan",),
    rates=coordinate,
    prices=coordinators,
    limits="handovers and gaps between providers; only escalation and new requests respond to the coordinator",
    limits_nl="overdrachten en gaten tussen aanbieders; alleen escalatie en nieuwe hulpvragen reageren op de regisseur",
    evidence=(
        Evidence(
            "casusregie.toml",
            ("spending.toegang",),
            0.25,
            0.50,
            ASSUMPTION,
            "the coordinators on the toegang line: 60 % of the households in two or more formal trajectories (some 350 of 21,000) "
            "is about 200 households, at a caseload of 20 ten FTE at the access wage, against the teams' 24 FTE and own help",
        ),
    ),
    checks=(
        Check("requests handled in the plan", {SHARE: 1.0}, tuple(f"handled_in_plan.{d}" for d in DOMAINS), +1),
        Check("coordinator costs", {SHARE: 1.0}, ("spending.toegang",), +1),
    ),
)
