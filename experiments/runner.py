"""Monte Carlo replicates of a scenario, in parallel processes, reproducible by (seed, replicate).

A replicate's random-number key is ``stream_key(seed, replicate)``: it does not depend on which
worker runs it or how many there are, and two scenarios run with the same seed meet the same
draws (common random numbers).
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
from sdsim.scenarios.loader import Scenario
from sdsim.scenarios.posterior import ParameterDraws
from sdsim.simulation.caseload import Band, apply_caseload
from sdsim.simulation.compiled import compile_scenario, policy_profile
from sdsim.simulation.engine import Engine
from sdsim.simulation.indicators import monthly_indicators, yearly
from sdsim.simulation.parameters import Parameters
from sdsim.simulation.population import Households
from sdsim.simulation.profile import Profile
from sdsim.simulation.rng import stream_key


@dataclass(frozen=True)
class MonteCarloResult:
    """Monthly metrics of every replicate: ``values[replicate, metric, month]``."""

    scenario: Scenario
    seed: int
    years: int
    metrics: tuple[str, ...]
    values: np.ndarray

    def series(self, metric: str) -> np.ndarray:
        """(replicates, months) array of one metric."""
        return self.values[:, self.metrics.index(metric), :]

    def since(self, year: int) -> MonteCarloResult:
        """The result from 1 January of ``year`` on: a forecast that starts after its profile's start year.

        The months before are dropped and the scenario's profile relabelled to start in ``year``.
        """
        skip = year - self.scenario.profile.start_year
        if skip == 0:
            return self
        scenario = dataclasses.replace(self.scenario, profile=self.scenario.profile.model_copy(update={"start_year": year}))
        return dataclasses.replace(self, scenario=scenario, years=self.years - skip, values=self.values[:, :, 12 * skip :])

    @functools.cached_property
    def per_year(self) -> dict[str, np.ndarray]:
        """``{metric: (replicates, years)}`` calendar-year values (computed once)."""
        return yearly({m: self.values[:, i, :] for i, m in enumerate(self.metrics)})


_BURNED_IN: dict[tuple[str, int, int], Households] = {}  # per process: a few states, reused by many runs


def burned_in(scenario: Scenario, seed: int, replicate: int) -> Households:
    """The households of (scenario, replicate) at the start year, after a burn-in with the scenario's parameters."""
    key = (scenario.sha256, seed, replicate)
    if key not in _BURNED_IN:
        if len(_BURNED_IN) >= 32:
            _BURNED_IN.pop(next(iter(_BURNED_IN)))
        engine = Engine(scenario.profile, scenario.params, seed=seed, replicate=replicate, horizon_months=0)
        engine.run(0)
        _BURNED_IN[key] = engine.households
    return _BURNED_IN[key]


def _contracts(profile: Profile) -> list[tuple[str, int]]:
    """The provider groups and their number of contracts: what a household in care points at."""
    return [(g.name, g.count) for g in profile.providers]


_START_CONTRACTS: dict[str, list[tuple[str, int]]] = {}  # per process, by scenario hash


def _start_contracts(start: Scenario) -> list[tuple[str, int]]:
    """The contracts of ``start`` as its levers make them (once per start scenario and process)."""
    if start.sha256 not in _START_CONTRACTS:
        _START_CONTRACTS[start.sha256] = _contracts(policy_profile(start.profile, start.params))
    return _START_CONTRACTS[start.sha256]


def shared_start_problem(start: Scenario, profile: Profile, params: Parameters, adjusted: Profile | None = None) -> str | None:
    """Why a run of ``profile`` with ``params`` cannot start from ``start``'s burned-in households, or None if it can.

    The households keep their access team, GP practice and provider: the municipality must be the
    same, and so must the provider groups and their number of contracts as the levers make them
    (L8 changes them), or a household in care would point at a provider that does not exist.
    ``adjusted``: the run's lever-adjusted profile when it is compiled already.
    """
    if profile != start.profile:
        return f"has another municipality than {start.name}"
    if _contracts(policy_profile(profile, params) if adjusted is None else adjusted) != _start_contracts(start):
        return "changes the provider contracts"
    return None


