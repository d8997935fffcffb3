"""L2 integrated access: one counter for all laws per team (capacity pooled), joint intakes, better triage.

An integrated team has one counter for every law: its intake FTE serve all domains' queues, and the
requests of one household in several laws that wait at the counter are taken in one intake (the
second and further use no capacity: ``kernels._serve_in_order``), where separate counters hold an
intake each. A team made integrated triages better (``lever.access.triage_gain``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdsim.simulation.levers import Check, Evidence, Lever, ProfileData
from sdsim.simulation.parameter import NO_CHANGE, declare
from sdsim.simulation.schema import DOMAINS

if TYPE_CHECKING:
    from sdsim.simulation.parameters import Parameters


def integrate_teams(data: ProfileData, params: Parameters) -> None:
    """Every team becomes one door for all laws; a team made integrated triages better."""
    if params["lever.access.integrated"] < 0.5:
        return
    for team in data["access_teams"]:
        if not team["integrated"]:
            team["integrated"] = True
            team["triage_accuracy"] += params["lever.access.triage_gain"]


LEVER = Lever(
    id="L2",
    title="integrated access",
    title_nl="integrale toegang",
    mechanism="one counter for all laws per team: capacity pooled, a household's requests in one intake, better triage",
    mechanism_nl="één loket voor alle wetten per team: capaciteit gedeeld, de hulpvragen van een huishouden in één intake, betere triage",
    direction="shorter access waits, better triage",
    seed="[SD] §4.3, [ST] §4.1, [NK]",
    parameters=(
        declare(
            "lever.access.integrated",
            0.0,
            NO_CHANGE,
            "1 = every team one door for all laws",
            "seed:[SD] §4.3; seed:[ST] §4.1; seed:[NK]",
            nl="1 = elk team één loket voor alle wetten",
        ),
        declare(
            "lever.access.triage_gain",
            0.05,
            (0.0, 0.1),
            "triage accuracy gained by teams made integrated",
            "seed:[ST] §4.1",
            (0.0, 1.0),
            nl="winst in triagekwaliteit van een team dat integraal wordt",
        ),
    ),
    limits="handovers between teams (a request at the wrong counter); one counter pools the intake capacity, takes a household's "
    "requests under several laws in one intake and triages better",
    limits_nl="overdrachten tussen teams (een hulpvraag aan het verkeerde loket); één loket bundelt de intakecapaciteit, neemt de "
    "hulpvragen van een huishouden onder meer wetten in één intake en trieert beter",
    kernel_events=("joint_intakes",),
    after=("L10",),  # the gain is added to the accuracy after the skill mix (L10) changed it
    profile=integrate_teams,
    evidence=(
        Evidence(
            "integrale-toegang.toml",
            ("waiting_time.access",),
            -1.0,
            -0.3,
            "seed:[ST] §4.1; assumption",
            "one counter per team pools the intake FTE of every law: a domain whose queue waits (debt help, some 6 weeks) is served "
            "by the others' spare capacity; the waits of the default municipality are short, so most of them go",
        ),
    ),
    checks=(Check("access queues", {"lever.access.integrated": 1.0}, tuple(f"queue.{d}" for d in DOMAINS), -1),),
)
