"""L12 18-/18+ transition planning: a perspectiefplan before 18 hands youth over instead of letting them drop out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdsim.simulation.inputs import S
from sdsim.simulation.levers import Check, Lever
from sdsim.simulation.parameter import declare

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters

PLAN = "lever.transition18.plan"


def hand_over(rates: Rates, params: Parameters) -> Rates:
    """The planned share of those who would fall into severe need at 18 is handed to the Wmo instead."""
    plan = params[PLAN]
    if plan <= 0:
        return rates
    scalars = rates.scalars.copy()
    gap = scalars[S["transition18.gap"]]
    scalars[S["transition18.gap"]] = gap * (1.0 - plan)
    scalars[S["transition18.to_wmo"]] += gap * plan
    return rates._replace(scalars=scalars)


LEVER = Lever(
    id="L12",
    title="18-/18+ transition planning",
    title_nl="overgang 18-/18+",
    mechanism="youth with a perspectiefplan are handed over instead of dropping out at 18",
    mechanism_nl="warme overdracht in plaats van uitval op 18 jaar",
    direction="fewer gaps and crises at 18",
    seed="[VS] 18-/18+ canvas",
    parameters=(declare(PLAN, 0.0, (0.0, 0.8), "share of youth in care with a perspectiefplan before 18", "seed:[VS] 18-/18+"),),
    rates=hand_over,
    checks=(Check("gaps at 18", {PLAN: 1.0}, ("gap_18.jeugd",), -1),),
)
