"""L14 exogenous drivers: need onset per domain (growth, ageing, shocks); tariff and wage indexation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Lever
from sdsim.simulation.parameter import declare
from sdsim.simulation.schema import DOMAINS

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters


def onset_factors(rates: Rates, params: Parameters) -> Rates:
    """Need onset per domain by the driver's factor."""
    from sdsim.simulation.inputs import with_onset_factors

    return with_onset_factors(rates, np.array([params[f"lever.drivers.onset.{d}"] for d in DOMAINS]))


LEVER = Lever(
    id="L14",
    title="exogenous drivers",
    title_nl="externe ontwikkelingen",
    mechanism="need onset per domain (growth, ageing, shocks); tariff and wage indexation (index.*)",
    mechanism_nl="ontstaan van hulpvragen per domein, indexatie van tarieven en lonen",
    direction="demand and price paths",
    seed="[SW] verzilvering, [NK] corona",
    parameters=tuple(
        declare(
            f"lever.drivers.onset.{d}",
            1.0,
            (0.9, 1.2),
            "factor on need onset (growth, ageing, shocks)",
            "seed:[SW] verzilvering; seed:[NK] corona",
            (0.0, 10.0),
        )
        for d in DOMAINS
    ),
    instruments=("index.",),  # price indexation, applied by the ledger (simulation.parameters)
    rates=onset_factors,
    checks=(Check("youth onsets", {"lever.drivers.onset.jeugd": 1.2}, ("onsets.jeugd",), +1),),
)
