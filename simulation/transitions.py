"""The model's rules, one small function per arrow of DOMAIN.md §3, inlined into the kernels.

Every function here changes one household-domain (or one household) in place and counts what it
did into a count vector (``simulation.tallies``); ``simulation.kernels`` calls them in a fixed
order. They are ``inline="always"``: numba compiles them into the kernels' loops, so naming a rule
costs nothing at run time. Arguments are the columns a rule reads or writes (flat views of the
(households, domains) columns, indexed by ``hd = flat(h, d)``). The kernels that call them are
compiled without numba's reference counting (``_nrt=False``): with it, every array passed to an
inlined function costs an atomic update per call (measured: the engine 4x slower).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64
from sdsim.simulation.population import NEVER
from sdsim.simulation.rng import binomial_chain, geometric_month_before, household_key, screened_below, screened_uniform, uniform
from sdsim.simulation.schema import (
    CARE,
    COMPANION,
    D_ACCESS,
    D_CRISIS,
    D_DIRECT,
    D_GI,
    D_GP,
    D_JEUGDARTS,
    D_JUDGE,
    D_NONE,
    D_SELF,
    D_SPECIALIST,
    DURATION_BAND_MONTHS,
    ELIGIBLE,
    EVENT,
    GENERAL,
    HEAVY_PRODUCT,
    HIDDEN,
    HOLD_CLIENTS,
    HOLD_HOLDERS,
    HOLD_PROVISIONS,
    MONTHS_CAP,
    N_DOMAINS,
    N_DURATION_BANDS,
    N_HOLDINGS,
    N_INCOME_CLASSES,
    NONE,
    PRODUCT_TIER,
    QUEUE,
    SCHULDEN,
    T_FORCED,
    T_MAATWERK,
    T_SPECIALIST,
    TRIAGE_TIER,
    UNCONTROLLED,
    V_LIGHT,
    V_MODERATE,
    V_NONE,
    V_SEVERE,
    VEILIGHEID,
    WAITLIST,
    WERK,
    WMO,
)
from sdsim.simulation.streams import DOMAIN_STREAM, DOMAIN_STRIDE, HOUSEHOLD_STREAMS
from sdsim.simulation.tallies import (
    H_BENEFIT_MONTHS,
    H_COORDINATED,
    H_DUPLICATE,
    H_MULTI_PROBLEM,
    H_SELF_RELIANT,
    N_DOORS,
    Q_ARRIVALS,
    X_BILLED,
    X_COMMISSIONED,
    X_COPAY,
    X_ENDED,
    X_ENDED_BANDS,
    X_ENDED_MONTHS,
    X_EXITS,
    X_GENERAL,
    X_HOUSE,
    X_INHERITED,
    X_PROVISIONS,
    X_RESOLVED,
    X_RESOLVED_INHERITED,
    X_SHIFTED,
    X_STOCK,
    X_UNCONTROLLED,
    at,
    care_at,
    event_at,
    occupancy_at,
    persons_at,
    queue_at,
    started_at,
)

K_MAIN, K_SEVERITY, K_DOOR, K_POH = DOMAIN_STREAM["main"], DOMAIN_STREAM["severity"], DOMAIN_STREAM["door"], DOMAIN_STREAM["poh"]
K_PRODUCT, K_EXIT, K_OUTCOME = DOMAIN_STREAM["product"], DOMAIN_STREAM["exit"], DOMAIN_STREAM["outcome"]
S_COORDINATED = HOUSEHOLD_STREAMS["coordinated"]
K_CARE_ESCALATE, K_ONSET_NEXT, K_PLAN = DOMAIN_STREAM["care_escalate"], DOMAIN_STREAM["onset_next"], DOMAIN_STREAM["plan"]
K_GI, K_SPECIALIST, K_CRISIS = DOMAIN_STREAM["gi"], DOMAIN_STREAM["specialist"], DOMAIN_STREAM["crisis"]
K_PERSONS, K_COMPANION = DOMAIN_STREAM["persons"], DOMAIN_STREAM["companion"]

UNSCHEDULED = -(1 << 30)  # next_onset of a hidden need or general provision whose next event is not drawn yet
REPEAT_WINDOW = 12  # months: a request within this time of the end of the previous trajectory is a repeat
# Outcomes of the month's competing events of an unmet need (``competing``).
NO_EVENT, RESOLVED, ESCALATED, ASKED = range(4)

E_ONSETS, E_REQUESTS, E_REPEAT = EVENT["onsets"], EVENT["requests"], EVENT["repeat_requests"]
E_ESC, E_CRISES, E_TO_SPEC = EVENT["escalations"], EVENT["crises"], EVENT["to_specialist"]
E_ACCESS, E_GP, E_JUDGE, E_GENERAL = EVENT["door_access"], EVENT["door_gp"], EVENT["door_judge"], EVENT["door_general"]
E_DIRECT, E_GI = EVENT["door_direct"], EVENT["door_gi"]
E_RES_OWN, E_RES_GEN, E_RES_CARE = EVENT["resolved_own"], EVENT["resolved_general"], EVENT["resolved_care"]
E_UNRESOLVED, E_CARE_MONTHS, E_CARE_EXITS = EVENT["ended_unresolved"], EVENT["care_exit_months"], EVENT["care_exits"]
E_WORK, E_TURNED_18, E_GAP_18, E_IN_PLAN = EVENT["exits_to_work"], EVENT["turned_18"], EVENT["gap_18"], EVENT["handled_in_plan"]
E_REASSESS = EVENT["reassessments"]


@njit(cache=True, nogil=True, inline="always")
def flat(h: int, d: int) -> np.uint64:
    """Index of (household h, domain d) in the flat view of an (N, domains) column.

    The kernels index flat views: the row stride is then the constant N_DOMAINS, and an unsigned
    index needs no negative-index check, which keeps the hot loop's live values in registers.
    """
    return uint64(h * N_DOMAINS + d)


@njit(cache=True, nogil=True, inline="always")
def stream(d: int, k: int) -> int:
    """The random stream of decision ``k`` about domain ``d`` (``simulation.streams``)."""
    return d * DOMAIN_STRIDE + k


@njit(cache=True, nogil=True, inline="always")
def counter_of(team: int, integrated: np.ndarray, d: int) -> int:
    """The access counter of ``team`` that serves domain ``d`` (an integrated team has one)."""
    return team * N_DOMAINS + (0 if integrated[team] else d)


@njit(cache=True, nogil=True, inline="always")
def arrive_at_access(counts: np.ndarray, off: np.ndarray, counter: int, d: int) -> None:
    """Count an arrival at an access counter (a request or a step-up)."""
    counts[event_at(off, d, E_ACCESS)] += 1
    counts[queue_at(off, counter, Q_ARRIVALS)] += 1


@njit(cache=True, nogil=True, inline="always")
def pick_product(product_cdf: np.ndarray, d: int, tier: int, u: float) -> int:
    """The product of domain ``d`` chosen within ``tier`` by uniform ``u``."""
    for p in range(product_cdf.shape[2]):
        if u < product_cdf[d, tier, p]:
            return p
    return HEAVY_PRODUCT[d]


@njit(cache=True, nogil=True, inline="always")
def enter(state, entered, product, door, provider, next_onset, hd: np.uint64, month: int, new_state: int, p: int, door_code: int) -> None:
    """Move household-domain ``hd`` into ``new_state`` in ``month``, its next event not yet drawn."""
    state[hd] = new_state
    entered[hd] = month
    next_onset[hd] = UNSCHEDULED
    product[hd] = p
    door[hd] = door_code
    if new_state != CARE:
        provider[hd] = -1


@njit(cache=True, nogil=True, inline="always")
def onset_probability(onset, onset_income, nc, ny, na, ne, income: int, on_benefit: bool, benefit_mult: float, d: int) -> float:
    """Monthly probability that a need arises in domain d for this composition and income."""
    p = (onset[d, 0] * nc + onset[d, 1] * ny + onset[d, 2] * na + onset[d, 3] * ne) * onset_income[d, income]
    return p * benefit_mult if (d == SCHULDEN and on_benefit) else p


@njit(cache=True, nogil=True, inline="always")
def care_duration(survival: np.ndarray, hazard: np.ndarray, p: int, u: float) -> int:
    """Months in care (>= 1) by inversion of product p's survival curve with uniform u in [0, 1).

    D = the smallest n with u >= P(D > n): the same law as exiting each month with the hazard
    ``hazard[p, min(m, 60)]``, drawn once at admission.
    """
    last = survival.shape[1] - 1
    if u >= survival[p, last]:  # survival is non-increasing in n: bisect for the smallest n
        lo, hi = 1, last  # invariant: u < survival[p, lo - 1] and u >= survival[p, hi]
        while lo < hi:
            mid = (lo + hi) >> 1
            if u >= survival[p, mid]:
                hi = mid
            else:
                lo = mid + 1
        return lo
    tail = hazard[p, last]
    if tail <= 0.0 or u <= 0.0:
        return MONTHS_CAP
    extra = math.ceil(math.log(u / survival[p, last]) / math.log1p(-tail))
    return last + max(1, min(extra, MONTHS_CAP))


@njit(cache=True, nogil=True, inline="always")
def competing(u: float, p1: float, p2: float, p3: float) -> int:
    """Which of three competing monthly events happens for draw ``u`` (``NO_EVENT`` if none).

    Probabilities are taken in order and clipped so that they never sum above 1.
    """
    p1 = min(p1, 1.0)
    if u < p1:
        return RESOLVED
    p2 = min(p2, 1.0 - p1)
    if u < p1 + p2:
        return ESCALATED
    if u < p1 + p2 + min(p3, 1.0 - p1 - p2):
        return ASKED
    return NO_EVENT


@njit(cache=True, nogil=True, inline="always")
def any_event(p1: float, p2: float, p3: float) -> float:
    """Probability that one of the three competing events of ``competing`` happens."""
    p1 = min(p1, 1.0)
    p2 = min(p2, 1.0 - p1)
    return p1 + p2 + min(p3, 1.0 - p1 - p2)


@njit(cache=True, nogil=True, inline="always")
def outside_control(door_code: int) -> bool:
    """Whether a trajectory that started through ``door_code`` started outside the municipality's control.

    The one predicate for it (``schema.UNCONTROLLED_DOORS``: a doctor, the GI or the judge referred,
    or a provider took the client in without referrer): its client-months are counted apart.
    """
    return UNCONTROLLED[door_code]


# --- counting a household's state (awake and asleep households alike) ------------------------


@njit(cache=True, nogil=True, inline="always")
def count_in_service(
    counts, off, sign: int, d: int, now: int, hd: np.uint64, entered, product, provider, door, persons, companions, copay_product,
    income_class: int,
) -> None:  # fmt: skip
    """Count the month of service of a household-domain in ``now``: general-provision and care months, provision-months.

    Provision-months of a trajectory begun before the start year are also counted as inherited
    (``tallies.inherited``: paid p x q, whatever the payment model; see ``ledger.book``).
    """
    if now == GENERAL:
        replaced = product[hd]
        if replaced >= 0:  # the general provision that replaces a product (L1)
            counts[at(off, X_SHIFTED, replaced)] += sign
        else:
            counts[at(off, X_GENERAL, d)] += sign
    elif now == CARE:
        p = product[hd]
        counts[care_at(off, X_BILLED, provider[hd], p)] += sign
        count_provisions(counts, care_at(off, X_PROVISIONS, provider[hd], 0), 1, p, sign * persons[hd], sign * companions[hd])
        if entered[hd] < 0:
            count_provisions(counts, care_at(off, X_INHERITED, provider[hd], 0), 1, p, sign * persons[hd], sign * companions[hd])
        if outside_control(door[hd]):
            counts[at(off, X_UNCONTROLLED, p)] += sign
        if copay_product[p]:
            counts[at(off, X_COPAY, p * N_INCOME_CLASSES + income_class)] += sign


@njit(cache=True, nogil=True, inline="always")
def count_at_month_end(counts, off, sign: int, d: int, now: int, v: int, hd: np.uint64, product, provider, persons, companions) -> None:
    """Count a household-domain's state at month end: occupancy, the stock in care and its persons."""
    counts[occupancy_at(off, d, now, v)] += sign
    if now == CARE:
        counts[care_at(off, X_STOCK, provider[hd], product[hd])] += sign
        count_persons(counts, off, product[hd], sign * persons[hd], sign * companions[hd])