def replicate_engine(
    profile: Profile,
    params: Parameters,
    seed: int,
    replicate: int,
    months: int,
    start: Scenario | None = None,
    caseload: Sequence[Band] | None = None,
    timeline: tuple[tuple[int, Parameters], ...] = (),
    state: int | None = None,
) -> Engine:
    """An engine for one replicate; with ``start``, it begins at the start year from ``start``'s burned-in state.

    Starting every scenario from the same state (a shared burn-in) means their differences begin at
    the start year: today's caseload is given and the changes act from then on. With ``caseload``
    that state is set to the municipality's own caseload first (``simulation.caseload``; the same
    draws for every scenario of the replicate). ``timeline``: parameters from a month on (``Engine``).
    ``state``: the replicate whose burned-in state to start from (default: this one).

    Raises:
        ValueError: ``start``'s households cannot run under ``profile`` and ``params`` (``shared_start_problem``).
    """
    if start is None:
        return Engine(profile, params, seed=seed, replicate=replicate, horizon_months=months, timeline=timeline)
    households = burned_in(start, seed, replicate if state is None else state)
    if caseload:
        structure = compile_scenario(start.profile, start.params).structure
        households = apply_caseload(households, caseload, structure, stream_key(seed, replicate))  # a copy
    else:
        households = households.copy()
    begin = profile.model_copy(update={"burn_in_years": 0})
    engine = Engine(begin, params, seed=seed, replicate=replicate, households=households, horizon_months=months, timeline=timeline)
    problem = shared_start_problem(start, profile, params, engine.policy_profile)  # checked before any month runs
    if problem:
        raise ValueError(f"cannot start from the burned-in state of {start.name}: the run {problem}")
    return engine


def run_replicate(
    scenario: Scenario,
    seed: int,
    replicate: int,
    years: int,
    start: Scenario | None = None,
    params: Parameters | None = None,
    caseload: Sequence[Band] | None = None,
    states: int | None = None,
    draws: ParameterDraws | None = None,
) -> dict[str, np.ndarray]:
    """Run one replicate and return its monthly indicators.

    ``start``: a shared burn-in (see ``replicate_engine``); ``params``: instead of the scenario's;
    ``caseload``: today's caseload on 1 January of the start year (from ``start``, or the scenario's own burn-in);
    ``states``: replicate r starts from the burned-in state of replicate r mod ``states`` (see ``run_scenarios``);
    ``draws``: a posterior, whose row for this replicate gives the parameters of the scenario and of ``start``.
    """
    if draws is not None:
        scenario, start = draws.scenario(scenario, replicate), start and draws.scenario(start, replicate)
    timeline = scenario.params_at(params)
    params = scenario.params if params is None else params
    start = scenario if caseload and start is None else start
    state = replicate % states if states else None
    engine = replicate_engine(scenario.profile, params, seed, replicate, 12 * years, start, caseload, timeline, state)
    return monthly_indicators(engine.run(), engine.ledger())


def _batch(
    scenario: Scenario,
    seed: int,
    replicates: Sequence[int],
    years: int,
    start: Scenario | None,
    caseload: Sequence[Band] | None,
    states: int | None,
    draws: ParameterDraws | None = None,
) -> list[tuple[int, dict[str, np.ndarray]]]:
    return [(r, run_replicate(scenario, seed, r, years, start, caseload=caseload, states=states, draws=draws)) for r in replicates]


PARENT_CHECK_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """End this worker as soon as its parent process is gone (also after ``kill -9`` of the parent).

    A daemon thread polls ``os.getppid()``: when the parent dies the worker is re-parented, the id
    changes, and the worker exits at once (``os._exit``: nothing of a dead run is worth flushing).
    On Linux the kernel is also asked to send SIGKILL when the parent exits (``PR_SET_PDEATHSIG``).
    """
    import threading
    import time

    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass  # the polling thread below still applies
    if os.getppid() != parent:  # the parent died before this worker started
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="sdsim-parent-watchdog", daemon=True).start()


