"""Named random streams: every decision draws from an id of its own.

A draw is ``rng.uniform(household_month_key, id)``. A decision about one domain of a household has
id ``domain * DOMAIN_STRIDE + k``, k its position in ``DOMAIN_STREAMS``; a decision about the whole
household (demography, the population set-up) has a fixed id in ``HOUSEHOLD_STREAMS``, above every
domain id. The ranges are checked at import, so two decisions never share a stream and adding one
never shifts another's draws. Screened draws (``rng.screened_uniform``) also use the domain as a
slot of the household-month key, which bounds the number of domains (checked here too).
"""

from __future__ import annotations

from sdsim.simulation.rng import SCREEN_BITS
from sdsim.simulation.schema import N_DOMAINS

DOMAIN_STRIDE = 32
DOMAIN_STREAMS: tuple[str, ...] = (
    "main",  # the month's event of an unmet need (resolution, escalation, request or step-up)
    "severity",  # severity of a new need
    "door",  # the door of a request (judge, GP, access)
    "poh",  # a GP request handled by the POH-jeugd at tier 1 (L4)
    "product",  # which product of a tier
    "exit",  # the care duration, drawn at admission
    "outcome",  # care ended with the need resolved or not
    "triage",  # the access team's triage is right or not
    "tiebreak",  # rank among entries that waited equally long
    "care_escalate",  # escalation from maatwerk to specialist care in the month of admission
    "onset_now",  # the next onset, scheduled from this month
    "onset_next",  # the next onset, scheduled from next month
    "refuse",  # maatwerk refused under stricter eligibility (L5)
    "shift",  # sent to the general provision replacing a product (L1)
    "plan",  # a request handled in the household's existing plan (L7)
    "schedule",  # the next event of a hidden need or general provision
    "escalation",  # the month of escalation from maatwerk to specialist care
    "gi",  # the GI refers the youth to jeugdhulp when a protection measure starts
    "specialist",  # a severe need is indicated to the specialist tier or to maatwerk
    "crisis",  # a crisis leads to the heaviest product or to priority maatwerk
    "persons",  # which other eligible members a trajectory concerns, drawn at admission
    "companion",  # which of them hold a companion provision alongside the product
)
DOMAIN_STREAM = {name: k for k, name in enumerate(DOMAIN_STREAMS)}
HOUSEHOLD_STREAMS: dict[str, int] = {
    "demography": 350,  # which ageing, birth and death events happen (one draw, bernoulli_chain)
    "turned_18": 351,  # handover to Wmo, drop-out or neither when the last child turns 18
    "demography_now": 352,  # the next demographic event, scheduled from this month
    "demography_next": 353,  # the next demographic event, scheduled from next month
    "demography_thin": 354,  # which candidate events of steered rates are accepted (thinning)
    "draw_type": 400,  # household type of a synthesized household
    "draw_children": 401,
    "draw_income": 402,
    "draw_benefit": 403,
    "draw_network": 404,
    "draw_wijk": 405,
    "draw_gp": 406,
    "coordinated": 407,  # whether the household, once in two formal trajectories, gets a case coordinator (L7; one draw per row)
}


def _check() -> None:
    if len(DOMAIN_STREAMS) > DOMAIN_STRIDE:
        raise AssertionError(f"{len(DOMAIN_STREAMS)} domain streams do not fit a stride of {DOMAIN_STRIDE}")
    if min(HOUSEHOLD_STREAMS.values()) < N_DOMAINS * DOMAIN_STRIDE:
        raise AssertionError("household stream ids overlap the domain streams")
    if len(set(HOUSEHOLD_STREAMS.values())) != len(HOUSEHOLD_STREAMS):
        raise AssertionError("two household streams share an id")
    if N_DOMAINS * SCREEN_BITS > 64:
        raise AssertionError(f"{N_DOMAINS} domains do not fit the screening slots of a 64-bit key")


_check()