@njit(cache=True, nogil=True, inline="always")
def count_provisions(counts, first: int, stride: int, p: int, persons: int, companions: int) -> None:
    """Add a trajectory's provisions to a tally whose product k sits at ``first + k x stride``.

    Each person holds product ``p``; the companions are counted on the companion product
    (``schema.COMPANION``). The one rule for provisions held, paid, started and ended.
    """
    counts[first + p * stride] += persons
    if companions != 0:
        counts[first + COMPANION[p] * stride] += companions


@njit(cache=True, nogil=True, inline="always")
def count_persons(counts, off, p: int, persons: int, companions: int) -> None:
    """Add a trajectory's persons to the ``persons`` tally: clients of ``p``, holders and provisions of ``p`` and its companion."""
    counts[persons_at(off, p, HOLD_CLIENTS)] += persons
    counts[persons_at(off, p, HOLD_HOLDERS)] += persons
    if companions != 0 and COMPANION[p] != p:  # persons holding the companion product beside their own
        counts[persons_at(off, COMPANION[p], HOLD_HOLDERS)] += companions
    count_provisions(counts, persons_at(off, 0, HOLD_PROVISIONS), N_HOLDINGS, p, persons, companions)


@njit(cache=True, nogil=True, inline="always")
def eligible_members(nc: int, ny: int, na: int, ne: int, d: int) -> int:
    """Members of a household a trajectory of domain ``d`` may concern (``schema.PERSON_GROUPS``), at least the client."""
    return max(1, ELIGIBLE[d, 0] * nc + ELIGIBLE[d, 1] * ny + ELIGIBLE[d, 2] * na + ELIGIBLE[d, 3] * ne)


