"""L11 pooled budgets (ontschotting): a cut line draws on others before provider ceilings bite."""

from __future__ import annotations

from sdsim.simulation.levers import Check, Lever
from sdsim.simulation.parameter import NO_CHANGE, declare

CUT = {"lever.budget.jeugd.cut": 0.15}

LEVER = Lever(
    id="L11",
    title="pooled budgets (ontschotting)",
    title_nl="ontschotting van budgetten",
    mechanism="with pooled budgets a cut line draws on others before provider ceilings bite",  # L5 reads the switch
    mechanism_nl="een gekorte post put uit andere posten: plafonds knellen niet",
    direction="shorter waits under a cut",
    seed="[SD] §3.3, [SW] §4.6",
    parameters=(
        declare(
            "lever.budget.pooled",
            0.0,
            NO_CHANGE,
            "1 = pooled budgets: a cut line draws on others, provider ceilings do not bite",
            "seed:[SD] §3.3; seed:[SW] §4.6",
        ),
    ),
    checks=(Check("youth waiting list under a cut", {**CUT, "lever.budget.pooled": 1.0}, ("waitlist.jeugd",), -1, reference=CUT),),
)
