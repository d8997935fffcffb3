"""L10 access staffing and skill mix: team FTE (intake capacity) and triage accuracy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdsim.simulation.levers import Check, Lever, ProfileData
from sdsim.simulation.parameter import declare

if TYPE_CHECKING:
    from sdsim.simulation.parameters import Parameters


def staff_teams(data: ProfileData, params: Parameters) -> None:
    """Every team's FTE by the lever's factor and its triage accuracy by the skill mix's change."""
    for team in data["access_teams"]:
        team["triage_accuracy"] += params["lever.access.triage_delta"]
        team["fte"] = {d: f * params["lever.access.fte_factor"] for d, f in team["fte"].items()}


LEVER = Lever(
    id="L10",
    title="access staffing and skill mix",
    title_nl="formatie en deskundigheid toegang",
    mechanism="team FTE (intake capacity) and triage accuracy",
    mechanism_nl="fte en triagekwaliteit van de toegangsteams",
    direction="shorter queues with more staff",
    seed="[ST] §4.1-4.3, [NK] §8",
    parameters=(
        declare("lever.access.fte_factor", 1.0, (0.7, 1.3), "factor on access-team FTE", "seed:[ST] §4.1-4.3; seed:[NK] §8", (0.0, 10.0)),
        declare("lever.access.triage_delta", 0.0, (-0.1, 0.1), "change in triage accuracy (skill mix)", "seed:[ST] §4.2", (-1.0, 1.0)),
    ),
    profile=staff_teams,
    checks=(Check("access queues", {"lever.access.fte_factor": 1.3}, ("queue.werk", "queue.wmo", "queue.jeugd"), -1),),
)