@njit(cache=True, nogil=True, inline="always")
def _members_drawn(hk, decision: int, n: int, share: float) -> int:
    """How many of ``n`` members are drawn, each with probability ``share`` (Binomial; one uniform of ``decision``, if needed)."""
    if n <= 0 or share <= 0.0:
        return 0
    if share >= 1.0:
        return n
    return binomial_chain(uniform(hk, decision), n, share, 1.0 / share, 1.0 / (1.0 - share))[0]


@njit(cache=True, nogil=True, inline="always")
def start_trajectories(counts, off, persons, companions, hd: np.uint64, p: int, prov: int, door_code: int, eligible: int, hk,
                       d: int, persons_share, companion_share) -> None:  # fmt: skip
    """Who care of product ``p`` at provider ``prov`` concerns (``eligible`` members may be), the companions they hold.

    The client, and each other eligible member with probability ``persons_share[d]``; each of them
    holds a companion provision (``schema.COMPANIONS``) with probability ``companion_share[p]``.
    Every provision is a trajectory as CBS counts them, started through the household's door, and
    one the provider is paid for by trajectory or result (``tallies.commissioned``).
    """
    k = 1 + _members_drawn(hk, stream(d, K_PERSONS), eligible - 1, persons_share[d])
    m = _members_drawn(hk, stream(d, K_COMPANION), k, companion_share[p])  # 0 share without a companion product
    persons[hd] = k
    companions[hd] = m
    count_provisions(counts, started_at(off, 0, door_code), N_DOORS, p, k, m)
    count_provisions(counts, care_at(off, X_COMMISSIONED, prov, 0), 1, p, k, m)


