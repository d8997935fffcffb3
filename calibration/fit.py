"""Fitting the national model: a posterior of weighted parameter draws.

The simulator of one parameter set (``simulate``) runs the national scenario (``scenarios/nederland.toml``:
the 1:200 sample of 2014 with its policy timeline) from its burn-in to the last observed year and
returns each series' model value per year, in the published figures' units (counts times the
profile's ``weight``). Every evaluation uses the same random numbers (seed, replicate 0: common random
numbers), so the difference between two parameter sets is the parameters' doing, not the dice's. The
replicate noise that this fixes is put back as error: its covariance over ``NOISE_REPLICATES`` replicates
at the emulated posterior's mean after the first wave (a level shift per series and a part per figure:
``replicate_noise``), twice (the world's replicate less the fit's), is added to the figures' errors, so
the posterior is not narrower than one run can tell apart.

The method (``run_fit``): Bayesian history matching with an emulator (Vernon et al. 2010).

1. A space-filling design (scrambled Sobol) over the prior, in the prior's normal scores ``z`` (each
   parameter's prior CDF, then the standard normal quantile: the prior is N(0, I) in ``z``), is simulated.
2. A quadratic emulator per statistic (ridge least squares on the prior's probability scale) gives a smooth
   likelihood: the figure is normal around the emulated value with its stated error plus the model's own
   variance (the simulations' residual scatter, at least the replicate noise). Adaptive importance sampling
   on it gives the emulated posterior's mean and covariance.
3. Each later wave simulates draws from that posterior (widened), reports how far the emulator missed them,
   refits it on the simulations near the posterior and updates the posterior.
4. The posterior is the emulated one: weighted draws (importance sampling from a t proposal), no simulation
   each. The fit report then simulates posterior draws with their own random numbers and sets them against
   the figures: a check of the emulator as much as of the model.

Why an emulator and not the simulator's likelihood directly: a discrete stochastic model is rough in its
parameters even with common random numbers (a small change flips single events), so one simulation's
likelihood of 41 figures of 5-15 % error scatters by several log units, and importance weights or ABC
acceptances built on it degenerate. Two were tried: ABC-SMC (pyabc's stochastic acceptor, tempered) needed
300-600 simulations a generation with an effective sample size of 14 of 100 in its second of at least six
generations, over 20 minutes on 2 cores; importance sampling with simulated likelihoods kept 2 of 300 draws.
The emulator smooths what replicate noise the residual variance then accounts for. Simulations are mapped
over a local process pool or a Dask cluster in a fixed order, so one seed gives the same posterior on any
executor.

Parameters are fitted at their start-year values (2014); ``trend.*`` moves the onsets each year.
The parameter file written for other runs (``draws.csv``) gives the onsets at the last fit year's
level (``at_year``), so a run that starts later starts from the fitted level, not 2014's.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from sdsim.calibration.series import Observation, Series
from sdsim.calibration.targets import measure_value, unique_groups
from sdsim.experiments.runner import replicate_engine, worker_pool
from sdsim.experiments.sensitivity import Problem
from sdsim.scenarios.loader import Scenario
from sdsim.simulation.census import census_years
from sdsim.simulation.parameters import Parameters, trended

NOISE_REPLICATES = 16
WIDEN = 1.5  # the waves' and the final proposal's scale over the emulated posterior's (the final one a t, 5 degrees of freedom)
POSTERIOR_DRAWS = 20_000
MIN_ESS = 200
T_DOF = 5
FLOOR = 0.5  # a count the model gives as 0 is compared as half a household (the log of 0 is not a number)


def fit_series(observations: Iterable[Observation]) -> tuple[Series, ...]:
    """The series of ``observations``, each once, in order of appearance."""
    return tuple(dict.fromkeys(o.series for o in observations))


def simulate(scenario: Scenario, params: Parameters, seed: int, replicate: int, last_year: int,
             series: Sequence[Series]) -> dict[tuple[str, int], float]:  # fmt: skip
    """Each series' model value per calendar year, start year .. ``last_year``, in published units.

    Counts are the sample's times the profile's ``weight``; shares are as they are.
    """
    start = scenario.profile.start_year
    years = last_year - start + 1
    timeline = scenario.params_at(params)
    engine = replicate_engine(scenario.profile, params, seed, replicate, 12 * years, timeline=timeline)
    censuses = census_years(engine, years, unique_groups(s.measure for s in series))
    weight = scenario.profile.weight
    return {
        (s.key, start + y): measure_value(s.measure, c) * (weight if s.unit == "log" else 1.0)
        for s in series
        for y, c in enumerate(censuses)
    }


def statistic(obs: Observation, value: float) -> float:
    """A value on its series' scale: the log of a count, a share as it is."""
    return math.log(max(value, FLOOR)) if obs.series.unit == "log" else value


