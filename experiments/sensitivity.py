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
from sdsim.scenarios.files import MAX_ROWS, flatten, show
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
    bounds: tuple[tuple[float, ...], ...]  # per distribution, as SALib takes them (see ``load_problem``)
    dists: tuple[str, ...]

    def spec(self) -> ProblemSpec:
        """A SALib ``ProblemSpec``."""
        from SALib import ProblemSpec

        return ProblemSpec({"names": list(self.names), "bounds": [list(b) for b in self.bounds], "dists": list(self.dists)})


def _numbers(path: Path, key: str, value: object, count: int, form: str) -> tuple[float, ...]:
    if not isinstance(value, list) or len(value) != count or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise ScenarioError(path, key, f"expected {form}, got {show(value)}")
    return tuple(float(v) for v in value)


def _bounds(path: Path, key: str, name: str, spec: dict, dist: str) -> tuple[float, ...]:
    """SALib's bounds of one distribution.

    unif [low, high]; triang [low, high, peak as a fraction of the interval]; truncnorm [low, high,
    mean, sd]; norm and lognorm [mean, sd]. Defaults come from the registry's plausible range.
    """
    hard = BY_NAME[name].bounds
    if dist in ("norm", "lognorm"):
        if "bounds" not in spec:
            raise ScenarioError(path, f"{key}.bounds", f"dist = {dist!r} needs bounds = [mean, sd]")
        mean, sd = _numbers(path, f"{key}.bounds", spec["bounds"], 2, "[mean, sd]")
        if not sd > 0:
            raise ScenarioError(path, f"{key}.bounds", f"expected sd > 0, got {sd:g}")
        return mean, sd
    plausible = BY_NAME[name].plausible
    default = {"unif": list(plausible), "triang": [*plausible, 0.5]}
    if dist == "truncnorm":
        default["truncnorm"] = [*plausible, (plausible[0] + plausible[1]) / 2, (plausible[1] - plausible[0]) / 4]
    form = {"unif": "[low, high]", "triang": "[low, high] or [low, high, peak in 0..1]", "truncnorm": "[low, high, mean, sd]"}[dist]
    given = spec.get("bounds", default[dist])
    if dist == "triang" and isinstance(given, list) and len(given) == 2:
        given = [*given, 0.5]
    bounds = _numbers(path, f"{key}.bounds", given, {"unif": 2, "triang": 3, "truncnorm": 4}[dist], form)
    low, high = bounds[:2]
    if not low < high:
        hint = "" if "bounds" in spec else " (the plausible range; give bounds)"
        raise ScenarioError(path, f"{key}.bounds", f"expected low < high, got [{low:g}, {high:g}]{hint}")
    if not (hard[0] <= low and high <= hard[1]):
        raise ScenarioError(path, f"{key}.bounds", f"[{low:g}, {high:g}] outside the allowed range [{hard[0]:g}, {hard[1]:g}]")
    if dist == "triang" and not 0.0 <= bounds[2] <= 1.0:
        raise ScenarioError(path, f"{key}.bounds", f"the peak is a fraction of [low, high], in [0, 1], got {bounds[2]:g}")
    if dist == "truncnorm" and not bounds[3] > 0:
        raise ScenarioError(path, f"{key}.bounds", f"expected sd > 0, got {bounds[3]:g}")
    return bounds


def load_problem(path: Path | str) -> Problem:
    """Read a parameter file; raise ``ScenarioError`` naming the file and key when wrong."""
    path = Path(path)
    data = read_toml(path)
    table = data.get("parameters")
    if not isinstance(table, dict) or not table or set(data) - {"parameters"}:
        raise ScenarioError(path, "parameters", "expected a [parameters] table naming one or more parameters")
    # a parameter's table holds bounds and dist (or nothing); a deeper table is part of a dotted name
    specs = flatten(path, table, "parameters", leaf=lambda name, v: name in BY_NAME or not any(isinstance(x, dict) for x in v.values()))
    names, bounds, dists = [], [], []
    for name, spec in specs.items():
        key = f"parameters.{name}"
        if name not in BY_NAME:
            raise ScenarioError(path, key, "unknown parameter (see `sdsim parameters` for the list)")
        if not isinstance(spec, dict) or set(spec) - {"bounds", "dist"}:
            raise ScenarioError(path, key, "expected a table with optional bounds and dist")
        dist = spec.get("dist", "unif")
        if dist not in DISTRIBUTIONS:
            raise ScenarioError(path, f"{key}.dist", f"expected one of {', '.join(DISTRIBUTIONS)}, got {show(dist)}")
        names.append(name)
        bounds.append(_bounds(path, key, name, spec, dist))
        dists.append(dist)
    return Problem(tuple(names), tuple(bounds), tuple(dists))


def check_samples(path: Path | str, problem: Problem, x: np.ndarray) -> None:
    """Unbounded distributions (norm, lognorm) must keep every sample within the parameter's allowed range."""
    for i, name in enumerate(problem.names):
        low, high = BY_NAME[name].bounds
        outside = int(((x[:, i] < low) | (x[:, i] > high)).sum())
        if outside:
            raise ScenarioError(
                path, f"parameters.{name}", f"{outside} of {len(x)} samples outside the allowed range [{low:g}, {high:g}]; use truncnorm"
            )


