"""L13 activation of benefit recipients: hidden werk needs called up; the employer channel raises outflow to work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdsim.simulation.levers import Check, Lever
from sdsim.simulation.parameter import declare
from sdsim.simulation.schema import WERK

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters

REACH, EMPLOYER = "lever.activation.reach", "lever.activation.employer"


def activate(rates: Rates, params: Parameters) -> Rates:
    """Hidden werk needs ask with the reach's extra monthly probability; own-strength outflow to work rises."""
    ask = rates.ask
    if params[REACH] > 0:
        ask = ask.copy()
        ask[WERK, 1:] = 1.0 - (1.0 - ask[WERK, 1:]) * (1.0 - params[REACH])
    resolve_own = rates.resolve_own.copy()
    resolve_own[WERK] = min(1.0, resolve_own[WERK] * params[EMPLOYER])
    return rates._replace(ask=ask, resolve_own=resolve_own)


LEVER = Lever(
    id="L13",
    title="activation of benefit recipients",
    title_nl="activering bijstandsgerechtigden",
    mechanism="hidden werk needs are called up for a trajectory; the employer channel raises outflow to work",
    mechanism_nl="verborgen werkvragen opgeroepen; werkgeverskanaal",
    direction="more outflow to work, fewer benefit months",
    seed="[NK] Voorwoord, [SD] §4.6-4.7",
    parameters=(
        declare(
            REACH,
            0.0,
            (0.0, 0.2),
            "monthly share of hidden werk needs called up for a trajectory",
            "seed:[NK] Voorwoord; seed:[SD] §4.6-4.7",
        ),
        declare(EMPLOYER, 1.0, (1.0, 1.5), "factor on own-strength outflow to work (employer channel)", "seed:[SD] §4.7", (0.0, 10.0)),
    ),
    rates=activate,
    checks=(
        # the top of its plausible range: at 0.1 the default's werk intake (1.2 x arrivals) absorbs too little for 8 replicates
        Check("re-integration inflow", {REACH: 0.2}, ("inflow.reintegratie",), +1),
        Check("outflow to work", {EMPLOYER: 1.3}, ("exits_to_work.werk",), +1),
    ),
)
