"""Yearly summaries over replicates: mean and the 5th, 50th and 95th percentiles, finite or an error."""

from __future__ import annotations

import numpy as np
from sdsim.experiments.runner import MonteCarloResult
from sdsim.scenarios.loader import ScenarioError
from sdsim.simulation.indicators import metric_kind

QUANTILES = {"p5": 5, "p50": 50, "p95": 95}


def check_finite(result: MonteCarloResult) -> None:
    """Raise ``ScenarioError`` naming the metric, replicate, year and inputs of the first non-finite value.

    Ratios are exempt: they are undefined (NaN) in a year whose denominator is zero.
    """
    start = result.scenario.profile.start_year
    for metric, values in result.per_year.items():
        if metric_kind(metric) == "ratio":
            continue
        bad = np.argwhere(~np.isfinite(values))
        if bad.size:
            r, y = (int(i) for i in bad[0])
            changed = ", ".join(f"{k} = {v:g}" for k, v in sorted(result.scenario.changes.items())) or "none"
            raise ScenarioError(
                result.scenario.path,
                metric,
                f"is {values[r, y]} in replicate {r}, year {start + y} (seed {result.seed}; parameters changed: {changed})",
            )


def spread(values: np.ndarray) -> dict[str, float]:
    """Mean and ``QUANTILES`` of values over replicates (NaN-free)."""
    return {"mean": float(values.mean())} | {k: float(np.percentile(values, q)) for k, q in QUANTILES.items()}


def yearly_summary(result: MonteCarloResult) -> dict[str, dict[str, dict[str, float]]]:
    """``{year: {metric: {mean, p5, p50, p95, kind}}}`` over replicates.

    Every stock and flow must be finite (``check_finite``). A ratio is summarised over the replicates
    where it is defined; ``replicates`` says how many when that is not all of them, and a ratio
    defined in none is left out of that year.
    """
    check_finite(result)
    per_year = result.per_year
    start = result.scenario.profile.start_year
    out: dict[str, dict[str, dict[str, float]]] = {}
    for y in range(result.years):
        row: dict[str, dict[str, float]] = {}
        for metric, values in per_year.items():
            v = values[:, y]
            v = v[np.isfinite(v)]
            if v.size == 0:
                continue
            row[metric] = {**spread(v), "kind": metric_kind(metric)}
            if v.size < values.shape[0]:
                row[metric]["replicates"] = int(v.size)
        out[str(start + y)] = row
    return out