@dataclass(frozen=True)
class FitSetup:
    """What a fit needs: the scenario, the free parameters with their priors, the observations, the seed."""

    scenario: Scenario
    problem: Problem
    observations: tuple[Observation, ...]
    seed: int = 0

    @property
    def last_year(self) -> int:
        """The last year with an observation: the simulation runs to its end."""
        return max(o.year for o in self.observations)

    def params(self, values: Sequence[float]) -> Parameters:
        """The scenario's parameters with the free ones set to ``values``."""
        return self.scenario.params.replace(dict(zip(self.problem.names, map(float, values), strict=True)))

    def statistics(self, values: Sequence[float], replicate: int = 0) -> np.ndarray:
        """The observations' model statistics for one parameter set (``statistic`` of each)."""
        sim = simulate(self.scenario, self.params(values), self.seed, replicate, self.last_year, fit_series(self.observations))
        return np.array([statistic(o, sim[o.series.key, o.year]) for o in self.observations])

    def observed(self) -> np.ndarray:
        """The observations' statistics (``statistic`` of each published value)."""
        return np.array([statistic(o, o.value) for o in self.observations])


def replicate_noise(setup: FitSetup, runs: np.ndarray) -> np.ndarray:
    """The covariance of the statistics over replicates of one parameter set (``runs``: replicates x statistics).

    A replicate's population stays the same over the years, so its noise is mostly a level shift of a series
    in every year. Per series: the variance of the replicates' mean deviation over its figures (in every pair
    of its figures), plus each figure's own variance around that level (on the diagonal). Taken as independent
    per figure, the level shift would count as if averaged out over the years (a posterior too narrow, as the
    parameter-recovery test showed).
    """
    deviations = runs - runs.mean(axis=0)
    cov = np.zeros((runs.shape[1], runs.shape[1]))
    for series in fit_series(setup.observations):
        idx = [i for i, o in enumerate(setup.observations) if o.series == series]
        level = deviations[:, idx].mean(axis=1)
        cov[np.ix_(idx, idx)] += level.var(ddof=1)
        cov[idx, idx] += (deviations[:, idx] - level[:, None]).var(axis=0, ddof=1)
    return cov


def _prior(problem: Problem) -> list:
    """Each free parameter's prior as a frozen scipy distribution (``experiments.sensitivity`` forms)."""
    out = []
    for dist, b in zip(problem.dists, problem.bounds, strict=True):
        if dist == "unif":
            out.append(stats.uniform(b[0], b[1] - b[0]))
        elif dist == "triang":
            out.append(stats.triang(b[2], loc=b[0], scale=b[1] - b[0]))
        elif dist == "truncnorm":
            out.append(stats.truncnorm((b[0] - b[2]) / b[3], (b[1] - b[2]) / b[3], loc=b[2], scale=b[3]))
        elif dist == "norm":
            out.append(stats.norm(b[0], b[1]))
        else:  # lognorm: [mean, sd] of the log (SALib)
            out.append(stats.lognorm(b[1], scale=math.exp(b[0])))
    return out


def to_values(problem: Problem, z: np.ndarray) -> np.ndarray:
    """Parameter values of normal scores ``z`` (n, k): each prior's quantile of the standard normal CDF."""
    u = stats.norm.cdf(np.atleast_2d(z)).clip(1e-12, 1 - 1e-12)
    return np.column_stack([prior.ppf(u[:, j]) for j, prior in enumerate(_prior(problem))])


def _statistics_of(task: tuple[FitSetup, tuple[float, ...], int]) -> np.ndarray:
    setup, values, replicate = task
    return setup.statistics(values, replicate)


@contextmanager
def mapper(workers: int, dask_address: str | None = None) -> Iterator[Callable]:
    """A map over simulations that keeps their order: a Dask cluster, a local process pool, or this process."""
    if dask_address:
        from dask.distributed import Client

        with Client(dask_address) as client:
            yield lambda f, tasks: client.gather(client.map(f, list(tasks), pure=False))
    elif workers > 1:
        with worker_pool(workers) as pool:
            yield pool.map
    else:
        yield map


