"""Yearly summaries over replicates: mean and the 5th, 50th and 95th percentiles."""

from __future__ import annotations

import numpy as np
from sdsim.experiments.runner import MonteCarloResult
from sdsim.simulation.indicators import metric_kind

QUANTILES = {"p5": 5, "p50": 50, "p95": 95}


def spread(values: np.ndarray) -> dict[str, float]:
    """Mean and ``QUANTILES`` of values over replicates (NaN-free)."""
    return {"mean": float(values.mean())} | {k: float(np.percentile(values, q)) for k, q in QUANTILES.items()}


def yearly_summary(result: MonteCarloResult) -> dict[str, dict[str, dict[str, float]]]:
    """``{year: {metric: {mean, p5, p50, p95, kind}}}`` over replicates."""
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
        out[str(start + y)] = row
    return out
