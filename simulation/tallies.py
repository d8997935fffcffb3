"""The kernels' tallies, declared once.

Every count the kernels make lives in one int64 vector: per chunk of households while a month is
advanced (``Scratch.counts`` in ``simulation.kernels``) and per recorded month (``Tallies.counts``),
laid out tally after tally in the order of ``TALLIES``. From this table follow the layout, the
allocation, the zeroing, the reduction over chunks, the clearing of a burn-in row, what a sleeping
household carries and the named views that the ledger and the indicators read
(``tallies.billed[month, provider, product]``). Adding a tally is one line here plus its increment
in a kernel (``counts[index(off, X, ...)] += 1``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
from numba import njit
from numba.np.unsafe.ndarray import to_fixed_tuple
from sdsim.simulation.schema import (
    DOORS,
    N_DOMAINS,
    N_DURATION_BANDS,
    N_EVENTS,
    N_HOLDINGS,
    N_INCOME_CLASSES,
    N_PRODUCTS,
    N_SEVERITY,
    N_STATES,
    TALLY_DTYPE,
)

# Household-level columns of the ``house`` tally.
HOUSE: tuple[str, ...] = (
    "self_reliant",
    "multi_problem",
    "benefit_months",
    "duplicate",
    "coordinated",  # in two or more formal trajectories, with a case coordinator (L7)
)
H_SELF_RELIANT, H_MULTI_PROBLEM, H_BENEFIT_MONTHS = HOUSE.index("self_reliant"), HOUSE.index("multi_problem"), HOUSE.index("benefit_months")
H_DUPLICATE = HOUSE.index("duplicate")
H_COORDINATED = HOUSE.index("coordinated")
N_HOUSE = len(HOUSE)
N_DOORS = len(DOORS)
QUEUE_COLUMNS: tuple[str, ...] = ("length", "arrivals", "served")
Q_LENGTH, Q_ARRIVALS, Q_SERVED = range(len(QUEUE_COLUMNS))
EXIT_COLUMNS: tuple[str, ...] = ("exits", "months")
# The population at month end (persons per age group, households, households where a birth can happen).
POPULATION: tuple[str, ...] = ("children", "young", "adults", "elderly", "households", "birth_eligible")
P_HOUSEHOLDS, P_BIRTH_ELIGIBLE = POPULATION.index("households"), POPULATION.index("birth_eligible")
# Demographic events of the month.
DEMOGRAPHY: tuple[str, ...] = (
    "births",
    "deaths",
    "turned_18",  # persons: children who became young adults
    "turned_23",
    "left_home",  # of those turning 23, persons who left their household to live on their own (a household formed)
    "turned_75",
    "departed_households",
    "departed_persons",
    "arrived_households",
    "arrived_persons",
    "arrivals_refused",  # arriving households with no spare row (should stay 0; see engine.spare_rows)
)
(
    DG_BIRTHS,
    DG_DEATHS,
    DG_TURNED_18,
    DG_TURNED_23,
    DG_LEFT_HOME,
    DG_TURNED_75,
    DG_DEPARTED_HOUSEHOLDS,
    DG_DEPARTED_PERSONS,
    DG_ARRIVED_HOUSEHOLDS,
    DG_ARRIVED_PERSONS,
    DG_ARRIVALS_REFUSED,
) = range(len(DEMOGRAPHY))

# Waits in weeks (``simulation.kernels.wait_days``): of an intake by the access team, of an admission by a provider.
WAIT_KINDS: tuple[str, ...] = ("access", "admission")
W_ACCESS, W_ADMISSION = range(len(WAIT_KINDS))
WAIT_WEEKS = 53  # whole weeks waited 0..51, and 52 or more

#: sizes of the axes fixed by the schema; "provider" and "counter" are the municipality's
AXIS_SIZES: dict[str, int] = {
    "domain": N_DOMAINS,
    "event": N_EVENTS,
    "state": N_STATES,
    "severity": N_SEVERITY,
    "product": N_PRODUCTS,
    "door": N_DOORS,
    "house": N_HOUSE,
    "queue_column": len(QUEUE_COLUMNS),
    "exit_column": len(EXIT_COLUMNS),
    "population": len(POPULATION),
    "demographic_event": len(DEMOGRAPHY),
    "wait_kind": len(WAIT_KINDS),
    "wait_week": WAIT_WEEKS,
    "holding": N_HOLDINGS,
    "duration_band": N_DURATION_BANDS,
    "income_class": N_INCOME_CLASSES,
}


class Tally(NamedTuple):
    """One tally: its axes, kind and whether a sleeping household's monthly value is carried.

    ``kind`` is ``stock`` (a level in the month: at month end, or the month's client-months) or
    ``flow`` (events during the month). ``carried``: the tally counts a household's state, which does
    not change while it sleeps, so its monthly value is carried per chunk (see ``simulation.kernels``).
    """

    name: str
    axes: tuple[str, ...]
    kind: str
    carried: bool
    meaning: str


TALLIES: tuple[Tally, ...] = (
    Tally("events", ("domain", "event"), "flow", False, "domain events (schema.EVENTS)"),
    Tally("occupancy", ("domain", "state", "severity"), "stock", True, "household-domains per state and severity at month end"),
    Tally("billed", ("provider", "product"), "stock", True, "client-months in care this month (a household's trajectory)"),
    Tally("provisions", ("provider", "product"), "stock", True, "provision-months this month: each person's product and companion"),
    Tally("persons", ("product", "holding"), "stock", True, "persons in care at month end (schema.HOLDINGS): clients, holders, provisions"),
    Tally("admitted", ("provider", "product"), "flow", False, "admissions to care"),
    Tally("resolved", ("provider", "product"), "flow", False, "provisions whose care ended with the need resolved (result payment)"),
    Tally("commissioned", ("provider", "product"), "flow", False, "provisions started per provider (trajectory and result payment)"),
    Tally("inherited", ("provider", "product"), "stock", True, "provision-months of trajectories begun before the start year"),
    Tally("resolved_inherited", ("provider", "product"), "flow", False, "resolved provisions of trajectories begun before the start year"),
    Tally("stock", ("provider", "product"), "stock", True, "clients in care at month end"),
    Tally("exits", ("product", "exit_column"), "flow", False, "outflows from care and their months in care"),
    Tally("ended", ("product",), "flow", False, "provisions ended (trajectories as CBS counts them)"),
    Tally("ended_months", ("product",), "flow", False, "months in care of the provisions ended"),
    Tally("ended_bands", ("product", "duration_band"), "flow", False, "provisions ended by months in care (schema.DURATION_BANDS)"),
    Tally(
        "house",
        ("house",),
        "stock",
        True,
        "households: self-reliant, multi-problem, on benefit, duplicate, coordinated",
    ),
    Tally(
        "copay",
        ("product", "income_class"),
        "stock",
        True,
        "household-months paying the Wmo co-payment, by the product of the trajectory that makes it pay and income class",
    ),
    Tally("general", ("domain",), "stock", True, "user-months of general provisions"),
    Tally("shifted", ("product",), "stock", True, "user-months of the general provision replacing a product (L1)"),
    Tally("uncontrolled", ("product",), "stock", True, "client-months of clients who came through a door of schema.UNCONTROLLED_DOORS"),
    Tally("queue", ("counter", "queue_column"), "flow", False, "per access counter: length at month end, arrivals, served"),
    Tally("population", ("population",), "stock", False, "persons per age group and households at month end"),
    Tally("demography", ("demographic_event",), "flow", False, "births, deaths, ageing between groups, moves out and in"),
    Tally("started", ("product", "door"), "flow", False, "provisions started (trajectories as CBS counts them) by door"),
    Tally("waits", ("domain", "wait_kind", "wait_week"), "flow", False, "intakes and admissions by whole weeks waited"),
)
TALLY = {t.name: i for i, t in enumerate(TALLIES)}
X_EVENTS, X_OCCUPANCY, X_BILLED, X_ADMITTED = TALLY["events"], TALLY["occupancy"], TALLY["billed"], TALLY["admitted"]
X_RESOLVED, X_STOCK, X_EXITS, X_HOUSE = TALLY["resolved"], TALLY["stock"], TALLY["exits"], TALLY["house"]
X_GENERAL, X_SHIFTED, X_UNCONTROLLED, X_QUEUE = TALLY["general"], TALLY["shifted"], TALLY["uncontrolled"], TALLY["queue"]
X_POPULATION, X_DEMOGRAPHY = TALLY["population"], TALLY["demography"]
X_STARTED, X_WAITS = TALLY["started"], TALLY["waits"]
X_PROVISIONS, X_PERSONS, X_ENDED = TALLY["provisions"], TALLY["persons"], TALLY["ended"]
X_ENDED_MONTHS, X_ENDED_BANDS, X_COPAY = TALLY["ended_months"], TALLY["ended_bands"], TALLY["copay"]
X_COMMISSIONED, X_INHERITED, X_RESOLVED_INHERITED = TALLY["commissioned"], TALLY["inherited"], TALLY["resolved_inherited"]


def tally_shapes(n_providers: int, n_counters: int) -> tuple[tuple[int, ...], ...]:
    """The shape of every tally for a municipality with these providers and access counters."""
    sizes = AXIS_SIZES | {"provider": n_providers, "counter": n_counters}
    return tuple(tuple(sizes[axis] for axis in t.axes) for t in TALLIES)


def tally_layout(n_providers: int, n_counters: int) -> np.ndarray:
    """Offsets of the tallies in the count vector: tally x occupies ``[layout[x], layout[x + 1])``."""
    sizes = [int(np.prod(shape)) for shape in tally_shapes(n_providers, n_counters)]
    return np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)


def carried_ranges(layout: np.ndarray) -> np.ndarray:
    """The [start, end) ranges of the count vector that a sleeping household carries (adjacent tallies merged)."""
    ranges: list[list[int]] = []
    for x, tally in enumerate(TALLIES):
        if not tally.carried:
            continue
        if ranges and ranges[-1][1] == layout[x]:
            ranges[-1][1] = int(layout[x + 1])
        else:
            ranges.append([int(layout[x]), int(layout[x + 1])])
    return np.array(ranges, dtype=np.int64)


class Tallies:
    """Monthly counts of a run: ``counts[month, layout[x]:layout[x + 1]]`` is tally x, read by name.

    ``tallies.billed`` is a (months, providers, products) view; iterating yields every tally's view
    in the order of ``TALLIES``; ``tallies[a:b]`` is the same months' view of months a..b-1.
    """

    def __init__(self, counts: np.ndarray, n_providers: int, n_counters: int) -> None:
        self.counts = counts
        self.n_providers, self.n_counters = n_providers, n_counters
        self.layout = tally_layout(n_providers, n_counters)
        self._shapes = tally_shapes(n_providers, n_counters)

    @classmethod
    def zeros(cls, months: int, n_providers: int, n_counters: int) -> Tallies:
        """Zeroed tallies for ``months`` months (written now: first-touch page faults here, not in the kernels)."""
        size = int(tally_layout(n_providers, n_counters)[-1])
        return cls(np.full((months, size), 0, TALLY_DTYPE), n_providers, n_counters)

    def view(self, x: int) -> np.ndarray:
        """Tally ``x`` (an index into ``TALLIES``) as a (months, *axes) view."""
        block = self.counts[:, self.layout[x] : self.layout[x + 1]]
        return block.reshape(self.counts.shape[0], *self._shapes[x])

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name not in TALLY:
            raise AttributeError(name)
        return self.view(TALLY[name])

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self.view(x) for x in range(len(TALLIES)))

    def __getitem__(self, months: slice) -> Tallies:
        return Tallies(self.counts[months], self.n_providers, self.n_counters)

    def __len__(self) -> int:
        return self.counts.shape[0]

    def grown(self, extra_months: int) -> Tallies:
        """A copy with ``extra_months`` zeroed months appended."""
        extra = Tallies.zeros(extra_months, self.n_providers, self.n_counters)
        return Tallies(np.concatenate((self.counts, extra.counts)), self.n_providers, self.n_counters)


# --- flat indices into a count vector (numba) -----------------------------------------------
N_OFFSETS = len(TALLIES) + 1


@njit(cache=True, nogil=True, inline="always")
def offsets(layout: np.ndarray) -> tuple[int, ...]:
    """The layout as a tuple of integers: passing it around the kernels costs no reference counting, unlike an array."""
    return to_fixed_tuple(layout, N_OFFSETS)


@njit(cache=True, nogil=True, inline="always")
def event_at(off: tuple[int, ...], d: int, event: int) -> int:
    """Index of ``events[d, event]``."""
    return off[X_EVENTS] + d * N_EVENTS + event


@njit(cache=True, nogil=True, inline="always")
def occupancy_at(off: tuple[int, ...], d: int, state: int, severity: int) -> int:
    """Index of ``occupancy[d, state, severity]``."""
    return off[X_OCCUPANCY] + (d * N_STATES + state) * N_SEVERITY + severity


@njit(cache=True, nogil=True, inline="always")
def care_at(off: tuple[int, ...], x: int, provider: int, product: int) -> int:
    """Index of ``tally[provider, product]`` of a (provider, product) tally ``x``."""
    return off[x] + provider * N_PRODUCTS + product


@njit(cache=True, nogil=True, inline="always")
def started_at(off: tuple[int, ...], product: int, door: int) -> int:
    """Index of ``started[product, door]``."""
    return off[X_STARTED] + product * N_DOORS + door


@njit(cache=True, nogil=True, inline="always")
def persons_at(off: tuple[int, ...], product: int, holding: int) -> int:
    """Index of ``persons[product, holding]``."""
    return off[X_PERSONS] + product * N_HOLDINGS + holding


@njit(cache=True, nogil=True, inline="always")
def wait_at(off: tuple[int, ...], d: int, kind: int, days: int) -> int:
    """Index of ``waits[d, kind, week]`` for a wait of ``days`` days (52 weeks or more in the last bin)."""
    return off[X_WAITS] + (d * len(WAIT_KINDS) + kind) * WAIT_WEEKS + min(days // 7, WAIT_WEEKS - 1)


@njit(cache=True, nogil=True, inline="always")
def queue_at(off: tuple[int, ...], counter: int, column: int) -> int:
    """Index of ``queue[counter, column]`` (``Q_LENGTH``, ``Q_ARRIVALS``, ``Q_SERVED``)."""
    return off[X_QUEUE] + counter * len(QUEUE_COLUMNS) + column


@njit(cache=True, nogil=True, inline="always")
def at(off: tuple[int, ...], x: int, i: int) -> int:
    """Index of element ``i`` of tally ``x`` (flat within the tally)."""
    return off[x] + i


@njit(cache=True, nogil=True)
def add_into(total: np.ndarray, part: np.ndarray) -> None:
    """Add the count vector ``part`` into ``total`` (numpy's += on views allocates in numba)."""
    for i in range(total.shape[0]):
        total[i] += part[i]


@njit(cache=True, nogil=True, inline="always")
def add_ranges(total: np.ndarray, part: np.ndarray, ranges: np.ndarray) -> None:
    """Add ``part`` into ``total`` over the [start, end) ``ranges`` only (the carried tallies)."""
    for r in range(ranges.shape[0]):
        for i in range(ranges[r, 0], ranges[r, 1]):
            total[i] += part[i]


@njit(cache=True, nogil=True, inline="always")
def zero_ranges(vector: np.ndarray, ranges: np.ndarray) -> None:
    """Set ``vector`` to 0 over the [start, end) ``ranges`` only."""
    for r in range(ranges.shape[0]):
        for i in range(ranges[r, 0], ranges[r, 1]):
            vector[i] = 0
