"""Policy levers L1-L14 (DOMAIN.md §5): one module each, collected here.

A lever is a group of ``lever.*`` parameters whose defaults mean "as today". Levers act through the
model's own mechanisms, never as a multiplier on an output. A lever module (``lNN_name.py``) holds
one ``LEVER = Lever(...)`` with

- its parameters (default, bounds, plausible range, unit, source), which the registry
  ``simulation.parameters`` collects;
- its hooks, run for every scenario by ``simulation.compiled.compile_scenario`` in lever order:
  ``profile`` (the municipality's structure: teams, GP practices, contracts, slots), ``rates``
  (behavioural rates: requests, severity at discovery, durations, escalation), ``prices`` (what a
  unit of a kernel tally that the lever adds costs) and ``costs`` (fixed euros the lever itself
  costs: a POH-jeugd, a prevention budget, a general provision's lump sum). A hook that is "as
  today" leaves its input unchanged;
- the kernel decisions it drives, named by their random streams (``simulation.streams``) and the
  events counted where they are taken (``schema.EVENTS``: triage refusal, the shift to a general
  provision, the coordinator's plan); the decisions themselves stay in ``simulation.transitions``;
- its expected directions (``Check``), which ``tests/test_levers.py`` runs for every lever found.

The levers are the modules of this package, plus those of every package registered under the
entry-point group ``sdsim.levers``: a lever that reuses existing mechanisms is one new module and a
scenario file.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from sdsim.simulation.parameter import Parameter
from sdsim.simulation.schema import N_PRODUCTS

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters
    from sdsim.simulation.profile import Profile

ENTRY_POINT_GROUP = "sdsim.levers"
LEVER_MODULE = re.compile(r"l\d+_\w+")  # module names that hold a lever; their name order is the lever order

ProfileData = dict[str, Any]
"""A profile as ``Profile.model_dump()`` gives it; profile hooks change it in place."""


class LeverPrices(NamedTuple):
    """Euros of what levers add, per unit of a kernel tally (all zero as today)."""

    shifted: np.ndarray  # (product,) euro per user-month of the general provision replacing a maatwerk product (L1)
    coordinator_fte: float  # FTE of case coordinators per coordinated household (L7; paid the access wage)


def no_lever_prices() -> LeverPrices:
    """Unit prices as today: no lever adds anything."""
    return LeverPrices(shifted=np.zeros(N_PRODUCTS), coordinator_fte=0.0)


class Check(NamedTuple):
    """An expected direction: ``changes`` move the sum of ``metrics`` (mean over months) up (+1) or down (-1).

    ``reference``: the parameter changes of the run compared against (default: the baseline).
    """

    what: str
    changes: Mapping[str, float]
    metrics: tuple[str, ...]
    direction: int
    reference: Mapping[str, float] = MappingProxyType({})


class Target(NamedTuple):
    """What a lever sets out to save: ``fraction`` of the base scenario's spending on ``lines`` (budget lines).

    Reports set the realised saving beside it and say when it falls short by more than ``tolerance``.
    """

    fraction: float
    lines: tuple[str, ...]
    tolerance: float = 0.02


class Evidence(NamedTuple):
    """The plausible range of a lever's effect on its own target, and where the range comes from.

    The effect is the paired difference scenario - base of the sum of ``metrics`` over the first five
    years, relative to the base's sum (``-0.10``: ten percent less), with the values of ``scenario``
    (a file in ``scenarios/``) on the default municipality and a burn-in shared with the base.
    ``tests/test_levers.py`` checks that the measured effect lies in ``[low, high]``.
    """

    scenario: str
    metrics: tuple[str, ...]
    low: float
    high: float
    source: str  # a seed, a published evaluation in shared/data, or "assumption"
    reasoning: str


def contracts(data: ProfileData) -> list[dict[str, Any]]:
    """The provider groups of profile data that are contracts (not the municipality's own teams: ``casework_fte``)."""
    return [group for group in data["providers"] if not group.get("casework_fte")]


def profile_as_today(data: ProfileData, params: Parameters) -> None:
    """A profile hook that changes nothing."""


def rates_as_today(rates: Rates, params: Parameters) -> Rates:
    """A rates hook that changes nothing."""
    return rates


def prices_as_today(prices: LeverPrices, params: Parameters) -> LeverPrices:
    """A prices hook that changes nothing."""
    return prices


def no_costs(profile: Profile, params: Parameters) -> dict[str, float]:
    """A costs hook that adds nothing."""
    return {}


def no_target(params: Parameters) -> Target | None:
    """A target hook for a lever that sets no saving target."""
    return None


@dataclass(frozen=True, eq=False)  # one object per module: equal when the same, hashable
class Lever:
    """One policy lever: what it is, its parameters, its hooks and its expected directions.

    Attributes:
        id: ``L1`` ... (DOMAIN.md §5).
        title: short name.
        mechanism: what it changes in the model.
        title_nl, mechanism_nl: the same in Dutch, for the council's report.
        direction: the expected direction of its effect, in words.
        seed: the documents that ask for it.
        checks: expected directions, tested with paired replicates.
        evidence: the plausible range of its effect on its own target, tested with paired replicates.
        limits, limits_nl: what of the policy the model leaves out (reports say so), in English and Dutch.
        parameters: its own parameters (``lever.*``), defaults "as today".
        instruments: name prefixes of behavioural parameters it acts through (``copay.`` for L9).
        kernel_decisions: the random streams (``streams.DOMAIN_STREAMS``) of the decisions the kernels take for it.
        kernel_events: ``schema.EVENTS`` counted where the kernels take its decision.
        after: ids of levers whose hooks run before its own (where both change one value).
        profile: changes the profile's data in place (structure: teams, practices, contracts).
        rates: returns the behavioural rates as the lever makes them.
        prices: returns the unit prices of what the lever adds.
        costs: fixed euros per month (start-year prices) per budget line, from the scenario's profile.
        target: the saving the lever's values set out to realise, or None.
    """

    id: str
    title: str
    mechanism: str
    direction: str
    seed: str
    checks: tuple[Check, ...]
    title_nl: str = ""
    mechanism_nl: str = ""
    evidence: tuple[Evidence, ...] = ()
    limits: str = ""
    limits_nl: str = ""
    parameters: tuple[Parameter, ...] = ()
    instruments: tuple[str, ...] = ()
    kernel_decisions: tuple[str, ...] = ()
    kernel_events: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    profile: Callable[[ProfileData, Parameters], None] = profile_as_today
    rates: Callable[[Rates, Parameters], Rates] = rates_as_today
    prices: Callable[[LeverPrices, Parameters], LeverPrices] = prices_as_today
    costs: Callable[[Profile, Parameters], dict[str, float]] = no_costs
    target: Callable[[Parameters], Target | None] = no_target


def discover(package: ModuleType) -> tuple[Lever, ...]:
    """The ``LEVER`` of every lever module (``lNN_name``) of ``package``, in module-name order."""
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if LEVER_MODULE.fullmatch(info.name))
    return tuple(importlib.import_module(f"{package.__name__}.{name}").LEVER for name in names)