def sample(problem: Problem, method: str, n: int, seed: int = 0) -> np.ndarray:
    """The design: Sobol (Saltelli, second order, N a power of two) or Morris trajectories."""
    spec = problem.spec()
    k = len(problem.names)
    rows = n * (2 * k + 2) if method == "sobol" else n * (k + 1)
    if rows > MAX_ROWS:
        raise ScenarioError("--n", "", f"{n} gives {rows:,} design rows for {k} parameters; at most {MAX_ROWS:,}")
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
        warnings.simplefilter("ignore", UserWarning)  # SALib's "constant values": flagged as unresolved instead
        if method == "sobol":
            si = sobol.analyze(salib_problem, y, calc_second_order=True, num_resamples=1000, conf_level=0.95, seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            si = morris.analyze(salib_problem, x, y, num_resamples=1000, conf_level=0.95, seed=seed)
            keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    return {k: [float(v) for v in np.asarray(si[k])] for k in keys}


NOISE_WARNING = 0.5  # above this share of replicate noise the indices mostly measure noise


def noise_share(values: np.ndarray) -> float | None:
    """Share of the variance of row means that replicate noise explains, in [0, 1]; None when undefined.

    ``values`` is (rows, replicates). The noise variance of a row mean is the mean within-row
    variance divided by R; its ratio to the variance of the row means is the share of that
    variance that would remain if every parameter had no effect. Sampling error can push the ratio
    above 1 when parameters have (almost) no effect; it is then reported as 1 (all noise).
    Undefined with one replicate or constant outputs.
    """
    replicates = values.shape[1]
    if replicates < 2:
        return None
    means = values.mean(axis=1)
    total = means.var(ddof=1)
    noise = values.var(axis=1, ddof=1).mean() / replicates
    if not (np.isfinite(total) and np.isfinite(noise)) or total <= 0:
        return None
    return float(min(1.0, noise / total))


def unresolved(problem: Problem, method: str, indices: dict[str, list[float]]) -> list[str]:
    """Parameters whose index is not resolved: not finite, its interval wider than itself, or (Sobol) outside [0, 1]."""
    pairs = (("S1", "S1_conf"), ("ST", "ST_conf")) if method == "sobol" else (("mu_star", "mu_star_conf"),)
    flagged = []
    for index, conf in pairs:
        for name, value, width in zip(problem.names, indices[index], indices[conf], strict=True):
            outside = method == "sobol" and not -1e-12 <= value <= 1.0 + 1e-12
            if not np.isfinite(value) or not np.isfinite(width) or width > abs(value) or outside:
                flagged.append(f"{name} ({index} {value:.3f} ± {width:.3f})")
    return flagged


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def named_result(problem: Problem, indices: dict[str, list[float]], noise: float | None, flagged: list[str]) -> dict[str, object]:
    """One output's result for ``sensitivity.json``: indices by parameter name (null where undefined), noise share, flags."""
    return {
        "indices": {name: {k: _finite(v[i]) for k, v in indices.items()} for i, name in enumerate(problem.names)},
        "noise_share": noise,
        "noise_share_means": "share of the variance of design-row means explained by replicate noise (0 to 1)",
        "unresolved": flagged,
    }


def describe_output(
    problem: Problem, method: str, name: str, indices: dict[str, list[float]], noise: float | None, flagged: list[str], replicates: int
) -> str:
    """The printed block of one output: noise share and indices, unresolved ones marked."""
    shown_noise = "undefined (one replicate or a constant output)" if noise is None else f"{noise:.0%}"
    lines = [f"{name}: replicate noise explains {shown_noise} of the variance of design-row means ({replicates} replicates per row)"]
    head = "S1 / ST (95 % interval)" if method == "sobol" else "mu* (95 % interval)"
    lines.append(f"  {'parameter':44s} {head}")
    marked = {f.split(" (")[0] for f in flagged}
    for i, param in enumerate(problem.names):
        if method == "sobol":
            shown = f"{indices['S1'][i]:.3f} ± {indices['S1_conf'][i]:.3f} / {indices['ST'][i]:.3f} ± {indices['ST_conf'][i]:.3f}"
        else:
            shown = f"{indices['mu_star'][i]:.4g} ± {indices['mu_star_conf'][i]:.2g}"
        lines.append(f"  {param:44s} {shown}{'  (unresolved)' if param in marked else ''}")
    return "\n".join(lines)


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


def outputs(
    table: pa.Table, n_scenarios: int, rows: int, replicates: int, years: int = OUTPUT_YEARS, start: int = 0
) -> dict[str, np.ndarray]:
    """``{output: (rows, replicates)}`` over the first ``years`` years from calendar year ``start``, and paired differences alt - base.

    Outputs: ``OUTPUTS`` (``indicators.DEFAULT_METRICS``: spending in total and per budget line,
    clients per tier, the access waiting time, escalations with crises, households) as
    ``indicators.over_period`` defines them over ``years`` years.
    """
    yearly = {m: np.stack([table.column(f"{m}@{start + y}").to_numpy() for y in range(years)], axis=-1) for m in METRICS}
    per = {name: over_period(yearly, name, years, total=True).reshape(n_scenarios, rows, replicates) for name in OUTPUTS}
    out: dict[str, np.ndarray] = {}
    for name, values in per.items():
        out[name] = values[0]
        for s in range(1, n_scenarios):
            out[f"difference{'' if n_scenarios == 2 else s}.{name}"] = values[s] - values[0]
    return out
