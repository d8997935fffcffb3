"""L3 prevention and early signalling: hidden needs ask sooner and are found while lighter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Evidence, Lever
from sdsim.simulation.parameter import NON_NEGATIVE, declare
from sdsim.simulation.schema import DOMAINS, WERK

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters
    from sdsim.simulation.profile import Profile


SIGNALLED = np.array([d != WERK for d in range(len(DOMAINS))])  # vindplaatsen and welzijn; benefit recipients are reached by L13


def signal_earlier(rates: Rates, params: Parameters) -> Rates:
    """Light and moderate needs ask more often; some moderate onsets are found while still light.

    Vindplaatsen and welzijn find hidden needs of youth, support, debts and safety. A werk need is
    a household on bijstand, known to the municipality already: activation (L13) reaches it, and
    it ends only through an exit to work.
    """
    ask = rates.ask.copy()
    ask[SIGNALLED, 1:3] *= 1.0 + params["lever.prevention.signalling"]
    severity = rates.severity_cdf.copy()
    severity[SIGNALLED, 0] += params["lever.prevention.earlier"] * (severity[SIGNALLED, 1] - severity[SIGNALLED, 0])
    return rates._replace(ask=ask, severity_cdf=severity)


def prevention_budget(profile: Profile, params: Parameters) -> dict[str, float]:
    """Vindplaatsen and welzijn."""
    return {"algemene_voorzieningen": params["lever.prevention.budget_year"] / 12.0}


LEVER = Lever(
    id="L3",
    title="prevention and early signalling",
    title_nl="preventie en vroegsignalering",
    mechanism="hidden light/moderate needs ask sooner; some moderate needs are found while light",
    mechanism_nl="verborgen lichte en matige hulpvragen komen eerder; een deel wordt licht gevonden",
    direction="less escalation, more early users",
    seed="[SD] §2.2, [SW] §2.3.3, [VS] HD5",
    parameters=(
        declare(
            "lever.prevention.signalling",
            0.0,
            (0.0, 0.5),
            "relative rise in requests of hidden light/moderate need",
            "seed:[SD] §2.2; seed:[SW] §2.3.3; seed:[VS] HD5",
            (0.0, 5.0),
            nl="relatieve toename van hulpvragen bij verborgen lichte en matige problemen",
        ),
        declare(
            "lever.prevention.earlier",
            0.0,
            (0.0, 0.3),
            "share of moderate onsets found while still light",
            "seed:[VS] HD5",
            nl="aandeel matige problemen dat al licht gevonden wordt",
        ),
        declare(
            "lever.prevention.budget_year",
            0.0,
            (0.0, 2e6),
            "euro per year for vindplaatsen and welzijn",
            "seed:[SW] §2.3.3",
            NON_NEGATIVE,
            nl="euro per jaar voor vindplaatsen en welzijn",
        ),
    ),
    rates=signal_earlier,
    costs=prevention_budget,
    evidence=(
        Evidence(
            "preventie-vroegsignalering.toml",
            tuple(f"escalations.{d}" for d in DOMAINS if d != "werk"),
            -0.15,
            -0.02,
            "seed:[SD] §2.2; seed:[VS] HD5; assumption",
            "30 % more requests of hidden light and moderate needs and 15 % of moderate onsets found while light: hidden needs "
            "escalate less often before help; most escalations come from needs that never ask, or from care, which it does not "
            "reach",
        ),
    ),
    checks=(Check("requests", {"lever.prevention.signalling": 0.3}, ("requests.jeugd", "requests.wmo"), +1),),
)