def in_hook_order(levers: tuple[Lever, ...]) -> tuple[Lever, ...]:
    """The levers in the order their hooks run: as listed, except that a lever waits for those in its ``after``.

    Ids in ``after`` that are not among ``levers`` are ignored; levers that wait for each other are an error.
    """
    ids = {lever.id for lever in levers}
    pending, done, order = list(levers), set(), []
    while pending:
        ready = next((lv for lv in pending if ids.isdisjoint(set(lv.after) - done)), None)
        if ready is None:
            raise ValueError(f"levers wait for each other: {', '.join(lv.id for lv in pending)}")
        pending.remove(ready)
        done.add(ready.id)
        order.append(ready)
    return tuple(order)


def _installed() -> tuple[Lever, ...]:
    """The levers of this package, then those of the packages registered under ``ENTRY_POINT_GROUP``."""
    levers = discover(sys.modules[__name__])
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        levers += discover(entry.load())
    ids = [lever.id for lever in levers]
    if len(set(ids)) != len(ids):
        raise ValueError(f"lever ids must be unique: {ids}")
    return levers


LEVERS: tuple[Lever, ...] = _installed()
_OWNER = {p.name: lever for lever in LEVERS for p in lever.parameters}


def targets(params: Parameters) -> list[tuple[Lever, Target]]:
    """The saving targets the levers set with ``params`` (levers without a target, or as today, give none)."""
    return [(lever, target) for lever in LEVERS if (target := lever.target(params)) is not None]


def lever_of(name: str) -> Lever | None:
    """The lever a parameter belongs to (its own or one of its instruments), or None for a behavioural parameter."""
    return _OWNER.get(name) or next((lever for lever in LEVERS if name.startswith(lever.instruments)), None)


__all__ = [
    "LEVERS",
    "Check",
    "Evidence",
    "Lever",
    "LeverPrices",
    "ProfileData",
    "Target",
    "discover",
    "in_hook_order",
    "lever_of",
    "no_lever_prices",
    "targets",
]