@njit(cache=True, nogil=True, inline="always")
def count_household_in_service(counts, off, sign: int, on_benefit: bool) -> None:
    """Count the household's month on benefit."""
    if on_benefit:
        counts[at(off, X_HOUSE, H_BENEFIT_MONTHS)] += sign


@njit(cache=True, nogil=True, inline="always")
def coordinated(key: np.uint64, h: int, formal: int, share: float) -> bool:
    """Whether household h, in ``formal`` formal trajectories, has a case coordinator (L7).

    The municipality knows a household with two or more formal trajectories at once (queue,
    decision, waiting list or care); a share ``share`` of them gets a coordinator, by one draw per
    household row and run, so a household keeps its coordinator while it qualifies.
    """
    return formal >= 2 and share > 0.0 and uniform(household_key(key, h), S_COORDINATED) < share


@njit(cache=True, nogil=True, inline="always")
def count_household_at_month_end(counts, off, sign: int, active: int, formal: int, with_coordinator: bool) -> None:
    """Count the household at month end: self-reliant, multi-problem, in two or more formal trajectories, coordinated."""
    if active == 0:
        counts[at(off, X_HOUSE, H_SELF_RELIANT)] += sign
    elif active >= 2:
        counts[at(off, X_HOUSE, H_MULTI_PROBLEM)] += sign
    if formal >= 2:
        counts[at(off, X_HOUSE, H_DUPLICATE)] += sign
    if with_coordinator:
        counts[at(off, X_HOUSE, H_COORDINATED)] += sign


@njit(cache=True, nogil=True, inline="always")
def count_state(
    counts, off, sign: int, state, severity, entered, product, provider, door, persons, companions, copay_product, income_class: int,
    h: int, with_coordinator: bool,
) -> None:  # fmt: skip
    """Add (``sign`` 1) or remove (-1) a whole month of household h in its current state (``with_coordinator``: L7).

    The count of an asleep household: in no queue, decision or waiting list, nothing about it
    changes until its next scheduled event, so its month is the same every month and is carried as
    a running total per chunk. The same functions count an awake household's month, in two parts.
    """
    active = 0
    formal = 0
    for d in range(N_DOMAINS):
        hd = flat(h, d)
        now = state[hd]
        if now == NONE:
            continue
        active += 1
        formal += now >= QUEUE
        count_in_service(counts, off, sign, d, now, hd, entered, product, provider, door, persons, companions, copay_product, income_class)
        count_at_month_end(counts, off, sign, d, now, severity[hd], hd, product, provider, persons, companions)
    count_household_in_service(counts, off, sign, state[flat(h, WERK)] != NONE)
    count_household_at_month_end(counts, off, sign, active, formal, with_coordinator)


@njit(cache=True, nogil=True, inline="always")
def count_care_exit(counts, off, state, entered, product, persons, companions, hd: np.uint64, month: int) -> None:
    """Count an outflow from care that is not a care decision (age 18, household gone), before the month's care.

    The months in care are those served: the month of leaving is not (demography comes first in a visit).
    """
    if state[hd] == CARE:
        count_exit(counts, off, product[hd], month - entered[hd] - 1, persons[hd], companions[hd])


