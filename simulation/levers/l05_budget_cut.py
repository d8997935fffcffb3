"""L5 budget policy: a care budget for voluntary youth care that binds month by month; stricter eligibility at triage.

The budget holds the voluntary youth-care lines (``LINES``: jeugdhulp ambulant, with the voluntary
veiligheid help booked there, and jeugdhulp met verblijf). From the start year (both burn-in modes:
a budget is set on the spending it cuts), provisions held on these lines may cost at most the
budget a month, at tariff in start-year euros: ``(1 - cut)`` times what they cost on 1 January of
the start year, or the ceiling in euros a year over twelve, whichever is lower. When the budget is
spent, providers admit no one else from their waiting lists, whatever the route: the access team,
the huisarts and other doctors, or no referrer. Crises and court orders are admitted regardless
(and count against the budget), and compulsory youth protection has its own line. Triage refuses
maatwerk youth care with a probability of ``cut x eligibility`` (a general provision instead).
With pooled budgets (L11) the line draws on others: no ceiling binds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Evidence, Lever, Target
from sdsim.simulation.parameter import NON_NEGATIVE, declare
from sdsim.simulation.schema import BUDGET_LINES, DOMAINS, JEUGD, PRODUCT_LINE, PRODUCTS

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters

LINES = ("jeugd_ambulant", "jeugd_verblijf")
CUT = "lever.budget.jeugd.cut"
CEILING = "lever.budget.jeugd.ceiling_year"
HELD = np.array([float(BUDGET_LINES[PRODUCT_LINE[p]] in LINES) for p in range(len(PRODUCTS))])


def _pooled(params: Parameters) -> bool:
    return params["lever.budget.pooled"] >= 0.5


def care_budget(rates: Rates, params: Parameters) -> Rates:
    """The voluntary youth-care lines held to a budget; triage refuses maatwerk youth care with a probability of cut x eligibility."""
    refusal = np.zeros(len(DOMAINS))
    refusal[JEUGD] = min(1.0, params[CUT] * params["lever.budget.jeugd.eligibility"])
    ceiling = params[CEILING] / 12.0 if params[CEILING] > 0 else np.inf
    if _pooled(params) or (params[CUT] == 0 and ceiling == np.inf):
        return rates._replace(refusal=refusal)
    return rates._replace(refusal=refusal, budget_products=HELD.copy(), budget=np.array([params[CUT], ceiling]))


def saving_target(params: Parameters) -> Target | None:
    """A cut sets out to save its fraction of the voluntary youth-care lines."""
    return Target(params[CUT], LINES) if params[CUT] > 0 else None


LEVER = Lever(
    id="L5",
    title="budget policy: a care budget and stricter eligibility",
    title_nl="budgetbeleid: budgetplafond en strengere toegang",
    mechanism="a budget on the voluntary youth-care lines binds month by month on every route (waiting lists); triage refuses "
    "maatwerk more often; court orders and crises stay uncapped",
    mechanism_nl="een budgetplafond op vrijwillige jeugdhulp dat maand voor maand bindt langs elke route (wachtlijsten), strengere "
    "toegang bij triage; crises en gedwongen kader onbegrensd",
    direction="lower youth spending, longer waits, more escalation",
    seed="[SW] §4.6, [NK] §8",
    parameters=(
        declare(
            CUT,
            0.0,
            (0.0, 0.25),
            "fraction cut from the voluntary youth-care budget of the start year",
            "seed:[SW] §4.6",
            (0.0, 0.9),
            nl="deel van het budget voor vrijwillige jeugdhulp van het startjaar dat wordt gekort",
        ),
        declare(
            CEILING,
            0.0,
            (0.0, 2e7),
            "ceiling on voluntary youth care, euro a year in start-year prices (0: none)",
            "seed:[NK] §8",
            NON_NEGATIVE,
            nl="plafond voor vrijwillige jeugdhulp, euro per jaar in prijzen van het startjaar (0: geen)",
        ),
        declare(
            "lever.budget.jeugd.eligibility",
            1.0,
            (0.5, 2.0),
            "refusal of maatwerk per unit cut (stricter eligibility)",
            "seed:[SW] §4.6; seed:[NK] §8",
            (0.0, 10.0),
            nl="weigering van maatwerk per eenheid korting (strengere toegang)",
        ),
    ),
    kernel_decisions=("refuse",),
    kernel_events=("refused_eligibility",),
    rates=care_budget,
    target=saving_target,
    evidence=(
        Evidence(
            "bezuiniging-jeugd-15.toml",
            tuple(f"spending.{line}" for line in LINES),
            -0.17,
            -0.13,
            "seed:[SW] §4.6",
            "the budget binds at 85 % of the start year's cost; crises and court orders admitted over it, and the base's own drift, "
            "move the realised saving by a few points around the 15 % cut",
        ),
    ),
    checks=(
        Check("youth spending", {CUT: 0.15}, ("spending.jeugd_ambulant", "spending.jeugd_verblijf"), -1),
        Check("refusals", {CUT: 0.15}, ("refused_eligibility.jeugd",), +1),
        Check("youth waiting list", {CUT: 0.15}, ("waitlist.jeugd",), +1),
    ),
)