def _features(z: np.ndarray) -> np.ndarray:
    """Quadratic features on the prior's probability scale u = Phi(z) - 1/2: 1, u_i, u_i u_j (i <= j).

    On that scale a uniform prior's parameter is linear, and the model's statistics are smooth in it.
    """
    u = stats.norm.cdf(z) - 0.5
    i, j = np.triu_indices(z.shape[1])
    return np.column_stack([np.ones(len(u)), u, u[:, i] * u[:, j]])


@dataclass(frozen=True)
class Emulator:
    """A quadratic response surface per statistic, with its residual variance."""

    coef: np.ndarray  # (features, statistics)
    variance: np.ndarray  # (statistics,)

    @classmethod
    def fit(cls, z: np.ndarray, y: np.ndarray, ridge: float = 1e-3) -> Emulator:
        """Ridge least squares of ``y`` (n, statistics) on the quadratic features of ``z`` (n, k).

        The intercept is not penalised: shrinking it would pull every emulated log count towards 0 (a log
        count of 10 by 1 %), and the fit would push the parameters up to make up for it.
        """
        x = _features(z)
        penalty = ridge * len(z) * np.eye(x.shape[1])
        penalty[0, 0] = 0.0
        coef = np.linalg.solve(x.T @ x + penalty, x.T @ y)
        resid = y - x @ coef
        dof = max(len(z) - x.shape[1], 1)
        return cls(coef, (resid**2).sum(axis=0) / dof)

    def predict(self, z: np.ndarray) -> np.ndarray:
        """Emulated statistics at ``z`` (n, k)."""
        return _features(z) @ self.coef


