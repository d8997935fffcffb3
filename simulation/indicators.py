"""Indicators (DOMAIN.md §6): every metric declared once, its monthly series, and how it aggregates.

``METRICS`` declares each metric (or family of metrics, one per product, domain or budget line)
with its kind, Dutch and English label and unit, and for a ratio or a derived metric its parts:
the access and provider waiting times, escalations with crises, reach. ``monthly_indicators`` turns
tallies and the ledger into ``{metric: array(months)}``; ``yearly`` aggregates them to calendar
years by kind (``stock``: mean of the months, ``flow``: sum, ``ratio``: yearly numerator / yearly
denominator) and adds the derived metrics; ``over_period`` summarises several years.
``DEFAULT_METRICS`` is the one list the command line, the Mesa model, sweeps and sensitivity
analyses use unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from sdsim.simulation.ledger import Ledger
from sdsim.simulation.schema import (
    BUDGET_LINES,
    COPAY_LINES,
    DECISION,
    DOMAINS,
    DURATION_BANDS,
    EVENT,
    GENERAL,
    HIDDEN,
    HOLD_CLIENTS,
    HOLD_HOLDERS,
    HOLD_PROVISIONS,
    JEUGDHULP,
    LINE,
    PRODUCT,
    PRODUCT_DOMAIN,
    PRODUCT_TIER,
    PRODUCTS,
    QUEUE,
    ROUTE,
    ROUTES,
    TIERS,
    WAITLIST,
)
from sdsim.simulation.tallies import (
    DEMOGRAPHY,
    H_BENEFIT_MONTHS,
    H_COORDINATED,
    H_DUPLICATE,
    H_MULTI_PROBLEM,
    H_SELF_RELIANT,
    P_HOUSEHOLDS,
    POPULATION,
    Tallies,
)

DAYS_TO_WEEKS = 1.0 / 7.0  # waits are counted in days (integer tallies) and reported in weeks


class Metric(NamedTuple):
    """One metric, declared once: what it is, how it aggregates and how it is presented.

    A row with ``over`` is a family of series ``name.<member>``, one per member (``clients.wmo_hbh``).
    A row without ``over`` is one series (``households.bijstand``) or, when it has ``num``, a metric
    derived over every member of other families: the sum of the ``num`` families, or for a ratio the
    sum of the ``num`` families divided by the sum of the ``den`` families. A family ratio divides
    member by member (``waiting_time.access.jeugd``); the derived ratio of the same name divides the
    sums over all domains (``waiting_time.access``).

    Attributes:
        name: the series name, or the family's head.
        kind: ``stock`` (a level: a year is the mean of its months), ``flow`` (a year is the sum) or
            ``ratio`` (a year is the ratio of the yearly numerator and denominator).
        nl: Dutch label.
        en: English label.
        unit: a key of ``UNITS`` ("" for a plain count).
        over: the members of a family.
        num: families summed for the numerator (a ratio) or the value (a derived sum).
        den: families summed for the denominator of a ratio.
        empty: a ratio's value where its denominator is 0.
        scale: a ratio's factor (``DAYS_TO_WEEKS``: waits counted in days, reported in weeks).
    """

    name: str
    kind: str
    nl: str
    en: str
    unit: str = ""
    over: tuple[str, ...] = ()
    num: tuple[str, ...] = ()
    den: tuple[str, ...] = ()
    empty: float = float("nan")
    scale: float = 1.0


UNITS: dict[str, tuple[str, str]] = {  # key -> (Dutch, English)
    "": ("", ""),
    "EUR": ("EUR", "EUR"),
    "months": ("maanden", "months"),
    "days": ("dagen", "days"),
    "weeks": ("weken", "weeks"),
    "client-months": ("cliëntmaanden", "client-months"),
    "persons": ("personen", "persons"),
    "provisions": ("voorzieningen", "provisions"),
    "trajectories": ("trajecten", "trajectories"),
    "share": ("aandeel", "share"),
}
_PRODUCTS = tuple(p.name for p in PRODUCTS)
_TIERS = (*(TIERS[t] for t in sorted(set(PRODUCT_TIER.tolist()))), "general")
_LINES = (*BUDGET_LINES, "total")
_DOMAIN = {"over": DOMAINS}

METRICS: tuple[Metric, ...] = (
    # per product
    Metric("clients", "stock", "cliënten", "clients", over=_PRODUCTS),
    Metric("inflow", "flow", "instroom", "inflow", over=_PRODUCTS),
    Metric("outflow", "flow", "uitstroom", "outflow", over=_PRODUCTS),
    Metric("shift_users", "stock", "gebruikers algemene voorziening i.p.v. maatwerk", "general-provision users instead of maatwerk",
           over=_PRODUCTS),
    Metric("client_months", "flow", "cliëntmaanden", "client-months", "client-months", _PRODUCTS),
    Metric("client_months_uncontrolled", "flow", "cliëntmaanden buiten de gemeentelijke toegang (arts, GI, rechter, direct)",
           "client-months outside municipal control (doctor, GI, judge, direct)", "client-months", _PRODUCTS),
    Metric("spending_care", "flow", "zorguitgaven", "care spending", "EUR", _PRODUCTS),
    Metric("clients_tier", "stock", "cliënten in niveau", "clients in tier", over=_TIERS),
    # per product, persons and provisions as CBS counts them (the metrics above count household trajectories)
    Metric("persons", "stock", "personen in zorg", "persons in care", "persons", _PRODUCTS),
    Metric("holders", "stock", "personen met de voorziening (ook naast een andere)", "persons holding the provision (also beside another)",
           "persons", _PRODUCTS),
    Metric("provisions", "stock", "lopende voorzieningen (trajecten)", "provisions held (trajectories)", "provisions", _PRODUCTS),
    Metric("started", "flow", "gestarte trajecten", "trajectories started", "trajectories", _PRODUCTS),
    Metric("ended", "flow", "beëindigde trajecten", "trajectories ended", "trajectories", _PRODUCTS),
    Metric("persons_in_care", "stock", "personen in zorg", "persons in care", "persons", DOMAINS),
    # per domain: household-domains in a state at month end
    Metric("general_users", "stock", "gebruikers algemene voorzieningen", "general-provision users", **_DOMAIN),
    Metric("hidden_need", "stock", "verborgen hulpvraag", "hidden need", **_DOMAIN),
    Metric("queue", "stock", "wachtrij toegang", "access queue", **_DOMAIN),
    Metric("decision", "stock", "wacht op beschikking", "awaiting a decision", **_DOMAIN),
    Metric("waitlist", "stock", "wachtlijst aanbieder", "provider waiting list", **_DOMAIN),
    # per domain: events (schema.EVENTS), in the order monthly_indicators writes them
    Metric("onsets", "flow", "ontstane hulpbehoeften", "onsets of need", **_DOMAIN),
    Metric("requests", "flow", "hulpvragen", "requests", **_DOMAIN),
    Metric("repeat_requests", "flow", "herhaalde hulpvragen", "repeat requests", **_DOMAIN),
    Metric("escalations", "flow", "escalaties", "escalations", **_DOMAIN),
    Metric("crises", "flow", "crises", "crises", **_DOMAIN),
    Metric("to_specialist", "flow", "opschaling naar specialistische zorg", "step-ups to specialist care", **_DOMAIN),
    Metric("door_access", "flow", "aanmeldingen bij de toegang", "arrivals at access", **_DOMAIN),
    Metric("door_gp", "flow", "verwijzingen door huisarts, medisch specialist of jeugdarts", "referrals by a doctor", **_DOMAIN),
    Metric("door_judge", "flow", "uitspraken van de rechter", "court orders", **_DOMAIN),
    Metric("door_general", "flow", "zelfmeldingen algemene voorziening", "self-referrals to a general provision", **_DOMAIN),
    Metric("resolved_own", "flow", "opgelost op eigen kracht", "resolved by own strength", **_DOMAIN),
    Metric("resolved_general", "flow", "opgelost in een algemene voorziening", "resolved in a general provision", **_DOMAIN),
    Metric("resolved_care", "flow", "opgelost in zorg", "resolved in care", **_DOMAIN),
    Metric("access_served", "flow", "intakes toegang", "access intakes", **_DOMAIN),
    Metric("access_wait_days", "flow", "wachtdagen toegang", "days waited for access", "days", DOMAINS),
    Metric("admissions", "flow", "opnames bij een aanbieder", "admissions", **_DOMAIN),
    Metric("admission_wait_days", "flow", "wachtdagen aanbieder", "days waited for a provider", "days", DOMAINS),
    Metric("exits_to_work", "flow", "uitstroom naar werk", "outflow to work", **_DOMAIN),
    Metric("gap_18", "flow", "zorg gestopt bij 18 jaar", "care ended at 18", **_DOMAIN),
    Metric("refused_eligibility", "flow", "afgewezen bij triage", "refused at triage", **_DOMAIN),
    Metric("shifted_general", "flow", "naar een algemene voorziening verwezen", "sent to a general provision", **_DOMAIN),
    Metric("handled_in_plan", "flow", "binnen het gezinsplan afgehandeld", "handled in the family plan", **_DOMAIN),
    Metric("joint_intakes", "flow", "gezamenlijke intakes", "joint intakes", **_DOMAIN),
    # started jeugdhulp trajectories (schema.JEUGDHULP) by CBS referral route (schema.ROUTES); see route_shares
    Metric("started_route", "flow", "gestarte jeugdhulptrajecten naar verwijzer", "started jeugdhulp trajectories by referral route",
           over=ROUTES),
    # ended jeugdhulp trajectories by CBS duration band (schema.DURATION_BANDS); see shares
    Metric("ended_duration", "flow", "beëindigde jeugdhulptrajecten naar duur", "ended jeugdhulp trajectories by duration",
           "trajectories", DURATION_BANDS),
    # per domain: ratios member by member
    Metric("waiting_time.access", "ratio", "wachttijd toegang", "access waiting time", "weeks", DOMAINS,
           ("access_wait_days",), ("access_served",), scale=DAYS_TO_WEEKS),
    Metric("waiting_time.provider", "ratio", "wachttijd aanbieder", "provider waiting time", "weeks", DOMAINS,
           ("admission_wait_days",), ("admissions",), scale=DAYS_TO_WEEKS),
    Metric("decisions", "flow", "beschikkingen na triage", "decisions after triage", **_DOMAIN),
    Metric("decisions_late", "flow", "beschikkingen na de beslistermijn", "decisions after the decision term", **_DOMAIN),
    Metric("reassessments", "flow", "herindicaties", "re-assessments", **_DOMAIN),
    # the population: persons per age group and households at month end, demographic events
    Metric("population", "stock", "bevolking", "population", over=POPULATION[: P_HOUSEHOLDS + 1]),
    Metric("inhabitants", "stock", "inwoners", "inhabitants"),
    Metric("demography", "flow", "bevolkingsgebeurtenissen", "demographic events", over=DEMOGRAPHY),
    # households
    Metric("households.self_reliant", "stock", "zelfredzame huishoudens", "self-reliant households"),
    Metric("households.multi_problem", "stock", "multiprobleemhuishoudens", "multi-problem households"),
    Metric("households.bijstand", "stock", "huishoudens in de bijstand", "households on bijstand"),
    Metric("households.duplicate_trajectories", "stock", "huishoudens met dubbele trajecten", "households with duplicate trajectories"),
    Metric("households.coordinated", "stock", "huishoudens met een regisseur", "households with a case coordinator"),
    # money
    Metric("spending", "flow", "uitgaven", "spending", "EUR", _LINES),
    Metric("spending_frontline", "flow", "uitgaven toegang en voorliggend veld", "spending on access and general provisions", "EUR",
           DOMAINS),
    Metric("revenue", "flow", "inkomsten", "revenue", "EUR", (*_LINES, "copayments")),
    Metric("copayments", "flow", "eigen bijdragen", "co-payments", "EUR", COPAY_LINES),
    Metric("net_cost", "flow", "netto kosten (uitgaven min inkomsten en eigen bijdragen)",
           "net cost (spending less revenue and co-payments)", "EUR"),
    # derived over every member (not in monthly_indicators; yearly() adds them); a ratio over no
    # intake or no need is 0, as the report and the sensitivity analysis of 0.4.0 gave it
    Metric("reach", "ratio", "bereik (aandeel met passende hulp)", "reach (share in need with support)", "share",
           num=("clients", "general_users"), den=("clients", "general_users", "hidden_need", "queue", "decision", "waitlist"),
           empty=0.0),
    Metric("waiting_time.access", "ratio", "wachttijd toegang", "access waiting time", "weeks",
           num=("access_wait_days",), den=("access_served",), empty=0.0, scale=DAYS_TO_WEEKS),
    Metric("waiting_time.provider", "ratio", "wachttijd aanbieder", "provider waiting time", "weeks",
           num=("admission_wait_days",), den=("admissions",), empty=0.0, scale=DAYS_TO_WEEKS),
    Metric("escalations", "flow", "escalaties en crises", "escalations and crises", num=("escalations", "crises")),
    Metric("repeat_requests", "flow", "herhaalde hulpvragen", "repeat requests", num=("repeat_requests",)),
    Metric("exits_to_work", "flow", "uitstroom naar werk", "outflow to work", num=("exits_to_work",)),
)  # fmt: skip
FAMILY: dict[str, Metric] = {m.name: m for m in METRICS if m.over}
SERIES: dict[str, Metric] = {m.name: m for m in METRICS if not m.over}
DERIVED: tuple[Metric, ...] = tuple(m for m in METRICS if m.num and not m.over)

# The metrics the command line shows, the Mesa model records, a sweep stores (their parts) and a
# sensitivity analysis explains, unless told otherwise.
DEFAULT_METRICS: tuple[str, ...] = (
    "spending.total",
    *(f"spending.{line}" for line in BUDGET_LINES),
    "revenue.total",
    "net_cost",
    *(f"clients_tier.{tier}" for tier in ("general", "maatwerk", "specialist", "forced")),
    "waiting_time.access",
    "escalations",
    "households.self_reliant",
    "households.bijstand",
)

_FLOW_EVENTS = tuple(name for name in FAMILY if name in EVENT)
_MEMBER_RATIOS = tuple(f"{m.name}.{d}" for d in DOMAINS for m in FAMILY.values() if m.kind == "ratio")  # as 0.4.0 wrote them


def _split(name: str) -> tuple[Metric, str | None]:
    """A metric's declaration and its member in a family (None for a row of its own)."""
    if name in SERIES:
        return SERIES[name], None
    head, _, member = name.rpartition(".")
    family = FAMILY.get(head)
    if family is None or member not in family.over:
        raise KeyError(f"unknown metric {name!r}")
    return family, member


