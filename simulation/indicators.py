"""Monthly indicators (DOMAIN.md §6) as named series, and how each aggregates to a year.

``monthly_indicators`` turns tallies and the ledger into ``{metric: array(months)}``. Each metric
has a kind: ``stock`` (a level: yearly value = mean over the year's months), ``flow`` (yearly value
= sum) or ``ratio`` (yearly value = sum of numerator / sum of denominator, see ``RATIOS``).
"""

from __future__ import annotations

import numpy as np
from sdsim.simulation.kernels import H_BENEFIT_MONTHS, H_DUPLICATE, H_MULTI_PROBLEM, H_SELF_RELIANT, Tallies
from sdsim.simulation.ledger import Ledger
from sdsim.simulation.schema import (
    BUDGET_LINES,
    DECISION,
    DOMAINS,
    EVENT,
    GENERAL,
    HIDDEN,
    PRODUCT_TIER,
    PRODUCTS,
    QUEUE,
    TIERS,
    WAITLIST,
)

# ratio metric -> (numerator metric, denominator metric); both are flows kept in the output.
RATIOS: dict[str, tuple[str, str]] = {}
for _d in DOMAINS:
    RATIOS[f"waiting_time.access.{_d}"] = (f"access_wait_months.{_d}", f"access_served.{_d}")
    RATIOS[f"waiting_time.provider.{_d}"] = (f"admission_wait_months.{_d}", f"admissions.{_d}")

_FLOW_EVENTS = (
    "onsets",
    "requests",
    "repeat_requests",
    "escalations",
    "crises",
    "to_specialist",
    "door_access",
    "door_gp",
    "door_judge",
    "door_general",
    "resolved_own",
    "resolved_general",
    "resolved_care",
    "access_served",
    "access_wait_months",
    "admissions",
    "admission_wait_months",
    "exits_to_work",
    "gap_18",
    "refused_eligibility",
    "shifted_general",
    "handled_in_plan",
)


STOCK_HEADS = {"clients", "clients_tier", "general_users", "shift_users", "hidden_need", "queue", "decision", "waitlist", "households"}


def metric_kind(name: str) -> str:
    """``stock``, ``flow`` or ``ratio`` for a metric name."""
    if name in RATIOS:
        return "ratio"
    head = name.split(".")[0]
    return "stock" if head in STOCK_HEADS else "flow"


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
    for ratio, (num, den) in RATIOS.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            out[ratio] = np.where(out[den] > 0, out[num] / np.maximum(out[den], 1), np.nan)
    for i, line in enumerate(BUDGET_LINES):
        out[f"spending.{line}"] = ledger.spending[:, i]
        out[f"revenue.{line}"] = ledger.revenue[:, i]
    out["spending.total"] = ledger.spending.sum(axis=1)
    out["revenue.total"] = ledger.revenue.sum(axis=1) + ledger.copayments
    out["revenue.copayments"] = ledger.copayments
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


def yearly(series: dict[str, np.ndarray], months_per_year: int = 12) -> dict[str, np.ndarray]:
    """Aggregate monthly series (last axis: month) to calendar years by each metric's kind."""
    out: dict[str, np.ndarray] = {}
    for name, values in series.items():
        kind = metric_kind(name)
        if kind == "ratio":
            continue
        years = values.shape[-1] // months_per_year
        shaped = values[..., : years * months_per_year].reshape(*values.shape[:-1], years, months_per_year)
        out[name] = shaped.mean(axis=-1) if kind == "stock" else shaped.sum(axis=-1)
    for ratio, (num, den) in RATIOS.items():
        if num in out and den in out:
            with np.errstate(invalid="ignore", divide="ignore"):
                out[ratio] = np.where(out[den] > 0, out[num] / np.maximum(out[den], 1), np.nan)
    return out


def metric_names() -> tuple[str, ...]:
    """Every metric ``monthly_indicators`` produces (from an empty month)."""
    from sdsim.simulation.engine import allocate_tallies
    from sdsim.simulation.schema import N_PRODUCTS

    tallies = allocate_tallies(1, 1, 1)
    lines = len(BUDGET_LINES)
    ledger = Ledger(np.zeros((1, lines)), np.zeros((1, lines)), np.zeros(1), np.zeros((1, N_PRODUCTS)))
    return tuple(monthly_indicators(tallies, ledger))
