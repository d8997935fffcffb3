"""Scoring forecasts against what was published later: the model's predictive ensemble and three naive forecasts.

The naive forecasts are those a finance team makes from the same fit years (per series):

* ``last``: the last observed value carried forward;
* ``trend``: the least-squares line through the fit years' values, extended;
* ``drift``: the last value plus the average yearly change over the fit years (Hyndman's drift).

Scores per forecast and series, over the test years that have a figure:

* MAPE: mean absolute percentage error (the VNG Wmo-voorspelmodel's measure);
* MASE: mean absolute error over the in-sample mean absolute one-year change (< 1: better than a
  one-year naive forecast inside the fit years);
* CRPS (``scoringrules.crps_ensemble``): of the model's ensemble; of a point forecast it is its absolute error;
* coverage: the share of figures inside the model's central 50 % and 90 % intervals.

A rolling origin (``sdsim backtest --origins K``) repeats fit and forecast with the fit years ending
K - 1, ..., 1, 0 years earlier and the same lead times; ``pooled`` averages each origin's scores,
weighted by its figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def naive_forecasts(history: Mapping[int, float], years: Sequence[int]) -> dict[str, dict[int, float]]:
    """The three naive forecasts of ``years`` from ``history`` ({year: value}, the fit years' figures)."""
    known = sorted(history)
    x, y = np.array(known, dtype=float), np.array([history[k] for k in known])
    last = y[-1]
    slope, intercept = np.polyfit(x, y, 1) if len(x) > 1 else (0.0, last)
    step = (y[-1] - y[0]) / (x[-1] - x[0]) if len(x) > 1 else 0.0
    return {
        "last": {t: float(last) for t in years},
        "trend": {t: float(intercept + slope * t) for t in years},
        "drift": {t: float(last + step * (t - x[-1])) for t in years},
    }


def mase_scale(history: Mapping[int, float]) -> float:
    """The in-sample mean absolute change per year (between consecutive published years); NaN with one year."""
    known = sorted(history)
    changes = [abs(history[b] - history[a]) / (b - a) for a, b in itertools.pairwise(known)]
    return float(np.mean(changes)) if changes else float("nan")


@dataclass(frozen=True)
class Score:
    """One forecast's scores on one series over its test figures."""

    series: str
    forecast: str  # "model" or a naive forecast's name
    n: int
    mape: float
    mase: float
    crps: float
    cover50: float = float("nan")
    cover90: float = float("nan")


def score_series(series: str, actual: Mapping[int, float], history: Mapping[int, float],
                 ensemble: Mapping[int, np.ndarray]) -> list[Score]:  # fmt: skip
    """Scores of the model's ensemble ({year: values}) and the naive forecasts on the figures ``actual``."""
    import scoringrules as sr

    years = sorted(actual)
    obs = np.array([actual[t] for t in years])
    scale = mase_scale(history)
    out = []
    members = np.array([ensemble[t] for t in years])
    median = np.median(members, axis=1)
    crps = sr.crps_ensemble(obs, members)
    inside = {c: np.mean((np.quantile(members, (1 - c) / 2, axis=1) <= obs) & (obs <= np.quantile(members, (1 + c) / 2, axis=1)))
              for c in (0.5, 0.9)}  # fmt: skip
    err = np.abs(median - obs)
    out.append(Score(series, "model", len(years), float(np.mean(err / obs) * 100), float(np.mean(err) / scale),
                     float(np.mean(crps)), float(inside[0.5]), float(inside[0.9])))  # fmt: skip
    for name, forecast in naive_forecasts(history, years).items():
        err = np.abs(np.array([forecast[t] for t in years]) - obs)
        out.append(Score(series, name, len(years), float(np.mean(err / obs) * 100), float(np.mean(err) / scale), float(np.mean(err))))
    return out


def pooled(scores: Sequence[Score]) -> list[Score]:
    """The scores of several origins pooled per series and forecast: each mean weighted by its origin's figures.

    MASE pools each origin's scaled errors (every origin scales by its own fit years' changes); an
    origin where a score is undefined (MASE with one fit year, a naive forecast's coverage) leaves it
    to the others, and it stays undefined where every origin's is.
    """
    groups: dict[tuple[str, str], list[Score]] = {}
    for s in scores:
        groups.setdefault((s.series, s.forecast), []).append(s)
    out = []
    for (series, forecast), group in groups.items():
        n = np.array([s.n for s in group], dtype=float)

        def mean(field: str, group: list[Score] = group, n: np.ndarray = n) -> float:
            values = np.array([getattr(s, field) for s in group])
            defined = np.isfinite(values)
            return float(np.average(values[defined], weights=n[defined])) if defined.any() else float("nan")

        out.append(Score(series, forecast, int(n.sum()), mean("mape"), mean("mase"), mean("crps"), mean("cover50"), mean("cover90")))
    return out


__all__ = ["Score", "mase_scale", "naive_forecasts", "pooled", "score_series"]