def metric(name: str) -> Metric:
    """The declaration of a metric: its own row, or its family's (``name`` = ``head.member``)."""
    return _split(name)[0]


def metric_kind(name: str) -> str:
    """``stock``, ``flow`` or ``ratio`` for a metric name."""
    return metric(name).kind


def label(name: str, lang: str = "en") -> str:
    """The metric's label in ``lang`` (``nl`` or ``en``), with the member of a family (``"spending, total"``)."""
    m, member = _split(name)
    text = m.nl if lang == "nl" else m.en
    return f"{text}, {member.replace('_', ' ')}" if member else text


def unit(name: str, lang: str = "en") -> str:
    """The metric's unit in ``lang`` ("" for a plain count)."""
    return UNITS[metric(name).unit][lang == "en"]


def _members(heads: tuple[str, ...], member: str | None = None) -> list[str]:
    """Series of the families ``heads``: one member's, or every member's."""
    return [f"{h}.{m}" for h in heads for m in ((member,) if member else FAMILY[h].over)]


def parts(names: Sequence[str]) -> tuple[str, ...]:
    """The stock and flow series (as ``monthly_indicators`` writes them) from which ``names`` follow, in order."""
    out: dict[str, None] = {}
    for name in names:
        m, member = _split(name)
        out.update(dict.fromkeys(_members(m.num + m.den, member) if m.num else (name,)))
    return tuple(out)