@njit(cache=True, nogil=True, inline="always")
def count_exit(counts, off, p: int, months_in_care: int, persons: int, companions: int) -> None:
    """Count an outflow from care of product p and its months in care (``tallies.exits``), and the provisions ended with theirs."""
    counts[at(off, X_EXITS, p * 2)] += 1
    counts[at(off, X_EXITS, p * 2 + 1)] += months_in_care
    count_provisions(counts, at(off, X_ENDED, 0), 1, p, persons, companions)
    count_provisions(counts, at(off, X_ENDED_MONTHS, 0), 1, p, persons * months_in_care, companions * months_in_care)
    count_provisions(counts, at(off, X_ENDED_BANDS, duration_band(months_in_care)), N_DURATION_BANDS, p, persons, companions)


@njit(cache=True, nogil=True, inline="always")
def duration_band(months_in_care: int) -> int:
    """The CBS duration band (``schema.DURATION_BANDS``) of a provision ended after ``months_in_care`` whole months.

    The first band whose bound is at least the months: a stay of 3 months is in 0-3 months, as the
    durations drawn count it (``inputs.cbs_duration_pmf``: bin 0-3 holds stays of 1, 2 and 3 months).
    """
    band = 0
    for bound in DURATION_BAND_MONTHS:
        band += months_in_care > bound
    return band


# --- the arrows ---------------------------------------------------------------------------


@njit(cache=True, nogil=True, inline="always")
def onset(state, entered, product, door, provider, next_onset, severity, severity_cdf, counts, off, hd, d: int, hk, month: int) -> None:
    """A need arises (its scheduled month has come): a hidden need of drawn severity."""
    u = uniform(hk, stream(d, K_SEVERITY))
    severity[hd] = V_LIGHT if u < severity_cdf[d, 0] else (V_MODERATE if u < severity_cdf[d, 1] else V_SEVERE)
    enter(state, entered, product, door, provider, next_onset, hd, month, HIDDEN, -1, D_NONE)
    counts[event_at(off, d, E_ONSETS)] += 1


@njit(cache=True, nogil=True, inline="always")
def schedule_next_onset(next_onset, hd, p: float, hk, d: int, month: int, next_demography: int) -> None:
    """Schedule the next onset from next month (after a need ended, or its probability changed)."""
    next_onset[hd] = geometric_month_before(month + 1, p, uniform(hk, stream(d, K_ONSET_NEXT)), next_demography)


@njit(cache=True, nogil=True, inline="always")
def resolve(
    state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d: int, current: int, month: int
) -> None:
    """The need is resolved: by own strength or network, or in a general provision.

    A werk need is the benefit: it ends only through an exit to work, also from a general provision
    (a participation activity), so each werk resolution is counted as one.
    """
    if current == GENERAL:
        counts[event_at(off, d, E_RES_GEN)] += 1
        last_end[hd] = month
    else:
        counts[event_at(off, d, E_RES_OWN)] += 1
    if d == WERK:
        counts[event_at(off, d, E_WORK)] += 1
    enter(state, entered, product, door, provider, next_onset, hd, month, NONE, -1, D_NONE)
    severity[hd] = V_NONE


@njit(cache=True, nogil=True, inline="always")
def indicated_tier(tier: int, d: int, hk, specialist_share: float) -> int:
    """The tier a need is indicated to (by a doctor, the GI, a provider or the access team) from the tier its severity asks.

    ``tier`` is ``TRIAGE_TIER[severity]`` (or the access team's mistriage): light needs a general
    provision, moderate maatwerk; the specialist tier is indicated with probability
    ``specialist_share`` (``specialist_share.<domain>``), else maatwerk. A severe need is
    not the same as residential care: most severe youth problems are treated ambulant (specialised
    jeugd-GGZ), and verblijf is 6.1 % of started jeugdhulp (CBS 2021); without this split every
    severe request became verblijf (17.7 % of starts in 0.4).
    """
    if tier == T_SPECIALIST and specialist_share < 1.0 and uniform(hk, stream(d, K_SPECIALIST)) >= specialist_share:
        return T_MAATWERK
    return tier


@njit(cache=True, nogil=True, inline="always")
def escalate(
    state, entered, product, door, provider, next_onset, severity, counts, off, hd, d: int, current: int, hk, month: int,
    heavy_share: float, product_cdf,
) -> None:  # fmt: skip
    """An unmet need escalates one severity; a severe one becomes a crisis, first in line on a waiting list.

    A crisis is a door (``D_CRISIS``: admitted at once, slots or not), not a product: with
    probability ``heavy_share`` (``crisis.heavy_share.<domain>``) it leads to the domain's heaviest
    product (a crisis placement, beschermd wonen, a protection measure), otherwise to crisis help in
    the maatwerk tier (ambulant crisis care; 0.4 sent every crisis to the heaviest product, so 85-98 %
    of heavy admissions came through this door). An entry already waiting for the product chosen
    keeps its place and becomes a priority.
    """
    v = severity[hd]
    if v < V_SEVERE:
        severity[hd] = v + 1
        next_onset[hd] = UNSCHEDULED  # its event probabilities changed
        counts[event_at(off, d, E_ESC)] += 1
        return
    counts[event_at(off, d, E_CRISES)] += 1
    target = HEAVY_PRODUCT[d]
    if heavy_share < 1.0 and uniform(hk, stream(d, K_CRISIS)) >= heavy_share:
        target = pick_product(product_cdf, d, T_MAATWERK, uniform(hk, stream(d, K_PRODUCT)))
    if current == WAITLIST and product[hd] == target:
        door[hd] = D_CRISIS  # already waiting for it: now a priority
    else:
        enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, target, D_CRISIS)