def _quadratic(x: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """``x_i' P x_i`` for each row of ``x``: a Mahalanobis distance squared, or -2 x a normal log-likelihood."""
    x = np.atleast_2d(x)
    return np.einsum("ij,ij->i", x @ precision, x)


def _emulated(emulator: Emulator, observed: np.ndarray, errors: np.ndarray, noise: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """The emulated log-likelihood of normal scores.

    The covariance of the figures given the parameters is their stated errors, the emulator's variance (the
    simulations' scatter around the smooth surface, in sample and, after a wave, out of sample: the roughness that
    common random numbers leave, and lack of fit) and twice the replicate noise ``noise`` (``replicate_noise``): the
    figures are one replicate of the world, the fit runs another (replicate 0), and both deviate from the mean.
    """
    covariance = np.diag(errors + emulator.variance) + 2.0 * noise  # the world's replicate less the one the fit runs
    precision = np.linalg.inv(covariance)  # once: the likelihood is called for every proposal draw
    return lambda z: -0.5 * _quadratic(emulator.predict(z) - observed, precision)


def _weights(log_w: np.ndarray) -> np.ndarray:
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of normalized weights."""
    return float(1.0 / np.sum(weights**2))


def _hessian(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """Central-difference Hessian of a vectorized scalar function ``f`` (rows of points) at ``x``."""
    k = len(x)
    eye = step * np.eye(k)
    i, j = np.triu_indices(k)
    points = np.concatenate([x + eye[i] + eye[j], x + eye[i] - eye[j], x - eye[i] + eye[j], x - eye[i] - eye[j]])
    pp, pm, mp, mm = np.split(f(points), 4)
    h = np.zeros((k, k))
    h[i, j] = (pp - pm - mp + mm) / (4 * step**2)
    return h + np.triu(h, 1).T


def _proposal(loglik: Callable[[np.ndarray], np.ndarray], k: int, rng: np.random.Generator, starts: np.ndarray,
              draws: int = POSTERIOR_DRAWS, rounds: int = 5) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Mean and covariance of the posterior N(0, I) x exp(loglik): its mode and curvature, refined by importance sampling.

    The mode is found from the best of ``starts`` (BFGS); the covariance is the inverse Hessian there (eigenvalues
    clipped to [1e-6, 1]: never wider than the prior). Then, in ``rounds`` rounds of importance sampling from a t
    around it (population Monte Carlo, on the cheap emulated likelihood), the weighted draws' mean and covariance
    replace it while their effective sample size is at least ``MIN_ESS``.
    """

    def log_post(z: np.ndarray) -> np.ndarray:
        return loglik(z) + stats.norm.logpdf(z).sum(axis=1)

    start = starts[np.argmax(log_post(starts))]
    mode = optimize.minimize(lambda x: -log_post(x[None])[0], start, method="BFGS").x
    values, vectors = np.linalg.eigh(-_hessian(log_post, mode))
    cov = (vectors / np.clip(values, 1.0, 1e6)) @ vectors.T
    mean = mode
    for _ in range(rounds):
        proposal = stats.multivariate_t(mean, WIDEN**2 * cov, df=T_DOF)
        z = proposal.rvs(size=draws, random_state=rng)
        w = _weights(log_post(z) - proposal.logpdf(z))
        if effective_size(w) < MIN_ESS:
            break
        mean = w @ z
        cov = np.cov(z.T, aweights=w, ddof=0).reshape(k, k) + 1e-9 * np.eye(k)
    return mean, cov


@dataclass
class Posterior:
    """Weighted parameter draws (start-year values) and how the fit went.

    Attributes:
        names: the free parameters.
        draws: (n, parameters) values.
        weights: (n,) importance weights, summing to 1.
        evaluations: simulations run; seconds: wall time; ess: the final draws' effective sample size.
    """

    names: tuple[str, ...]
    draws: np.ndarray
    weights: np.ndarray
    evaluations: int = 0
    seconds: float = 0.0
    ess: float = 0.0

    def quantiles(self, q: Sequence[float]) -> np.ndarray:
        """(len(q), parameters) weighted quantiles."""
        order = np.argsort(self.draws, axis=0)
        out = np.empty((len(q), len(self.names)))
        for j in range(len(self.names)):
            cum = np.cumsum(self.weights[order[:, j]])
            out[:, j] = self.draws[order[np.searchsorted(cum, np.asarray(q) * cum[-1]).clip(0, len(cum) - 1), j], j]
        return out

    def resample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` equally weighted draws (systematic resampling, reproducible from ``seed``)."""
        u = (np.random.default_rng(seed).random() + np.arange(n)) / n
        index = np.searchsorted(np.cumsum(self.weights), u).clip(0, len(self.weights) - 1)
        return self.draws[index]


def run_fit(setup: FitSetup, design: int = 0, wave: int = 0, waves: int = 5, draws: int = POSTERIOR_DRAWS, workers: int = 2,
            dask_address: str | None = None, log: Callable[[str], None] = print) -> Posterior:  # fmt: skip
    """Fit ``setup``: history matching with an emulator in waves, then the emulated posterior (module docstring).

    Args:
        setup: the fit.
        design: simulations of the first wave, over the prior (default 12 per free parameter, at least 32; rounded up to a
            power of 2, as Sobol points want).
        wave: simulations of each later wave, where the emulated posterior is (default 12 per parameter, at least 24).
        waves: later waves; each refits the emulator on the simulations near the posterior.
        draws: weighted posterior draws (importance sampling of the emulated posterior; no simulation each).
        workers: processes (ignored with ``dask_address``).
        dask_address: a Dask scheduler; the simulations then run on that cluster.
        log: where progress lines go.
    """
    t0 = time.perf_counter()
    k = len(setup.problem.names)
    design, wave = design or max(32, 12 * k), wave or max(24, 12 * k)
    rng = np.random.default_rng(setup.seed)
    observed = setup.observed()
    errors = np.array([o.sd for o in setup.observations]) ** 2
    with mapper(workers, dask_address) as map_:

        def simulate_at(z: np.ndarray) -> np.ndarray:
            return np.array(list(map_(_statistics_of, [(setup, tuple(v), 0) for v in to_values(setup.problem, z)])))

        def noise_at(z: np.ndarray, where: str) -> np.ndarray:
            values = tuple(to_values(setup.problem, z)[0])
            runs = np.array(list(map_(_statistics_of, [(setup, values, r) for r in range(NOISE_REPLICATES)])))
            noise = replicate_noise(setup, runs)
            log(f"replicate noise at {where}: median {np.median(np.sqrt(np.diag(noise))):.3f} on the log scale ({NOISE_REPLICATES}"
                f" replicates, {len(runs[0])} figures)")  # fmt: skip
            return noise

        noise = noise_at(np.zeros(k), "the prior's median")

        sobol = stats.qmc.Sobol(k, scramble=True, seed=rng).random_base2(math.ceil(math.log2(design)))  # a power of 2: balanced
        z = stats.norm.ppf(sobol.clip(1e-6, 1 - 1e-6))
        y = simulate_at(z)
        log(f"wave 1: {len(z)} simulations over the prior ({time.perf_counter() - t0:.0f} s)")
        emulator = Emulator.fit(z, y)
        mean, cov = _proposal(_emulated(emulator, observed, errors, noise), k, rng, z)
        noise = noise_at(mean, "the emulated posterior's mean")  # where the figures are: the noise differs with the level
        spread = np.sqrt(np.diag(noise))
        mean, cov = _proposal(_emulated(emulator, observed, errors, noise), k, rng, z)
        for number in range(2, waves + 2):
            new = rng.multivariate_normal(mean, WIDEN**2 * cov, size=wave)
            simulated = simulate_at(new)
            miss = np.sqrt(np.mean((simulated - emulator.predict(new)) ** 2, axis=0))  # the emulator where it was not fitted
            z, y = np.vstack([z, new]), np.vstack([y, simulated])
            near = _mahalanobis(z, mean, WIDEN**2 * cov) <= stats.chi2.ppf(0.999, k)
            emulator = Emulator.fit(z[near], y[near]) if near.sum() > 2 * _features(z[:1]).shape[1] else Emulator.fit(z, y)
            emulator = dataclasses.replace(emulator, variance=np.maximum(emulator.variance, miss**2))  # its error out of sample
            mean, cov = _proposal(_emulated(emulator, observed, errors, noise), k, rng, z)
            log(f"wave {number}: {wave} simulations near the posterior; the emulator missed them by {np.median(miss):.3f}"
                f" (median over figures; replicate noise {np.median(spread):.3f}) ({time.perf_counter() - t0:.0f} s)")  # fmt: skip
    proposal = stats.multivariate_t(mean, WIDEN**2 * cov, df=T_DOF)
    zf = np.atleast_2d(proposal.rvs(size=draws, random_state=rng))
    weights = _weights(_emulated(emulator, observed, errors, noise)(zf) + stats.norm.logpdf(zf).sum(axis=1) - proposal.logpdf(zf))
    ess = effective_size(weights)
    log(f"posterior: {draws} weighted draws of the emulated posterior, effective sample size {ess:.0f}")
    values = to_values(setup.problem, zf)
    return Posterior(setup.problem.names, values, weights, 2 * NOISE_REPLICATES + len(z), time.perf_counter() - t0, ess)


def _mahalanobis(z: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    return _quadratic(z - mean, np.linalg.inv(cov))


def at_year(names: Sequence[str], draws: np.ndarray, years: int) -> np.ndarray:
    """Draws with each onset moved to its level ``years`` years after the start year by its trend (``trended``)."""
    out = np.array(draws, dtype=float, copy=True)
    for i, values in enumerate(out):
        moved = trended(Parameters(dict(zip(names, values, strict=True))), years)
        out[i] = [moved[n] for n in names]
    return out


__all__ = [
    "Emulator", "FitSetup", "Posterior", "at_year", "fit_series", "mapper", "predictive", "replicate_noise", "run_fit", "simulate",
    "simulate_replicates",
    "statistic", "to_values",
]  # fmt: skip


def _simulate_task(task: tuple[Scenario, int, int, int, tuple[Series, ...]]) -> dict:
    scenario, seed, replicate, last_year, series = task
    return simulate(scenario, scenario.params, seed, replicate, last_year, series)


def simulate_replicates(runs: Sequence[tuple[Scenario, int]], seed: int, last_year: int, series: Sequence[Series], workers: int = 1,
                        dask_address: str | None = None) -> tuple[list[tuple[str, int]], np.ndarray]:  # fmt: skip
    """Each (scenario, replicate) of ``runs`` simulated to ``last_year`` (``simulate``), in order, on the chosen executor.

    Returns the (series, year) keys and a (runs, keys) array of model values in published units.
    """
    tasks = [(scenario, seed, replicate, last_year, tuple(series)) for scenario, replicate in runs]
    with mapper(workers, dask_address) as map_:
        values = list(map_(_simulate_task, tasks))
    keys = sorted(values[0])
    return keys, np.array([[run[k] for k in keys] for run in values])


def predictive(scenario: Scenario, names: Sequence[str], draws: np.ndarray, seed: int, last_year: int,
               series: Sequence[Series], workers: int = 1, dask_address: str | None = None,
               ) -> tuple[list[tuple[str, int]], np.ndarray]:  # fmt: skip
    """The posterior predictive: draw i simulated with replicate i + 1 (its own random numbers), to ``last_year``.

    Returns the (series, year) keys and a (draws, keys) array of model values in published units: the
    spread carries the parameters' uncertainty and the replicate noise together.
    """
    runs = [
        (scenario.variant(f"draw-{i}", params=scenario.params.replace(dict(zip(names, map(float, d), strict=True)))), i + 1)
        for i, d in enumerate(draws)
    ]
    return simulate_replicates(runs, seed, last_year, series, workers, dask_address)
