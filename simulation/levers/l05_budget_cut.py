"""L5 budget cut with ceilings and eligibility: less voluntary youth care, crises and court orders uncapped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Lever, ProfileData, contracts
from sdsim.simulation.parameter import declare
from sdsim.simulation.schema import DOMAINS, JEUGD, PRODUCT, PRODUCTS, T_FORCED

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters

VOLUNTARY_JEUGD = tuple(i for i, p in enumerate(PRODUCTS) if p.domain == JEUGD and p.tier != T_FORCED)
CUT = "lever.budget.jeugd.cut"


def provider_ceilings(data: ProfileData, params: Parameters) -> None:
    """Providers' voluntary youth-care slots shrink by the cut, unless budgets are pooled (L11)."""
    ceiling = 0.0 if params["lever.budget.pooled"] >= 0.5 else params[CUT]
    for group in contracts(data):
        for name, slots in group["slots"].items():
            if PRODUCT[name] in VOLUNTARY_JEUGD and slots > 0:
                group["slots"][name] = max(1, int(slots * (1.0 - ceiling)))


def stricter_eligibility(rates: Rates, params: Parameters) -> Rates:
    """Triage refuses maatwerk youth care with a probability of cut x eligibility."""
    refusal = np.zeros(len(DOMAINS))
    refusal[JEUGD] = min(1.0, params[CUT] * params["lever.budget.jeugd.eligibility"])
    return rates._replace(refusal=refusal)


LEVER = Lever(
    id="L5",
    title="budget cut with ceilings and eligibility",
    title_nl="bezuiniging met budgetplafond en strengere toegang",
    mechanism="stricter eligibility refuses maatwerk at triage; provider ceilings cut voluntary youth-care slots; court orders and "
    "crises stay uncapped",
    mechanism_nl="een budgetplafond per begrotingspost op vrijwillige jeugdhulp langs elke route, strengere toegang bij triage; "
    "crises en gedwongen kader onbegrensd",
    direction="lower youth spending, longer waits, more escalation",
    seed="[SW] §4.6, [NK] §8",
    parameters=(
        declare(CUT, 0.0, (0.0, 0.25), "fraction cut from voluntary youth care", "seed:[SW] §4.6", (0.0, 0.9)),
        declare(
            "lever.budget.jeugd.eligibility",
            1.0,
            (0.5, 2.0),
            "refusal of maatwerk per unit cut (stricter eligibility)",
            "seed:[SW] §4.6; seed:[NK] §8",
            (0.0, 10.0),
        ),
    ),
    kernel_decisions=("refuse",),
    kernel_events=("refused_eligibility",),
    profile=provider_ceilings,
    rates=stricter_eligibility,
    checks=(
        Check("youth spending", {CUT: 0.15}, ("spending.jeugd_ambulant", "spending.jeugd_verblijf"), -1),
        Check("refusals", {CUT: 0.15}, ("refused_eligibility.jeugd",), +1),
    ),
)