def _one_thread_per_process(parent: int | None = None) -> None:
    """Worker start: one numba thread each (processes already fill the cores; results do not depend on threads).

    With ``parent`` (the id of the process that started the pool) the worker also ends with it.
    """
    import numba

    if parent is not None:
        _exit_with_parent(parent)
    numba.set_num_threads(1)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes, one numba thread each, that end when this process ends.

    "spawn" is explicit so the start method never depends on what another library (e.g. mesa's
    batch runner) set globally.
    """
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_one_thread_per_process, initargs=(os.getpid(),))


def default_workers() -> int:
    """Worker processes: all cores the process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_scenario(
    scenario: Scenario,
    replicates: int,
    seed: int = 0,
    years: int | None = None,
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
    draws: ParameterDraws | None = None,
) -> MonteCarloResult:
    """Run ``replicates`` replicates (0..R-1) of ``scenario``; ``workers`` > 1 uses processes.

    Args:
        scenario: a loaded scenario.
        replicates: number of replicates.
        seed: the run's seed.
        years: horizon in years (default: the scenario's).
        workers: processes (default: all cores; 1 runs in this process).
        on_done: called with the number of replicates just finished (progress bars).
        draws: a posterior: replicate r runs its row r mod n (``scenarios.posterior``).
    """
    return run_scenarios([scenario], replicates, seed, years, workers, on_done, draws=draws)[0]


def run_scenarios(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int = 0,
    years: int | None = None,
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
    shared_burn_in: bool = False,
    caseload: Sequence[Band] | None = None,
    states: int | None = None,
    draws: ParameterDraws | None = None,
) -> list[MonteCarloResult]:
    """Run replicates 0..R-1 of every scenario with the same seed (common random numbers), in one pool of processes.

    Arguments as in ``run_scenario``; ``years`` defaults to each scenario's own horizon. With
    ``shared_burn_in`` every scenario starts from the first scenario's state at the start year; with
    ``caseload`` too, set to today's caseload (``simulation.caseload``). ``states``: with a shared
    start, replicate r starts from the burned-in state of replicate r mod ``states`` (its own draws
    from there on): where the caseload gives today's care, fewer burn-ins describe the rest of the
    population (what was measured: ``sdsim forecast``). ``draws``: a posterior; replicate r of every scenario
    runs its row r mod n (``scenarios.posterior``).
    """
    start = scenarios[0] if shared_burn_in or caseload else None
    tasks = [(i, r) for i in range(len(scenarios)) for r in range(replicates)]
    workers = min(default_workers() if workers is None else workers, len(tasks))
    horizon = [scenario.years if years is None else years for scenario in scenarios]
    results: dict[tuple[int, int], dict[str, np.ndarray]] = {}
    if workers <= 1:
        for i, r in tasks:
            results[i, r] = run_replicate(scenarios[i], seed, r, horizon[i], start, caseload=caseload, states=states, draws=draws)
            if on_done:
                on_done(1)
    else:
        # Small batches keep the progress bar moving.
        size = max(1, min(8, replicates // (4 * workers)))
        with worker_pool(workers) as pool:
            futures = {
                pool.submit(
                    _batch,
                    scenarios[i],
                    seed,
                    list(range(first, min(first + size, replicates))),
                    horizon[i],
                    start,
                    caseload,
                    states,
                    draws,
                ): i
                for i in range(len(scenarios))
                for first in range(0, replicates, size)
            }
            for future in as_completed(futures):
                done = future.result()
                results.update({(futures[future], r): values for r, values in done})
                if on_done:
                    on_done(len(done))
    out = []
    for i, scenario in enumerate(scenarios):
        metrics = tuple(results[i, 0])
        values = np.stack([np.stack([results[i, r][m] for m in metrics]) for r in range(replicates)])
        out.append(MonteCarloResult(scenario=scenario, seed=seed, years=horizon[i], metrics=metrics, values=values))
    return out
