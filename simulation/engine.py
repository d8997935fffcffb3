"""The engine: allocates arrays, advances the population month by month, keeps the tallies.

``Engine`` is the fast path used by the Monte Carlo runner and wrapped by the Mesa model. One
engine is one replicate of one scenario; its key (``rng.stream_key(seed, replicate)``) fixes
every draw, so two engines with the same key and different parameters meet the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sdsim.simulation.compiled import CompiledScenario, compile_scenario
from sdsim.simulation.inputs import Rates, S, Structure
from sdsim.simulation.kernels import Scratch, advance, demography_tables, schedule_all
from sdsim.simulation.ledger import Ledger, book
from sdsim.simulation.parameters import Parameters, with_trends
from sdsim.simulation.population import Households, population_counts, synthesize
from sdsim.simulation.profile import Profile
from sdsim.simulation.rng import stream_key
from sdsim.simulation.schema import CARE, COMPANION, N_DOMAINS, TALLY_DTYPE
from sdsim.simulation.tallies import Tallies, carried_ranges, tally_layout


def held_cost(households: Households, weight: np.ndarray) -> float:
    """Start-year euros a month of the provisions held by the households in care, at ``weight`` per provision of each product."""
    care = households.state == CARE
    p, companion = households.product[care], COMPANION[households.product[care]]
    companions = np.where(companion >= 0, weight[companion] * households.companions[care], 0.0)
    return float((weight[p] * households.persons[care] + companions).sum())


PAYMENT_MODEL = "lever.payment.model"
REFERENCE_MONTHS = 36  # months over which today's cost of a trajectory is measured (a ratio of sums: longer, less biased)
PRIOR_MONTHS = 120  # burn-in months kept for the instalments of trajectories begun before the start year (the longest paid)
CHUNK = 16_384  # households per chunk; boundaries are fixed, so results do not depend on threads
SPARE = 0.05  # rows beyond the most households the population path implies (relative), for chance


def spare_rows(households: int, structure: Structure, rates: Rates) -> int:
    """Rows for ``households`` households following the population path: its largest total over the start's, plus ``SPARE``.

    Households are assumed to grow as persons do; an arrival that finds no vacant row is counted
    (``demography.arrivals_refused``), which the tests keep at 0. Without moves or steering no
    household can arrive: no spare rows.
    """
    if rates.scalars[S["demography.steer"]] == 0 and rates.scalars[S["demography.departure"]] == 0:
        return households
    totals = structure.population_target.sum(axis=1)
    growth = max(1.0, float(totals.max() / totals[0])) if totals[0] > 0 else 1.0
    return int(np.ceil(households * growth * (1.0 + SPARE))) + 64


def chunk_bounds(n: int, chunk: int = CHUNK) -> np.ndarray:
    """Fixed chunk boundaries [0, chunk, 2*chunk, ..., n]."""
    return np.append(np.arange(0, n, chunk, dtype=np.int64), np.int64(n)) if n else np.zeros(1, np.int64)


def _scratch(households: Households, bounds: np.ndarray, n_providers: int, n_counters: int) -> Scratch:
    chunks = bounds.size - 1
    layout = tally_layout(n_providers, n_counters)
    vacant = ~households.occupied
    vacant_rows = np.flatnonzero(vacant).astype(np.int32)
    free = np.zeros(households.size, np.int32)
    free[: vacant_rows.size] = vacant_rows[::-1]  # the lowest rows are taken first
    return Scratch(
        layout=layout,
        carried=carried_ranges(layout),
        counts=np.zeros((chunks, layout[-1]), TALLY_DTYPE),
        asleep=np.zeros((chunks, layout[-1]), TALLY_DTYPE),
        fell_asleep=np.zeros((chunks, layout[-1]), TALLY_DTYPE),
        sleepers=np.zeros(chunks, TALLY_DTYPE),
        pending=np.zeros((chunks, 2), TALLY_DTYPE),
        waiting=np.zeros((chunks, CHUNK * N_DOMAINS), np.int32),
        awake=np.zeros((chunks, CHUNK), np.uint32),  # unsigned: indexing needs no negative-index check
        vacant=np.array([np.count_nonzero(vacant[bounds[c] : bounds[c + 1]]) for c in range(chunks)], TALLY_DTYPE),
        vacated=np.zeros((chunks, CHUNK), np.int32),
        n_vacated=np.zeros(chunks, TALLY_DTYPE),
        free=free,
        n_free=np.array([vacant_rows.size], TALLY_DTYPE),
        population=population_counts(households),
        demography=np.zeros(8),
        intake=np.full(households.size, np.iinfo(np.int32).min, np.int32),  # no intake yet
    )


@dataclass
class Engine:
    """One replicate of one scenario on one municipality.

    Args:
        profile: the municipality.
        params: behavioural parameters.
        seed: the run's seed.
        replicate: replicate number; (seed, replicate) is the random-number key.
        households: an initial population, advanced in place (default: synthesized from the profile with
            this key); its scheduled events are drawn anew with this key.
        horizon_months: months after burn-in to keep tallies for (more can be stepped; tallies grow).
        timeline: (month from 1 January of the start year, a January, the parameters from then on): policy that
            changes within the run (``_switch``). Onset trends (``trend.*``) add every January
            (``parameters.with_trends``).
    """

    profile: Profile
    params: Parameters
    seed: int = 0
    replicate: int = 0
    households: Households | None = None
    horizon_months: int = 120
    timeline: tuple[tuple[int, Parameters], ...] = ()

    def __post_init__(self) -> None:
        self.key = np.uint64(stream_key(self.seed, self.replicate))
        # the onsets' yearly trends: each January the onsets of the parameters then in force, trended (no new prices or segment)
        self.trends = with_trends(self.params, self.timeline, self.horizon_months)
        self._trended_at = 0
        self.compiled: CompiledScenario = compile_scenario(self.profile, self.params)  # every lever applied once; the ledger books with it
        self.segments: list[tuple[int, CompiledScenario]] = []  # (first recorded month, the scenario compiled for it): the timeline
        if self.compiled.prices_trajectories:
            self.compiled = self.compiled.priced(*self._todays_trajectories(None if self.households is None else self.households.copy()))
        self.policy_profile: Profile = self.compiled.profile  # the municipality as the levers make it
        self.rates: Rates = self.compiled.rates
        self.structure: Structure = self.compiled.structure
        if self.households is None:
            rows = spare_rows(self.profile.households, self.structure, self.rates)
            self.households = synthesize(self.profile.households, int(self.key), self.structure, rows)
        self.bounds = chunk_bounds(self.households.size)
        self.burn_in = 12 * self.profile.burn_in_years
        self.month = -self.burn_in  # month 0 = January of profile.start_year
        self.stay = demography_tables(self.rates)
        schedule_all(self.households, self.rates, self.stay, self.key, self.month)  # next onsets, demography, care ends
        self._n_counters = self.structure.counter_capacity.size
        self._scratch = _scratch(self.households, self.bounds, self.policy_profile.n_providers, self._n_counters)  # the
        # year's demographic rates are set by ``advance`` in January, where every run starts (month -12 x burn-in or 0)
        self.tallies = Tallies.zeros(self.horizon_months, self.policy_profile.n_providers, self._n_counters)
        self._burn = Tallies.zeros(1, self.policy_profile.n_providers, self._n_counters)
        prior = min(PRIOR_MONTHS, self.burn_in) if self.compiled.prices_trajectories else 0  # the starts still paying instalments
        self._prior = Tallies.zeros(prior, self.policy_profile.n_providers, self._n_counters)
        self.months_done = 0  # months recorded in ``tallies``

    def step(self) -> None:
        """Advance one month; record it unless it is a burn-in month."""
        if self.month < 0:
            self._burn_in(1)
        else:
            if self.months_done == 0:
                self._open_start_year()
            self._follow_timeline()
            if self.months_done == len(self.tallies):
                self._grow()
            args = (self.households, self.rates, self.structure, self._scratch, self.stay, self.bounds, self.key, self.month, 1)
            advance(*args, self.tallies.counts, self.months_done, False)
            self.months_done += 1
        self.month += 1

    def run(self, months: int | None = None) -> Tallies:
        """Run the burn-in and ``months`` recorded months (default: the horizon); return the tallies.

        The same months as calling ``step`` repeatedly, in one call into the compiled kernels.
        """
        months = self.horizon_months if months is None else months
        if self.month < 0:
            self._burn_in(-self.month)
        if self.months_done == 0:
            self._open_start_year()
        end = self.months_done + months
        while self.months_done + months > len(self.tallies):
            self._grow()
        while self.months_done < end:  # recorded months: month == months_done
            self._follow_timeline()
            n = min([end, *(m for m, _ in (*self.timeline, *self.trends) if m > self.month)]) - self.month
            args = (self.households, self.rates, self.structure, self._scratch, self.stay, self.bounds, self.key)
            advance(*args, self.month, n, self.tallies.counts, self.months_done, False)
            self.month += n
            self.months_done += n
        return self.recorded()

    def ledger(self) -> Ledger:
        """The euros of the recorded months: each stretch of the timeline booked with the scenario compiled for it."""
        ends = [m for m, _ in self.segments[1:]] + [self.months_done]
        parts = [book(self.recorded()[a:b], compiled, first_month=a) for (a, compiled), b in zip(self.segments, ends, strict=True)]
        return Ledger(*(np.concatenate(columns) for columns in zip(*parts, strict=True))) if len(parts) > 1 else parts[0]

    def _follow_timeline(self) -> None:
        """Switch to the timeline's parameters of this month, if it has any; then its onsets' trend, if any."""
        for month, params in self.timeline:
            if month == self.month and self.segments[-1][0] != month:
                self._switch(params)
        for month, params in self.trends:
            if month == self.month and self._trended_at != month:
                self._trended_at = month
                self._redraw(compile_scenario(self.profile, params).rates)

    def _redraw(self, rates: Rates) -> None:
        """From this month on, ``rates``: if they differ, every household's next events are drawn anew."""
        if all(np.array_equal(a, b) for a, b in zip(self.rates, rates, strict=True)):
            return
        self.rates = rates
        self.stay = demography_tables(self.rates)
        schedule_all(self.households, self.rates, self.stay, self.key, self.month)
        self._scratch = _scratch(self.households, self.bounds, self.policy_profile.n_providers, self._n_counters)

    def _switch(self, params: Parameters) -> None:
        """From this month (a January) on, ``params``: rates, prices and levers compiled anew.

        The municipality's teams and contracts stay (households in care keep their provider), so a
        timeline may not change them, nor pay per trajectory (whose instalments span the switch).
        When the behavioural rates change, every household's next events are drawn anew from this
        month (care ends given the months in care, as at a start from a caseload).
        """
        compiled = compile_scenario(self.profile, params)
        if compiled.profile != self.compiled.profile or compiled.prices_trajectories or self.compiled.prices_trajectories:
            raise ValueError(
                f"month {self.month}: a timeline changes behaviour and prices, not the teams or contracts, nor pays per trajectory"
            )
        compiled.structure.budget_cap[0] = self.structure.budget_cap[0]  # a budget set at the start holds
        self.params, self.compiled, self.structure = params, compiled, compiled.structure
        self.segments.append((self.month, compiled))
        self._redraw(compiled.rates)

    def _todays_trajectories(self, start: Households | None) -> tuple[np.ndarray, np.ndarray]:
        """Today's months in care per provision and probability that it ends resolved, per product, as contracts price them.

        Measured over the first three years of a reference run: this replicate (from ``start``, or
        its own burn-in) with every contract on p x q, so under today's behaviour. The months are
        those of the provisions that ended (companions on their own product included) and the
        probability is resolved over ended: what a municipality sees in its accounts. A product
        with none ended then keeps the law's expectation (``CompiledScenario.expected_terms``).
        """
        today = self.params.replace({PAYMENT_MODEL: 0.0})
        reference = Engine(self.profile, today, self.seed, self.replicate, households=start, horizon_months=REFERENCE_MONTHS).run()
        ended, resolved = reference.ended.sum(axis=0), reference.resolved.sum(axis=(0, 1))
        months, resolved_share = self.compiled.expected_terms
        some = ended > 0
        months = np.where(some, reference.ended_months.sum(axis=0) / np.maximum(ended, 1), months)
        return months, np.where(some, resolved / np.maximum(ended, 1), resolved_share)

    def _burn_in(self, months: int) -> None:
        """Advance ``months`` burn-in months; the last ``PRIOR_MONTHS`` are kept when contracts pay per start (instalments)."""
        args = (self.households, self.rates, self.structure, self._scratch, self.stay, self.bounds, self.key)
        kept = len(self._prior)
        unkept = min(months, max(0, -self.month - kept))
        if unkept:
            advance(*args, self.month, unkept, self._burn.counts, 0, True)
            self.month += unkept
        if months > unkept:
            advance(*args, self.month, months - unkept, self._prior.counts, self.month + kept, False)
            self.month += months - unkept

    def _open_start_year(self) -> None:
        """As the start year opens: the starts of the burn-in still paying instalments, and the care budget (L5).

        The budget is its cut of what the provisions held to it cost now, or its ceiling.
        """
        if len(self._prior):
            self.compiled = self.compiled._replace(prior_starts=self._prior.commissioned)
        self.segments = [(0, self.compiled)]
        cut, ceiling = self.rates.budget
        if cut > 0:
            ceiling = min(ceiling, (1.0 - cut) * held_cost(self.households, self.structure.budget_weight))
        self.structure.budget_cap[0] = ceiling

    def recorded(self) -> Tallies:
        """Tallies of the recorded months so far (views)."""
        return self.tallies[: self.months_done]

    def last_month(self) -> Tallies:
        """Tallies of the month just stepped (burn-in months included), as a one-row view."""
        if self.month <= 0:
            return self._burn
        return self.tallies[self.months_done - 1 : self.months_done]

    def _grow(self) -> None:
        self.tallies = self.tallies.grown(max(12, len(self.tallies)))