def _sum(series: dict[str, np.ndarray], heads: tuple[str, ...], member: str | None) -> np.ndarray:
    total = 0
    for head in heads:  # each family summed over its members first, then the families in order
        total = total + sum(series[s] for s in _members((head,), member))
    return total


def ratio(num: np.ndarray, den: np.ndarray, empty: float = float("nan")) -> np.ndarray:
    """``num / den``, ``empty`` where ``den`` is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.maximum(den, 1), empty)


def value(series: dict[str, np.ndarray], name: str) -> np.ndarray:
    """Metric ``name`` from ``series`` (a series of it, or its definition over its parts; any shape)."""
    if name in series:
        return series[name]
    m, member = _split(name)
    if not m.num:
        raise KeyError(f"{name!r} is not in the series")
    if m.kind != "ratio":
        return _sum(series, m.num, member)
    return m.scale * ratio(_sum(series, m.num, member), _sum(series, m.den, member), m.empty)


def derived(series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every derived metric whose parts ``series`` holds."""
    return {m.name: value(series, m.name) for m in DERIVED if all(p in series for p in parts((m.name,)))}


def over_period(series: dict[str, np.ndarray], name: str, years: int, total: bool = False) -> np.ndarray:
    """A metric over the first ``years`` calendar years of yearly ``series`` (last axis: year).

    A stock is the mean of its yearly values, a flow the mean per year (``total``: the sum), a ratio
    of flows the ratio of the period's sums, a ratio of stocks the mean of its yearly values.
    """
    m = metric(name)
    if m.kind == "ratio" and metric(parts((name,))[0]).kind == "flow":
        return value({p: series[p][..., :years].sum(axis=-1) for p in parts((name,))}, name)
    values = value(series, name)[..., :years]
    return values.sum(axis=-1) if total and m.kind == "flow" else values.mean(axis=-1)


