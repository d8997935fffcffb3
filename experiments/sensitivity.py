"""Global sensitivity analysis with SALib (Sobol indices, Morris elementary effects), noise-aware.

A parameter file names the parameters to vary; bounds default to the registry's plausible range::

    [parameters."escalate.jeugd"]                    # plausible range of the registry
    [parameters."lever.shift.wmo_hbh.share"]
    bounds = [0.0, 0.75]
    dist = "unif"                                    # SALib: unif, triang, norm, truncnorm, lognorm

The design (``ProblemSpec.sample_sobol`` with N a power of two, or Morris trajectories) becomes a
sweep (``experiments.sweep``): every design row is run for R replicates with common random numbers,
and the model output of a row is the mean over its replicates. With an alternative scenario the
outputs also include paired differences alt - base. Part of the variance of row means is replicate
noise (within-row variance / R); its share is reported per output, and an index whose confidence
interval is wider than the index itself is flagged.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sdsim.scenarios.loader import ScenarioError, read_toml
from sdsim.simulation.indicators import DEFAULT_METRICS, over_period, parts
from sdsim.simulation.parameters import BY_NAME

if TYPE_CHECKING:
    import pyarrow as pa
    from SALib import ProblemSpec

DISTRIBUTIONS = ("unif", "triang", "norm", "truncnorm", "lognorm")
METHODS = ("sobol", "morris")
OUTPUT_YEARS = 5


@dataclass(frozen=True)
class Problem:
    """Parameters to vary, their bounds and distributions (SALib's problem)."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    dists: tuple[str, ...]

    def spec(self) -> ProblemSpec:
        """A SALib ``ProblemSpec``."""
        from SALib import ProblemSpec

        return ProblemSpec({"names": list(self.names), "bounds": [list(b) for b in self.bounds], "dists": list(self.dists)})


def load_problem(path: Path | str) -> Problem:
    """Read a parameter file; raise ``ScenarioError`` naming the file and key when wrong."""
    path = Path(path)
    data = read_toml(path)
    table = data.get("parameters")
    if not isinstance(table, dict) or not table or set(data) - {"parameters"}:
        raise ScenarioError(path, "parameters", "expected a [parameters] table naming one or more parameters")
    names, bounds, dists = [], [], []
    for name, spec in table.items():
        key = f"parameters.{name}"
        if name not in BY_NAME:
            raise ScenarioError(path, key, "unknown parameter (see `sdsim parameters` for the list)")
        if not isinstance(spec, dict) or set(spec) - {"bounds", "dist"}:
            raise ScenarioError(path, key, "expected a table with optional bounds = [low, high] and dist")
        low, high = spec.get("bounds", BY_NAME[name].plausible)
        hard = BY_NAME[name].bounds
        if not low < high:
            raise ScenarioError(path, f"{key}.bounds", f"expected low < high, got [{low}, {high}]")
        dist = spec.get("dist", "unif")
        if dist not in DISTRIBUTIONS:
            raise ScenarioError(path, f"{key}.dist", f"expected one of {', '.join(DISTRIBUTIONS)}, got {dist!r}")
        if dist in ("unif", "triang", "truncnorm") and not (hard[0] <= low and high <= hard[1]):
            raise ScenarioError(path, f"{key}.bounds", f"[{low}, {high}] outside the allowed range [{hard[0]:g}, {hard[1]:g}]")
        names.append(name)
        bounds.append((float(low), float(high)))
        dists.append(dist)
    return Problem(tuple(names), tuple(bounds), tuple(dists))


def sample(problem: Problem, method: str, n: int, seed: int = 0) -> np.ndarray:
    """The design: Sobol (Saltelli, second order, N a power of two) or Morris trajectories."""
    spec = problem.spec()
    if method == "sobol":
        if n < 2 or n & (n - 1):
            raise ScenarioError("--n", "", f"Sobol sampling needs N a power of two, got {n}")
        spec.sample_sobol(n, calc_second_order=True, seed=seed)
    else:
        spec.sample_morris(n, num_levels=4, seed=seed)
    return np.asarray(spec.samples)


def analyze(problem: Problem, method: str, x: np.ndarray, y: np.ndarray, seed: int = 0) -> dict[str, dict[str, list[float]]]:
    """Indices of one output ``y`` (one value per design row) with 95 % bootstrap confidence intervals."""
    from SALib.analyze import morris, sobol

    salib_problem = {"num_vars": len(problem.names), "names": list(problem.names), "bounds": [list(b) for b in problem.bounds]}
    salib_problem["dists"] = list(problem.dists)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant outputs give 0/0; reported as NaN
        if method == "sobol":
            si = sobol.analyze(salib_problem, y, calc_second_order=True, num_resamples=1000, conf_level=0.95, seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            si = morris.analyze(salib_problem, x, y, num_resamples=1000, conf_level=0.95, seed=seed)
            keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    return {k: [float(v) for v in np.asarray(si[k])] for k in keys}


def noise_share(values: np.ndarray) -> float:
    """Share of the variance of row means that is replicate noise: mean within-row variance / R / var(row means).

    ``values`` is (rows, replicates).
    """
    replicates = values.shape[1]
    if replicates < 2:
        return float("nan")
    means = values.mean(axis=1)
    total = means.var(ddof=1)
    noise = values.var(axis=1, ddof=1).mean() / replicates
    return float(noise / total) if total > 0 else float("nan")


def wide_intervals(problem: Problem, method: str, indices: dict[str, list[float]]) -> list[str]:
    """Parameters whose confidence interval is wider than their index (the index is not resolved)."""
    pairs = (("S1", "S1_conf"), ("ST", "ST_conf")) if method == "sobol" else (("mu_star", "mu_star_conf"),)
    flagged = []
    for index, conf in pairs:
        for name, value, width in zip(problem.names, indices[index], indices[conf], strict=True):
            if np.isfinite(value) and width > abs(value):
                flagged.append(f"{name} ({index} {value:.3f} ± {width:.3f})")
    return flagged


def plot(problem: Problem, method: str, indices: dict[str, list[float]], title: str, path: Path) -> None:
    """S1/ST bars with intervals, or Morris mu*-sigma; saved as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.35 * len(problem.names) + 1.5))
    if method == "sobol":
        y = np.arange(len(problem.names))
        ax.barh(y - 0.2, indices["S1"], 0.4, xerr=indices["S1_conf"], label="S1", color="#1f4e79")
        ax.barh(y + 0.2, indices["ST"], 0.4, xerr=indices["ST_conf"], label="ST", color="#c55a11")
        ax.set_yticks(y, problem.names, fontsize=7)
        ax.axvline(0, color="#999999", linewidth=0.5)
        ax.legend(fontsize=7)
    else:
        ax.errorbar(indices["mu_star"], indices["sigma"], xerr=indices["mu_star_conf"], fmt="o", color="#1f4e79")
        for name, mx, sx in zip(problem.names, indices["mu_star"], indices["sigma"], strict=True):
            ax.annotate(name, (mx, sx), fontsize=6)
        ax.set_xlabel("mu*")
        ax.set_ylabel("sigma")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


OUTPUTS = DEFAULT_METRICS  # explained over OUTPUT_YEARS: flows and derived flows summed, stocks averaged, ratios of the sums
METRICS = parts(OUTPUTS)  # the series the sweep stores for them


def outputs(table: pa.Table, n_scenarios: int, rows: int, replicates: int) -> dict[str, np.ndarray]:
    """``{output: (rows, replicates)}`` over the first five years, and paired differences alt - base.

    Outputs: ``OUTPUTS`` (``indicators.DEFAULT_METRICS``: spending in total and per budget line,
    clients per tier, the access waiting time, escalations with crises, households) as
    ``indicators.over_period`` defines them over ``OUTPUT_YEARS`` years.
    """
    yearly = {m: np.stack([table.column(f"{m}@{y}").to_numpy() for y in range(OUTPUT_YEARS)], axis=-1) for m in METRICS}
    per = {name: over_period(yearly, name, OUTPUT_YEARS, total=True).reshape(n_scenarios, rows, replicates) for name in OUTPUTS}
    out: dict[str, np.ndarray] = {}
    for name, values in per.items():
        out[name] = values[0]
        for s in range(1, n_scenarios):
            out[f"difference{'' if n_scenarios == 2 else s}.{name}"] = values[s] - values[0]
    return out