@njit(cache=True, nogil=True, inline="always")
def step_up(state, entered, product, door, provider, next_onset, counts, off, hd, d: int, counter: int, month: int) -> None:
    """A general provision is not enough: to the access team (from one replacing a product, with that product: L1)."""
    enter(state, entered, product, door, provider, next_onset, hd, month, QUEUE, product[hd], D_ACCESS)
    arrive_at_access(counts, off, counter, d)


@njit(cache=True, nogil=True, inline="always")
def count_request(counts, off, last_end, hd: np.uint64, d: int, month: int) -> None:
    """Count a request for help through any door, and whether it repeats one within ``REPEAT_WINDOW`` months."""
    counts[event_at(off, d, E_REQUESTS)] += 1
    if last_end[hd] > NEVER and month - last_end[hd] <= REPEAT_WINDOW:
        counts[event_at(off, d, E_REPEAT)] += 1


@njit(cache=True, nogil=True, inline="always")
def medical_referrer(u: float, judge: float, gp_door: float, specialist: float, jeugdarts: float) -> int:
    """The doctor of a medical referral: door uniform ``u`` within the doctors' band [judge, judge + gp_door).

    Given that band, ``u`` is uniform in it, so its position picks the referrer without another draw:
    the medisch specialist and the jeugdarts by their shares of medical referrals, the huisarts the rest.
    """
    if u < judge + gp_door * specialist:
        return D_SPECIALIST
    if u < judge + gp_door * (specialist + jeugdarts):
        return D_JEUGDARTS
    return D_GP


@njit(cache=True, nogil=True, inline="always")
def request(
    state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d: int, hk, month: int,
    counter: int, judge: float, gp_door: float, direct: float, specialist: float, jeugdarts: float, poh: float, in_plan: float,
    in_trajectory: int, gi: float, product_cdf, specialist_share: float,
) -> None:  # fmt: skip
    """A hidden need asks for help or is signalled, through one door.

    Light needs go to a general provision. Otherwise the GI, with probability ``gi`` (positive for
    the youth of a household under a protection measure: the GI decides on its jeugdhulp), the
    judge (a court order), the household's case coordinator (handled in its plan, L7), a doctor
    (``medical_referrer``: the huisarts, whose POH-jeugd may handle it at tier 1, L4, the medisch
    specialist or the jeugdarts; a referral straight to a provider's waiting list), a provider
    approached without referrer (straight to its waiting list), or the access team. Each is
    recorded as the trajectory's door (``schema.DOORS``; CBS's route: ``schema.ROUTE_OF_DOOR``).
    """
    count_request(counts, off, last_end, hd, d, month)
    v = severity[hd]
    if v == V_LIGHT:
        enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_SELF)
        counts[event_at(off, d, E_GENERAL)] += 1
        return
    if gi > 0 and uniform(hk, stream(d, K_GI)) < gi:
        gi_referral(
            state, entered, product, door, provider, next_onset, severity, counts, off, hd, d, hk, month, product_cdf, specialist_share
        )
        return
    u = uniform(hk, stream(d, K_DOOR))
    if u < judge:
        forced = pick_product(product_cdf, d, T_FORCED, 0.0)
        enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, forced, D_JUDGE)
        counts[event_at(off, d, E_JUDGE)] += 1
    elif in_plan > 0 and in_trajectory > 0 and uniform(hk, stream(d, K_PLAN)) < in_plan:
        enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_ACCESS)
        counts[event_at(off, d, E_IN_PLAN)] += 1
    elif u < judge + gp_door:
        counts[event_at(off, d, E_GP)] += 1
        referrer = medical_referrer(u, judge, gp_door, specialist, jeugdarts)
        if referrer == D_GP and uniform(hk, stream(d, K_POH)) < poh:
            enter(state, entered, product, door, provider, next_onset, hd, month, GENERAL, -1, D_GP)
        else:
            choice = pick_product(
                product_cdf, d, indicated_tier(TRIAGE_TIER[v], d, hk, specialist_share), uniform(hk, stream(d, K_PRODUCT))
            )
            enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, choice, referrer)
    elif u < judge + gp_door + direct:
        counts[event_at(off, d, E_DIRECT)] += 1
        choice = pick_product(product_cdf, d, indicated_tier(TRIAGE_TIER[v], d, hk, specialist_share), uniform(hk, stream(d, K_PRODUCT)))
        enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, choice, D_DIRECT)
    else:
        enter(state, entered, product, door, provider, next_onset, hd, month, QUEUE, -1, D_ACCESS)
        arrive_at_access(counts, off, counter, d)