_JEUGDHULP = [PRODUCT[p] for p in JEUGDHULP]


def shares(series: dict[str, np.ndarray], metric: str) -> dict[str, np.ndarray]:
    """Each member's percentage of a metric's members together (``metric.*``; NaN where they sum to 0).

    The one definition of the CBS shares that ``sdsim validate`` and ``sdsim calibrate`` compare:
    ``started_route`` (referral routes of started jeugdhulp) and ``ended_duration`` (duration bands of
    ended jeugdhulp). Works on monthly or yearly series, or on their sums over a period (any shape;
    the members sum to 100).
    """
    counts = {m: np.asarray(series[f"{metric}.{m}"], dtype=np.float64) for m in FAMILY[metric].over}
    total = sum(counts.values())
    return {m: ratio(100.0 * c, total) for m, c in counts.items()}


def route_shares(series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each CBS referral route's percentage of the started jeugdhulp trajectories (``started_route.*``; NaN without starts)."""
    return shares(series, "started_route")


def monthly_indicators(tallies: Tallies, ledger: Ledger) -> dict[str, np.ndarray]:
    """Named monthly series of one run (floats; ratios computed per month, NaN when undefined)."""
    out: dict[str, np.ndarray] = {}
    stock = tallies.stock.sum(axis=1)  # (months, products)
    admitted = tallies.admitted.sum(axis=1)
    for p, prod in enumerate(PRODUCTS):
        out[f"clients.{prod.name}"] = stock[:, p]
        out[f"inflow.{prod.name}"] = admitted[:, p]
        out[f"outflow.{prod.name}"] = tallies.exits[:, p, 0]
        out[f"shift_users.{prod.name}"] = tallies.shifted[:, p]
        out[f"client_months.{prod.name}"] = tallies.billed[:, :, p].sum(axis=1)
        out[f"client_months_uncontrolled.{prod.name}"] = tallies.uncontrolled[:, p]
        out[f"spending_care.{prod.name}"] = ledger.care[:, p]
    held = tallies.persons  # (months, products, holdings)
    started_by_door = tallies.started
    for p, prod in enumerate(PRODUCTS):
        out[f"persons.{prod.name}"] = held[:, p, HOLD_CLIENTS]
        out[f"holders.{prod.name}"] = held[:, p, HOLD_HOLDERS]
        out[f"provisions.{prod.name}"] = held[:, p, HOLD_PROVISIONS]
        out[f"started.{prod.name}"] = started_by_door[:, p].sum(axis=1)
        out[f"ended.{prod.name}"] = tallies.ended[:, p]
    for d, name in enumerate(DOMAINS):
        out[f"persons_in_care.{name}"] = held[:, d == PRODUCT_DOMAIN, HOLD_CLIENTS].sum(axis=1)
    started = started_by_door[:, _JEUGDHULP].sum(axis=1)  # (months, doors)
    for r, route in enumerate(ROUTES):
        out[f"started_route.{route}"] = started[:, r == ROUTE].sum(axis=1)
    ended = tallies.ended_bands[:, _JEUGDHULP].sum(axis=1)  # (months, bands)
    for b, band in enumerate(DURATION_BANDS):
        out[f"ended_duration.{band}"] = ended[:, b]
    for tier in sorted(set(PRODUCT_TIER.tolist())):
        out[f"clients_tier.{TIERS[tier]}"] = stock[:, tier == PRODUCT_TIER].sum(axis=1)
    occupancy = tallies.occupancy.sum(axis=3)  # (months, domains, states)
    out["clients_tier.general"] = occupancy[:, :, GENERAL].sum(axis=1)
    for d, name in enumerate(DOMAINS):
        out[f"general_users.{name}"] = occupancy[:, d, GENERAL]
        out[f"hidden_need.{name}"] = occupancy[:, d, HIDDEN]
        out[f"queue.{name}"] = occupancy[:, d, QUEUE]
        out[f"decision.{name}"] = occupancy[:, d, DECISION]
        out[f"waitlist.{name}"] = occupancy[:, d, WAITLIST]
        for event in _FLOW_EVENTS:
            out[f"{event}.{name}"] = tallies.events[:, d, EVENT[event]]
    out["households.self_reliant"] = tallies.house[:, H_SELF_RELIANT]
    out["households.multi_problem"] = tallies.house[:, H_MULTI_PROBLEM]
    out["households.bijstand"] = tallies.house[:, H_BENEFIT_MONTHS]
    out["households.duplicate_trajectories"] = tallies.house[:, H_DUPLICATE]
    out["households.coordinated"] = tallies.house[:, H_COORDINATED]
    for i, member in enumerate(POPULATION[: P_HOUSEHOLDS + 1]):
        out[f"population.{member}"] = tallies.population[:, i]
    out["inhabitants"] = tallies.population[:, :P_HOUSEHOLDS].sum(axis=1)
    for i, event in enumerate(DEMOGRAPHY):
        out[f"demography.{event}"] = tallies.demography[:, i]
    for ratio in _MEMBER_RATIOS:
        out[ratio] = value(out, ratio)
    for i, line in enumerate(BUDGET_LINES):
        out[f"spending.{line}"] = ledger.spending[:, i]
        out[f"revenue.{line}"] = ledger.revenue[:, i]
    for d, name in enumerate(DOMAINS):
        out[f"spending_frontline.{name}"] = ledger.frontline[:, d]
    out["spending.total"] = ledger.spending.sum(axis=1)
    for line in COPAY_LINES:
        out[f"copayments.{line}"] = ledger.copayments[:, LINE[line]]
    out["revenue.copayments"] = ledger.copayments.sum(axis=1)
    out["revenue.total"] = ledger.revenue.sum(axis=1) + out["revenue.copayments"]
    out["net_cost"] = out["spending.total"] - out["revenue.total"]
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


def median_wait_weeks(waits: np.ndarray) -> np.ndarray:
    """The median wait in weeks from a histogram by whole weeks waited (``Tallies.waits`` summed over months; last axis: week).

    Interpolated within the median's week as if waits were spread evenly over it; NaN without
    waits. The open last bin (52 weeks or more) counts as week 52. ``waiting_time.*`` are the means.
    """
    counts = np.asarray(waits, dtype=np.float64)
    total = counts.sum(axis=-1)
    below = np.cumsum(counts, axis=-1) - counts  # waits in earlier weeks
    half = total[..., None] / 2.0
    inside = (below <= half) & (below + counts > half)
    week = np.argmax(inside, axis=-1)
    at = np.take_along_axis(counts, week[..., None], axis=-1)[..., 0]
    start = np.take_along_axis(below, week[..., None], axis=-1)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, week + (total / 2.0 - start) / np.maximum(at, 1e-300), np.nan)


