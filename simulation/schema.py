"""Names and codes of the model: domains, states, tiers, doors, products, budget lines.

One place for every enumeration and dtype, so kernels, ledger, indicators and reports agree.
Codes are small integers stored in ``int8`` columns; names are what users see.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# --- dtypes, chosen on purpose (one place) -------------------------------------------------
STATE_DTYPE = np.int8  # state, severity, product, door codes (< 128 values each)
COUNT_DTYPE = np.int8  # persons per age group in a household (<= 127)
MONTHS_DTYPE = np.int16  # month a trajectory last ended (``Households.last_end``; |month| < 32,768)
ID_DTYPE = np.int16  # team, GP practice, provider, wijk ids (< 32,768 each)
FLOAT_DTYPE = np.float32  # network strength
TALLY_DTYPE = np.int64  # every count the kernels return
MONTHS_CAP = 32_000  # the longest care duration drawn (months), far beyond any horizon

DOMAINS: tuple[str, ...] = ("jeugd", "wmo", "werk", "schulden", "veiligheid")
JEUGD, WMO, WERK, SCHULDEN, VEILIGHEID = range(5)
N_DOMAINS = len(DOMAINS)

AGE_GROUPS: tuple[str, ...] = ("children", "young", "adults", "elderly")  # 0-17, 18-22, 23-74, 75+
INCOME_CLASSES: tuple[str, ...] = ("low", "middle", "high")
N_INCOME_CLASSES = len(INCOME_CLASSES)
SEVERITIES: tuple[str, ...] = ("none", "light", "moderate", "severe")
V_NONE, V_LIGHT, V_MODERATE, V_SEVERE = range(4)
N_SEVERITY = len(SEVERITIES)

# Per-domain state of a household. CARE is tier maatwerk, specialist or forced by its product.
STATES: tuple[str, ...] = ("none", "hidden", "general", "queue", "decision", "waitlist", "care")
NONE, HIDDEN, GENERAL, QUEUE, DECISION, WAITLIST, CARE = range(7)
N_STATES = len(STATES)

TIERS: tuple[str, ...] = ("own", "general", "maatwerk", "specialist", "forced")
T_OWN, T_GENERAL, T_MAATWERK, T_SPECIALIST, T_FORCED = range(5)
# Triage by severity: the tier a need belongs in, and where a wrong triage sends it instead
# (a need under-served one tier lower; a light need over-served to maatwerk).
TRIAGE_TIER = np.array([T_OWN, T_GENERAL, T_MAATWERK, T_SPECIALIST], dtype=np.int64)
MISTRIAGE_TIER = np.array([T_OWN, T_MAATWERK, T_GENERAL, T_MAATWERK], dtype=np.int64)

# How a household entered its current trajectory: who referred it (recorded when it starts).
DOORS: tuple[str, ...] = ("none", "self", "access", "gp", "judge", "crisis", "specialist", "jeugdarts", "direct", "gi")
D_NONE, D_SELF, D_ACCESS, D_GP, D_JUDGE, D_CRISIS, D_SPECIALIST, D_JEUGDARTS, D_DIRECT, D_GI = range(10)
# Doors the municipality does not control: a referrer outside it (a doctor, the GI, the judge) or
# none (a provider's own intake) decides that care starts, not the access team's beschikking.
UNCONTROLLED_DOORS: tuple[str, ...] = ("gp", "judge", "specialist", "jeugdarts", "direct", "gi")
UNCONTROLLED = np.array([door in UNCONTROLLED_DOORS for door in DOORS], dtype=np.bool_)

# CBS's referral routes of started jeugdhulp trajectories (85096NED; rows share_started_*), and the
# route each door is recorded under. A crisis admission is recorded as "no referrer": a provider's
# crisis service takes the youth in before any referrer has acted (an assumption: where a region's
# crisis service sits at the municipality, CBS would record gemeentelijke toegang). The judge door
# leads to a protection measure, which is no jeugdhulp; were it counted, the GI carries it out.
# ``self`` starts a general provision, no trajectory; ``none`` is no trajectory at all.
ROUTES: tuple[str, ...] = ("huisarts", "medisch_specialist", "jeugdarts", "gemeentelijke_toegang", "GI", "no_referrer")
ROUTE_OF_DOOR: dict[str, str] = {
    "gp": "huisarts",
    "specialist": "medisch_specialist",
    "jeugdarts": "jeugdarts",
    "access": "gemeentelijke_toegang",
    "gi": "GI",
    "judge": "GI",
    "direct": "no_referrer",
    "crisis": "no_referrer",
    "self": "no_referrer",
}
ROUTE = np.array([ROUTES.index(ROUTE_OF_DOOR[door]) if door in ROUTE_OF_DOOR else -1 for door in DOORS], dtype=np.int64)

# CBS's duration bands of ended jeugdhulp trajectories (85096NED; rows ended_jh_traj_share_*): a
# provision that ends after m whole months in care falls in the first band whose bound is at least m
# (``DURATION_BAND_MONTHS``; the durations drawn count the same way); the last band is open.
DURATION_BANDS: tuple[str, ...] = ("0_3m", "3_6m", "6_12m", "1_2y", "2_3y", "3_4y", "4y_plus")
DURATION_BAND_MONTHS: tuple[int, ...] = (3, 6, 12, 24, 36, 48)
N_DURATION_BANDS = len(DURATION_BANDS)

BUDGET_LINES: tuple[str, ...] = (
    "jeugd_ambulant",
    "jeugd_verblijf",
    "jeugd_gedwongen_kader",
    "wmo_hbh",
    "wmo_begeleiding",
    "wmo_hulpmiddelen",
    "wmo_beschermd_wonen",
    "participatie_bijstand",
    "participatie_reintegratie",
    "participatie_beschut_werk",
    "schulden",
    "algemene_voorzieningen",
    "toegang",
    "overhead",
)
LINE = {name: i for i, name in enumerate(BUDGET_LINES)}
# The Iv3 taakveld (BBV) each budget line is booked on: what a municipality's meerjarenbegroting is set out in.
# Youth care with and without stay is maatwerkdienstverlening 18- (6.72), court-ordered youth protection geëscaleerde
# zorg 18- (6.82); household help and begeleiding maatwerkdienstverlening 18+ (6.71), aids the Wmo maatwerkvoorzieningen
# (6.6), beschermd wonen geëscaleerde zorg 18+ (6.81); bijstand inkomensregelingen (6.3), re-integratie
# arbeidsparticipatie (6.5), beschut werk begeleide participatie (6.4); general provisions samenkracht en
# burgerparticipatie (6.1), the access teams wijkteams (6.2). Debt help goes on 6.3 inkomensregelingen with bijstand and
# minimabeleid, as most municipalities book schuldhulpverlening (6.1 lists no debt help among its general provisions).
# The overhead line (contract management per provider: inkoop and contractbeheer) goes on 0.4 overhead, where the BBV
# requires overhead to be budgeted centrally since 2017; the case coordinators' time is on the toegang line (6.2).
LINE_TAAKVELD: dict[str, str] = {
    "jeugd_ambulant": "6.72",
    "jeugd_verblijf": "6.72",
    "jeugd_gedwongen_kader": "6.82",
    "wmo_hbh": "6.71",
    "wmo_begeleiding": "6.71",
    "wmo_hulpmiddelen": "6.6",
    "wmo_beschermd_wonen": "6.81",
    "participatie_bijstand": "6.3",
    "participatie_reintegratie": "6.5",
    "participatie_beschut_werk": "6.4",
    "schulden": "6.3",
    "algemene_voorzieningen": "6.1",
    "toegang": "6.2",
    "overhead": "0.4",
}


class Product(NamedTuple):
    """An individual provision a provider delivers (tier maatwerk, specialist or forced)."""

    name: str
    domain: int
    tier: int
    line: str


PRODUCTS: tuple[Product, ...] = (
    Product("jeugd_ambulant", JEUGD, T_MAATWERK, "jeugd_ambulant"),
    Product("jeugd_verblijf", JEUGD, T_SPECIALIST, "jeugd_verblijf"),
    Product("wmo_hbh", WMO, T_MAATWERK, "wmo_hbh"),
    Product("wmo_begeleiding", WMO, T_MAATWERK, "wmo_begeleiding"),
    Product("wmo_hulpmiddelen", WMO, T_MAATWERK, "wmo_hulpmiddelen"),
    Product("wmo_beschermd_wonen", WMO, T_SPECIALIST, "wmo_beschermd_wonen"),
    Product("reintegratie", WERK, T_MAATWERK, "participatie_reintegratie"),
    Product("beschut_werk", WERK, T_SPECIALIST, "participatie_beschut_werk"),
    Product("schuldhulp", SCHULDEN, T_MAATWERK, "schulden"),
    Product("beschermingsbewind", SCHULDEN, T_SPECIALIST, "schulden"),
    Product("veiligheid_ambulant", VEILIGHEID, T_MAATWERK, "jeugd_ambulant"),
    Product("jeugdbescherming", VEILIGHEID, T_FORCED, "jeugd_gedwongen_kader"),
    # Jeugdhulp the access team gives itself (casework: CBS's "jeugdhulp door het wijkteam"), paid as its staff
    Product("jeugd_wijkteam", JEUGD, T_MAATWERK, "toegang"),
)
PRODUCT = {p.name: i for i, p in enumerate(PRODUCTS)}
N_PRODUCTS = len(PRODUCTS)
PRODUCT_DOMAIN = np.array([p.domain for p in PRODUCTS], dtype=np.int64)
PRODUCT_TIER = np.array([p.tier for p in PRODUCTS], dtype=np.int64)
PRODUCT_LINE = np.array([LINE[p.line] for p in PRODUCTS], dtype=np.int64)
LINE_PRODUCTS: dict[str, tuple[str, ...]] = {line: tuple(p.name for p in PRODUCTS if p.line == line) for line in BUDGET_LINES}
# The heaviest product of each domain: where a crisis or a judge sends a household.
HEAVY_PRODUCT = np.array(
    [max((i for i, p in enumerate(PRODUCTS) if p.domain == d), key=lambda i: PRODUCTS[i].tier) for d in range(N_DOMAINS)],
    dtype=np.int64,
)
WMO_COPAY_PRODUCTS: tuple[str, ...] = ("wmo_hbh", "wmo_begeleiding", "wmo_hulpmiddelen")
COPAY_LINES: tuple[str, ...] = tuple(dict.fromkeys(p.line for p in PRODUCTS if p.name in WMO_COPAY_PRODUCTS))  # lines with co-payments
# The products CBS counts as jeugdhulp (Jeugdwet help that is not a protection measure): ambulant and
# residential youth care, and ambulant help in the safety domain (paid from the youth ambulant line).
JEUGDHULP: tuple[str, ...] = ("jeugd_ambulant", "jeugd_verblijf", "veiligheid_ambulant", "jeugd_wijkteam")
# Products the municipality's own staff deliver: no tariff, a client-month costs the staff's wage over their
# caseload (``access.wage_fte_year`` / 12 / ``access.caseload_per_fte``); capacity is casework FTE x caseload.
STAFF_PRODUCTS: tuple[str, ...] = ("jeugd_wijkteam",)

# Persons and provisions (issue 10 item 3). A household-domain's trajectory concerns one or more of
# its members: youth care and protection its children (siblings in the same situation, each with a
# trajectory of their own), Wmo support its adults and elderly (a partner with a need of their own);
# werk and schulden are household measures (CBS counts bijstand and debt help per household). Who
# is concerned is drawn at admission: the client and each other eligible member with ``persons.<domain>``;
# they stay in the trajectory until it ends (a sibling who turns 18 meanwhile continues, as verlengde jeugdhulp).
# Each person may hold a companion provision alongside the product (CBS counts 1.3 Wmo provisions per
# client and 1.4 jeugdhulp trajectories per youth): a hulpmiddel beside HbH or begeleiding, a second
# ambulant trajectory (another provider or form) beside youth care.
PERSON_GROUPS: dict[str, tuple[str, ...]] = {"jeugd": ("children",), "veiligheid": ("children",), "wmo": ("young", "adults", "elderly")}
ELIGIBLE = np.array([[group in PERSON_GROUPS.get(d, ()) for group in AGE_GROUPS] for d in DOMAINS], dtype=np.int64)
COMPANIONS: dict[str, str] = {
    "jeugd_ambulant": "jeugd_ambulant",
    "jeugd_verblijf": "jeugd_ambulant",
    "veiligheid_ambulant": "veiligheid_ambulant",
    "wmo_hbh": "wmo_hulpmiddelen",
    "wmo_begeleiding": "wmo_hulpmiddelen",
}
COMPANION = np.array([PRODUCT[COMPANIONS[p.name]] if p.name in COMPANIONS else -1 for p in PRODUCTS], dtype=np.int64)
# What the ``persons`` tally counts per product at month end: persons whose trajectory is of the product
# (clients), persons holding it as their product or as a companion (holders), and provisions of it held.
HOLDINGS: tuple[str, ...] = ("clients", "holders", "provisions")
HOLD_CLIENTS, HOLD_HOLDERS, HOLD_PROVISIONS = range(len(HOLDINGS))
N_HOLDINGS = len(HOLDINGS)

PAYMENT_MODELS: tuple[str, ...] = ("pxq", "trajectory", "result", "lumpsum")
PAY_PXQ, PAY_TRAJECTORY, PAY_RESULT, PAY_LUMPSUM = range(4)

# Domain events counted per month (columns of the ``events`` tally).
EVENTS: tuple[str, ...] = (
    "onsets",  # a need arises
    "requests",  # a household asks for help (any door)
    "repeat_requests",  # ... within 12 months of the end of its previous trajectory
    "escalations",  # severity rises while unmet or under-served
    "crises",  # severe need escalates: crisis admission to the heaviest product
    "to_specialist",  # maatwerk client escalates to the specialist tier
    "door_access",  # arrivals at the access team
    "door_gp",  # medical referrals: huisarts, medisch specialist, jeugdarts (bypass access)
    "door_judge",  # court orders (bypass access)
    "door_direct",  # requests straight to a provider, no referrer (bypass access)
    "door_gi",  # jeugdhulp referred by the GI when a protection measure starts (bypass access)
    "door_general",  # self-referrals to a general provision
    "resolved_own",  # need resolved by own strength / network
    "resolved_general",  # need resolved in a general provision
    "resolved_care",  # care ended with the need resolved
    "ended_unresolved",  # care ended, need stepped down but not gone
    "access_served",  # intakes completed by the access team
    "access_wait_days",  # days waited by those served, from arrival to intake (sum; kernels.wait_days)
    "triage_general",  # access routed the need to a general provision
    "admissions",  # care started
    "admission_wait_days",  # days on a provider waiting list of those admitted (sum; kernels.wait_days)
    "care_exit_months",  # months in care of those whose care ended (sum; Little's law)
    "care_exits",  # care ended (resolved or not, excluding escalation to specialist)
    "exits_to_work",  # werk: left the benefit for work
    "turned_18",  # jeugd/veiligheid trajectory closed because the last child turned 18
    "gap_18",  # ... and fell into a severe adult need without a handover
    "refused_eligibility",  # access refused maatwerk under stricter eligibility (lever L5): general provision instead
    "shifted_general",  # access sent a maatwerk need to the general provision that replaces it (lever L1)
    "handled_in_plan",  # a new request handled within an existing plan by the case coordinator (lever L7)
    "decisions",  # access triaged a need to maatwerk that needs a beschikking (decision term counted from arrival)
    "decisions_late",  # ... of which the beschikking comes after the decision term (Wmo: eight weeks)
    "reassessments",  # maatwerk care ended unresolved (the indication expired): back to the access team for re-assessment
    "joint_intakes",  # a request taken in the household's intake of the month for its other requests (integrated counter, L2)
)
EVENT = {name: i for i, name in enumerate(EVENTS)}
N_EVENTS = len(EVENTS)