@njit(cache=True, nogil=True, inline="always")
def under_measure(state, product, h: int) -> bool:
    """Whether household h's veiligheid domain holds a protection measure (in care in the forced tier)."""
    m = flat(h, VEILIGHEID)
    return state[m] == CARE and PRODUCT_TIER[product[m]] == T_FORCED


@njit(cache=True, nogil=True, inline="always")
def gi_refers(entered, hk, h: int, month: int, share: float) -> bool:
    """Whether the GI refers the youth of household h, under a protection measure, to jeugdhulp as the measure starts.

    It does, with probability ``share``, in the month after the measure started: ``simulation.kernels``
    admits after the household pass, and a household that was in a queue or on a waiting list is
    visited the next month, so this is its first visit under the measure.
    """
    return entered[flat(h, VEILIGHEID)] == month - 1 and uniform(hk, stream(VEILIGHEID, K_GI)) < share


@njit(cache=True, nogil=True, inline="always")
def gi_referral(
    state,
    entered,
    product,
    door,
    provider,
    next_onset,
    severity,
    counts,
    off,
    hd,
    d: int,
    hk,
    month: int,
    product_cdf,
    specialist_share: float,
) -> None:
    """The GI refers the youth to jeugdhulp: straight to a provider's waiting list (at least a moderate need).

    CBS records the GI as the referrer (``schema.ROUTES``); the municipality does not decide.
    """
    counts[event_at(off, d, E_GI)] += 1
    v = max(severity[hd], V_MODERATE)
    severity[hd] = v
    choice = pick_product(product_cdf, d, indicated_tier(TRIAGE_TIER[v], d, hk, specialist_share), uniform(hk, stream(d, K_PRODUCT)))
    enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, choice, D_GI)


@njit(cache=True, nogil=True, inline="always")
def refer_by_gi(
    state, entered, product, door, provider, next_onset, severity, last_end, counts, off, hd, d: int, hk, month: int, product_cdf,
    specialist_share: float,
) -> None:  # fmt: skip
    """A protection measure has started (``gi_refers``): the GI refers the youth, in no formal trajectory, to jeugdhulp.

    A need not known yet becomes known, at least moderate: the measure is there because help is
    needed; a hidden need or one in a general provision moves on.
    """
    if state[hd] == NONE:
        counts[event_at(off, d, E_ONSETS)] += 1
    count_request(counts, off, last_end, hd, d, month)
    gi_referral(state, entered, product, door, provider, next_onset, severity, counts, off, hd, d, hk, month, product_cdf, specialist_share)


@njit(cache=True, nogil=True, inline="always")
def escalate_care(
    state, entered, product, door, provider, next_onset, persons, companions, counts, off, hd, d: int, hk, month: int, product_cdf
) -> None:
    """A maatwerk client escalates to the specialist tier: onto its waiting list, through the same door."""
    count_exit(counts, off, product[hd], month - entered[hd], persons[hd], companions[hd])
    counts[event_at(off, d, E_TO_SPEC)] += 1
    specialist = pick_product(product_cdf, d, T_SPECIALIST, uniform(hk, stream(d, K_PRODUCT)))
    enter(state, entered, product, door, provider, next_onset, hd, month, WAITLIST, specialist, door[hd])


