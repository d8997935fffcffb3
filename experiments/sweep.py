"""Sweeps: scenarios x a parameter design x replicates, reduced per task to yearly metrics.

A sweep file::

    name = "hbh-share"
    scenarios = ["baseline.toml"]          # relative to this file, or to scenarios/
    replicates = 4
    seed = 0
    years = 5
    metrics = ["spending.total"]           # optional (default: SUMMARY_METRICS, the series of DEFAULT_METRICS)
    chunk_size = 64                        # tasks per stored chunk (optional)
    burn_in = "row"                        # or "shared" (optional, see below)
    [design]                               # a full grid of parameter values (optional)
    "lever.shift.wmo_hbh.share" = [0.25, 0.5, 0.75]

Task ``(scenario s, design row j, replicate r)`` has id ``(s * rows + j) * replicates + r``. Its
random-number key is ``stream_key(seed, r)``: a function of the replicate only, so every design
row and scenario meets the same draws (common random numbers across the design), whatever worker
runs it. A task returns one value per (metric, year); chunks of consecutive tasks are the unit of
work and of storage (``experiments.store``).

Burn-in: with ``"row"`` every task burns in with its own parameter values (the design describes the
municipality's whole history). With ``"shared"`` the burn-in runs once per (scenario, replicate)
with the scenario's parameters and each design row starts from that state at the start year:
today's caseload is given, the design's values drive the forecast horizon. It is the forecasting
question, and it halves the work of a 5-year design.

Posterior (``sdsim sweep|sensitivity --posterior DIR``): replicate r takes row r mod n of the fit's
parameter draws (``scenarios.posterior``), the scenario's own changes and then the design row on
top, so every design row meets the same parameter draws as well as the same random numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sdsim.scenarios.files import MAX_REPLICATES, MAX_ROWS, MAX_SEED, MAX_TASKS, MAX_YEARS, flatten, show, whole_number
from sdsim.scenarios.loader import SCENARIO_DIR, Scenario, ScenarioError, check_name, load_scenario, read_toml
from sdsim.scenarios.posterior import ParameterDraws
from sdsim.simulation.indicators import DEFAULT_METRICS, parts, yearly
from sdsim.simulation.parameters import SHARE_GROUPS, ParameterError, check_shares, check_value

SWEEP_KEYS = {"name", "scenarios", "replicates", "seed", "years", "metrics", "chunk_size", "design", "burn_in"}
BURN_IN = ("row", "shared")
SUMMARY_METRICS = parts(DEFAULT_METRICS)  # what a sweep stores by default: the series the default metrics follow from


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: what to run and how to reduce it."""

    name: str
    scenarios: tuple[Scenario, ...]
    rows: tuple[dict[str, float], ...]  # the parameter design (changes on top of each scenario)
    replicates: int
    seed: int = 0
    years: int = 5
    metrics: tuple[str, ...] = SUMMARY_METRICS
    chunk_size: int = 64
    path: Path | None = None
    extra: dict = field(default_factory=dict)  # recorded with the design (e.g. the sensitivity problem)
    burn_in: str = "row"  # or "shared" (see the module docstring)
    draws: ParameterDraws | None = None  # a posterior: replicate r runs its row r mod n (see the module docstring)

    @property
    def n_tasks(self) -> int:
        """Number of tasks (scenarios x rows x replicates)."""
        return len(self.scenarios) * len(self.rows) * self.replicates

    @property
    def n_chunks(self) -> int:
        """Number of chunks of ``chunk_size`` consecutive tasks."""
        return -(-self.n_tasks // self.chunk_size)

    @property
    def start_year(self) -> int:
        """The first calendar year of the outputs (every scenario of a sweep shares it)."""
        return self.scenarios[0].profile.start_year

    @property
    def design_names(self) -> tuple[str, ...]:
        """The parameters the design sets (a column each in the store)."""
        return tuple(sorted({name for row in self.rows for name in row}))

    @property
    def columns(self) -> tuple[str, ...]:
        """Output columns: ``metric@year`` with calendar years (``spending.total@2026``)."""
        return tuple(f"{m}@{self.start_year + y}" for m in self.metrics for y in range(self.years))

    def task(self, task_id: int) -> tuple[int, int, int]:
        """(scenario, design row, replicate) of a task id."""
        rest, replicate = divmod(task_id, self.replicates)
        scenario, row = divmod(rest, len(self.rows))
        return scenario, row, replicate

    def describe(self) -> dict[str, object]:
        """The design, seeds and composition, recorded in the store."""
        return {
            "name": self.name,
            "scenarios": [s.composition() for s in self.scenarios],
            "design": [dict(row) for row in self.rows],
            "replicates": self.replicates,
            "seed": self.seed,
            "keys": "task (s, j, r) uses stream_key(seed, r): common random numbers across scenarios and design rows",
            "years": self.years,
            "metrics": list(self.metrics),
            "chunk_size": self.chunk_size,
            "burn_in": self.burn_in,
            "n_tasks": self.n_tasks,
            **self.extra,
        } | ({"posterior": self.draws.provenance()} if self.draws is not None else {})


def run_task(sweep: Sweep, task_id: int) -> np.ndarray:
    """Run one task and reduce it to one value per output column (calendar-year aggregates)."""
    from sdsim.experiments.runner import run_replicate

    s, j, r = sweep.task(task_id)
    scenario = sweep.scenarios[s] if sweep.draws is None else sweep.draws.scenario(sweep.scenarios[s], r)
    start = scenario if sweep.burn_in == "shared" else None
    monthly = run_replicate(scenario, sweep.seed, r, sweep.years, start, scenario.params.replace(sweep.rows[j]))
    per_year = yearly({m: monthly[m] for m in sweep.metrics})
    return np.concatenate([np.asarray(per_year[m], dtype=np.float64) for m in sweep.metrics])


def run_chunk(sweep: Sweep, chunk: int) -> dict[str, np.ndarray]:
    """Run the tasks of one chunk; return its columns.

    ``task``, ``scenario`` (its name), ``row`` (of the design), ``replicate``, one column per design
    parameter with the row's value, then the outputs ``metric@year``.
    """
    import numba

    numba.set_num_threads(1)  # a worker per core already fills the machine; results do not depend on threads
    first = chunk * sweep.chunk_size
    ids = np.arange(first, min(first + sweep.chunk_size, sweep.n_tasks), dtype=np.int64)
    values = np.stack([run_task(sweep, int(t)) for t in ids])
    where = np.array([sweep.task(int(t)) for t in ids], dtype=np.int64).reshape(-1, 3)
    names = np.array([s.name for s in sweep.scenarios])
    out = {"task": ids, "scenario": names[where[:, 0]], "row": where[:, 1], "replicate": where[:, 2]}
    out.update({p: np.array([sweep.rows[j].get(p, np.nan) for j in where[:, 1]], dtype=np.float64) for p in sweep.design_names})
    out.update({name: values[:, i] for i, name in enumerate(sweep.columns)})
    return out


def grid(design: dict[str, Sequence[float]]) -> tuple[dict[str, float], ...]:
    """All combinations of the design's value lists (one empty row for an empty design)."""
    names = sorted(design)
    return tuple(dict(zip(names, values, strict=True)) for values in itertools.product(*(design[n] for n in names)))


_SHARES = frozenset(name for names, _ in SHARE_GROUPS for name in names)


def _int(path: Path, data: dict, key: str, default: int, low: int, high: int) -> int:
    return whole_number(path, key, data.get(key, default), low, high)


def check_rows(path: Path | str, rows: Sequence[dict[str, float]], scenarios: Sequence[Scenario] = (), key: str = "design") -> None:
    """Every design value must be a registered parameter within its bounds, and every row consistent with every scenario.

    Consistent: shares that must sum to 1 still do with the row's values on top of each scenario's.
    """
    for number, row in enumerate(rows):
        for name, value in row.items():
            try:
                check_value(name, value)
            except ParameterError as err:
                raise ScenarioError(path, f"{key}.{err.key}", err.message) from None
        if not _SHARES.intersection(row):
            continue
        for scenario in scenarios:
            try:
                check_shares({**scenario.params, **row})
            except ParameterError as err:
                raise ScenarioError(path, f"{key}.{err.key}", f"{err.message} (design row {number}, scenario {scenario.name})") from None


def load_sweep(path: Path | str) -> Sweep:
    """Read and validate a sweep file; raise ``ScenarioError`` naming the file and key if wrong."""
    path = Path(path)
    data = read_toml(path)
    unknown = sorted(set(data) - SWEEP_KEYS)
    if unknown:
        raise ScenarioError(path, unknown[0], f"unknown key; allowed: {', '.join(sorted(SWEEP_KEYS))}")
    names = data.get("scenarios")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise ScenarioError(path, "scenarios", 'expected a list of one or more scenario files, e.g. scenarios = ["baseline.toml"]')
    scenarios = tuple(load_scenario(_find(path, n)) for n in names)
    seen: dict[str, str] = {}
    for file, scenario in zip(names, scenarios, strict=True):
        if scenario.profile.start_year != scenarios[0].profile.start_year:
            raise ScenarioError(path, "scenarios", f"{file} starts in another year than {names[0]}; the store's columns are calendar years")
        if scenario.name in seen:
            raise ScenarioError(path, "scenarios", f"{file} and {seen[scenario.name]} are both named {scenario.name!r}; names must differ")
        seen[scenario.name] = file
    design = data.get("design", {})
    if not isinstance(design, dict):
        raise ScenarioError(path, "design", "expected a table of parameter = [values, ...]")
    design = flatten(path, design, "design")
    size = 1
    for name, values in design.items():
        if not isinstance(values, list) or not values:
            raise ScenarioError(path, f"design.{name}", f"expected a list of one or more values, got {show(values)}")
        size *= len(values)
    replicates = _int(path, data, "replicates", 1, 1, MAX_REPLICATES)
    if size > MAX_ROWS:
        raise ScenarioError(path, "design", f"a grid of {size} rows; at most {MAX_ROWS:,}")
    if size * replicates * len(scenarios) > MAX_TASKS:
        tasks = f"{size} rows x {replicates} replicates x {len(scenarios)} scenarios"
        raise ScenarioError(path, "design", f"{tasks} exceed {MAX_TASKS:,} tasks")
    rows = grid(design)
    check_rows(path, rows, scenarios)
    burn_in = data.get("burn_in", "row")
    if burn_in not in BURN_IN:
        raise ScenarioError(path, "burn_in", f"expected one of {', '.join(BURN_IN)}, got {show(burn_in)}")
    check_shared_burn_in(path, scenarios, rows, burn_in)
    metrics = data.get("metrics", list(SUMMARY_METRICS))
    from sdsim.simulation.indicators import metric_kind, metric_names

    if not isinstance(metrics, list) or not metrics:
        raise ScenarioError(path, "metrics", "expected a list of metric names")
    known = metric_names()
    for m in metrics:
        if not isinstance(m, str) or m not in known or metric_kind(m) == "ratio":
            message = "expected a stock or flow metric (see summary.json; for ratios sweep both parts)"
            raise ScenarioError(path, "metrics", f"{show(m)}: {message}")
    if len(set(metrics)) < len(metrics):
        raise ScenarioError(path, "metrics", "a metric is listed twice")
    return Sweep(
        name=check_name(path, "name", data.get("name", path.stem)),
        scenarios=scenarios,
        rows=rows,
        replicates=replicates,
        seed=_int(path, data, "seed", 0, 0, MAX_SEED),
        years=_int(path, data, "years", 5, 1, MAX_YEARS),
        metrics=tuple(metrics),
        chunk_size=_int(path, data, "chunk_size", 64, 1, 100_000),
        path=path,
        burn_in=burn_in,
    )


def check_shared_burn_in(path: Path | str, scenarios: Sequence[Scenario], rows: Sequence[dict[str, float]], burn_in: str) -> None:
    """A shared burn-in keeps the households' providers: no design row may change them (``runner.shared_start_problem``).

    The error names the first parameter of a refused row that changes them on its own (else the row's first).
    """
    if burn_in != "shared":
        return
    from sdsim.experiments.runner import shared_start_problem

    for scenario in scenarios:
        for row in rows:
            problem = shared_start_problem(scenario, scenario.profile, scenario.params.replace(row))
            if problem:
                alone = [n for n in sorted(row) if shared_start_problem(scenario, scenario.profile, scenario.params.replace({n: row[n]}))]
                raise ScenarioError(path, f"design.{(alone or sorted(row))[0]}", f'{problem}; use burn_in = "row" for it')


def _find(path: Path, name: str) -> Path:
    """A sweep's scenario: beside the sweep file, else among the package's scenarios; reported against the sweep file."""
    for candidate in (path.parent / name, SCENARIO_DIR / name):
        if candidate.is_file():
            return candidate
    raise ScenarioError(path, "scenarios", f"{name}: file not found beside the sweep file or among the package's scenarios")