def yearly(series: dict[str, np.ndarray], months_per_year: int = 12) -> dict[str, np.ndarray]:
    """Aggregate monthly series (last axis: month) to calendar years by each metric's kind, with the ratios and derived metrics."""
    out: dict[str, np.ndarray] = {}
    for name, values in series.items():
        kind = metric_kind(name)
        if kind == "ratio":
            continue
        years = values.shape[-1] // months_per_year
        shaped = values[..., : years * months_per_year].reshape(*values.shape[:-1], years, months_per_year)
        out[name] = shaped.mean(axis=-1) if kind == "stock" else shaped.sum(axis=-1)
    for ratio_name in _MEMBER_RATIOS:
        if all(p in out for p in parts((ratio_name,))):
            out[ratio_name] = value(out, ratio_name)
    return out | derived(out)


def metric_names() -> tuple[str, ...]:
    """Every metric ``monthly_indicators`` produces (from an empty month)."""
    from sdsim.simulation.schema import N_DOMAINS, N_PRODUCTS

    tallies = Tallies.zeros(1, 1, 1)
    lines = len(BUDGET_LINES)
    ledger = Ledger(np.zeros((1, lines)), np.zeros((1, lines)), np.zeros((1, lines)), np.zeros((1, N_PRODUCTS)), np.zeros((1, N_DOMAINS)))
    return tuple(monthly_indicators(tallies, ledger))