@njit(cache=True, nogil=True, inline="always")
def end_care(
    state, entered, product, door, provider, next_onset, severity, last_end, persons, companions, counts, off, hd, d: int, hk,
    month: int, effectiveness, counter: int, reassess: float,
) -> None:  # fmt: skip
    """Care ends (its duration drawn at admission is over): resolved, re-assessed, or a hidden need one severity lower.

    A maatwerk product is granted by a time-limited beschikking: when it ends with the need not
    resolved, a share ``reassess`` of the clients asks the access team for a new one (herindicatie).
    They join the team's queue with their product (like a step-up from the general provision that
    replaced it, L1), one severity lower as every unresolved end, so the re-assessment costs an
    intake and ends in the same product (moderate need), a general provision (light) or a mistriage.
    One draw decides: below ``effectiveness`` resolved, in the next ``(1 - effectiveness) x reassess``
    re-assessed (conservation: every end of care is counted once, as resolved, re-assessed or lapsed).
    """
    p, prov, duration = product[hd], provider[hd], month - entered[hd]
    count_exit(counts, off, p, duration, persons[hd], companions[hd])
    counts[event_at(off, d, E_CARE_MONTHS)] += duration
    counts[event_at(off, d, E_CARE_EXITS)] += 1
    last_end[hd] = month
    u = uniform(hk, stream(d, K_OUTCOME))
    if u < effectiveness[p]:
        count_provisions(counts, care_at(off, X_RESOLVED, prov, 0), 1, p, persons[hd], companions[hd])
        if entered[hd] < 0:  # begun before the start year: paid p x q, not by its result
            count_provisions(counts, care_at(off, X_RESOLVED_INHERITED, prov, 0), 1, p, persons[hd], companions[hd])
        counts[event_at(off, d, E_RES_CARE)] += 1
        if d == WERK:
            counts[event_at(off, d, E_WORK)] += 1
        enter(state, entered, product, door, provider, next_onset, hd, month, NONE, -1, D_NONE)
        severity[hd] = V_NONE
        return
    counts[event_at(off, d, E_UNRESOLVED)] += 1
    severity[hd] = max(V_LIGHT, severity[hd] - 1)
    if PRODUCT_TIER[p] == T_MAATWERK and u < effectiveness[p] + (1.0 - effectiveness[p]) * reassess:
        counts[event_at(off, d, E_REASSESS)] += 1
        enter(state, entered, product, door, provider, next_onset, hd, month, QUEUE, p, D_ACCESS)
        arrive_at_access(counts, off, counter, d)
    else:
        enter(state, entered, product, door, provider, next_onset, hd, month, HIDDEN, -1, D_NONE)


@njit(cache=True, nogil=True, inline="always")
def care_month(
    state, entered, product, door, provider, next_onset, severity, last_end, escalation, persons, companions, counts, off, hd, d: int,
    hk, month: int, care_escalate, effectiveness, product_cdf, mult: float, counter: int, reassess: float,
) -> None:  # fmt: skip
    """A month in care: escalation to specialist care when scheduled (or drawn in the month of admission), else its end if due."""
    due = escalation[hd]  # NEVER_MONTH outside maatwerk care
    escalates = due <= month  # (an if, not `x if c else y`: numba 0.68 miscompiled the inlined call in that form)
    if due == UNSCHEDULED:  # admitted since the last visit: this month's own draw
        escalates = screened_below(hk, d, stream(d, K_CARE_ESCALATE), care_escalate[product[hd]] * mult)
    if escalates:
        escalate_care(state, entered, product, door, provider, next_onset, persons, companions, counts, off, hd, d, hk, month, product_cdf)
    elif next_onset[hd] <= month:
        end_care(
            state, entered, product, door, provider, next_onset, severity, last_end, persons, companions, counts, off, hd, d, hk, month,
            effectiveness, counter, reassess,
        )  # fmt: skip


@njit(cache=True, nogil=True, inline="always")
def unmet_event(hk, d: int, due: int, p1: float, p2: float, p3: float) -> int:
    """The event of an unmet need this month: a fresh screened draw, or which one of a scheduled event.

    ``due`` is ``UNSCHEDULED`` when the need entered its state since the last visit (this month's own
    draw), else the scheduled month of its next event (due now: which one, in proportion).
    """
    if due == UNSCHEDULED:
        return competing(screened_uniform(hk, d, stream(d, K_MAIN), p1 + p2 + p3), p1, p2, p3)
    return competing(uniform(hk, stream(d, K_MAIN)) * any_event(p1, p2, p3), p1, p2, p3)


@njit(cache=True, nogil=True, inline="always")
def turn_18(
    state, entered, product, door, provider, next_onset, severity, last_end, persons, companions, counts, off, h: int, d: int,
    month: int, handover: bool, handover_u: float, to_wmo: float, gap: float, counter: int,
) -> None:  # fmt: skip
    """The last child turns 18: the youth trajectory of domain ``d`` closes.

    With ``handover`` (youth care, no Wmo need yet) the young adult is handed over to Wmo support
    (an access request), drops out into a severe adult need, or neither, by ``handover_u``.
    """
    wmo = flat(h, WMO)
    counts[event_at(off, d, E_TURNED_18)] += 1
    if handover:
        if handover_u < to_wmo:
            severity[wmo] = V_MODERATE
            enter(state, entered, product, door, provider, next_onset, wmo, month, QUEUE, -1, D_ACCESS)
            arrive_at_access(counts, off, counter, WMO)
        elif handover_u < to_wmo + gap:
            severity[wmo] = V_SEVERE
            enter(state, entered, product, door, provider, next_onset, wmo, month, HIDDEN, -1, D_NONE)
            counts[event_at(off, d, E_GAP_18)] += 1
    hd = flat(h, d)
    count_care_exit(counts, off, state, entered, product, persons, companions, hd, month)
    enter(state, entered, product, door, provider, next_onset, hd, month, NONE, -1, D_NONE)
    severity[hd] = V_NONE
    last_end[hd] = month
