"""Paired scenario comparison with common random numbers.

Every scenario runs replicates 0..R-1 with the same seed, so replicate r of each scenario meets the
same households and the same draws (``rng.stream_key(seed, r)``); the difference alt - base of
replicate r is a paired difference. Its spread over replicates is the uncertainty of the effect,
much smaller than that of two independent runs (see ``benchmarks/crn_gain.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sdsim.experiments.runner import MonteCarloResult, run_scenarios, shared_start_problem
from sdsim.experiments.summary import spread
from sdsim.scenarios.loader import Scenario, ScenarioError
from sdsim.scenarios.posterior import ParameterDraws
from sdsim.simulation.indicators import metric_kind, over_period
from sdsim.simulation.levers import Target
from sdsim.simulation.schema import BUDGET_LINES, LINE_PRODUCTS

PERIOD_YEARS = 5  # the multi-year total reported beside each calendar year (meerjarenraming)


def check_comparable(base: Scenario, other: Scenario, shared_burn_in: bool = False) -> None:
    """Raise ``ScenarioError`` unless ``other`` can be paired with ``base`` (same profile and horizon).

    A shared burn-in also needs the same providers: households in care keep theirs.
    """
    if other.profile != base.profile:
        raise ScenarioError(
            other.path, "profile", f"differs from the base scenario's ({base.profile_path.name}); compare on one municipality"
        )
    if other.years != base.years:
        raise ScenarioError(other.path, "years", f"{other.years} differs from the base scenario's {base.years}")
    problem = shared_start_problem(base, other.profile, other.params) if shared_burn_in else None
    if problem:
        raise ScenarioError(other.path, "parameters", f"{problem}; compare it with --burn-in own")


@dataclass(frozen=True)
class Comparison:
    """Results of a base scenario and its alternatives, run with the same seed and replicates."""

    base: MonteCarloResult
    alternatives: tuple[MonteCarloResult, ...]

    @property
    def results(self) -> tuple[MonteCarloResult, ...]:
        """The base first, then the alternatives."""
        return (self.base, *self.alternatives)

    def differences(self, alternative: MonteCarloResult) -> dict[str, np.ndarray]:
        """``{metric: (replicates, years)}`` paired yearly differences alternative - base."""
        base, alt = self.base.per_year, alternative.per_year
        return {m: alt[m] - base[m] for m in base}


def run_comparison(
    base: Scenario,
    alternatives: Sequence[Scenario],
    replicates: int,
    seed: int = 0,
    years: int | None = None,
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
    shared_burn_in: bool = False,
    draws: ParameterDraws | None = None,
) -> Comparison:
    """Run the base and every alternative with the same seed and replicates (common random numbers).

    With ``shared_burn_in`` every scenario starts from the base's state at the start year, so the
    report shows the transition from today rather than a policy that was always in force. ``draws``: a
    posterior; replicate r of every scenario runs its row r mod n, so the differences stay paired.
    """
    for other in alternatives:
        check_comparable(base, other, shared_burn_in)
    results = run_scenarios([base, *alternatives], replicates, seed, years, workers, on_done, shared_burn_in, draws=draws)
    return Comparison(base=results[0], alternatives=tuple(results[1:]))


def _stats(values: np.ndarray) -> dict[str, float]:
    """Mean, quantiles and P(value < 0) of a paired difference over replicates (NaN-free values)."""
    out = spread(values)
    out["prob_lower"] = float((values < 0).mean())  # for spending: the probability that spending falls
    return out


def paired_summary(comparison: Comparison) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """``{alternative: {period: {metric: {mean, p5, p50, p95, prob_lower}}}}`` of paired differences.

    Periods are calendar years and the first ``PERIOD_YEARS`` years together ("2025-2029"), the
    latter for flows (spending, inflow) only.
    """
    start = comparison.base.scenario.profile.start_year
    out: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for alt in comparison.alternatives:
        diffs = comparison.differences(alt)
        per: dict[str, dict[str, dict[str, float]]] = {}
        n_years = next(iter(diffs.values())).shape[1]
        for y in range(n_years):
            row = {}
            for metric, values in diffs.items():
                v = values[:, y]
                if np.isfinite(v).all():
                    row[metric] = _stats(v)
            per[str(start + y)] = row
        span = min(PERIOD_YEARS, n_years)
        period = f"{start}-{start + span - 1}"
        per[period] = {m: _stats(v[:, :span].sum(axis=1)) for m, v in diffs.items() if metric_kind(m) == "flow" and np.isfinite(v).all()}
        out[alt.scenario.name] = per
    return out


# --- attribution of the spending difference ---------------------------------------------------

FACTORS = ("volume", "duration", "price", "mix")


def _log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Logarithmic mean L(a, b) = (a - b) / ln(a / b), with L(a, a) = a (for the LMDI weights)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    return np.where(np.isclose(a, b), a, out)


def attribution(comparison: Comparison, alternative: MonteCarloResult, years: int | None = None) -> dict[str, dict[str, float]]:
    """Split each budget line's spending difference (summed over ``years``) into volume, duration, price, mix and the rest.

    Per product p of a care line, spending E_p = A x (M / A) x (M_p / M) x (E_p / M_p): admissions of
    the line (volume), client-months per admission (duration), the product's share of client-months
    (mix: the tier shift) and euros per client-month (price). The additive LMDI-I decomposition
    gives contributions that sum exactly to the care spending difference; it is computed per
    replicate and averaged (paired), with the residual from products used in only one scenario
    reported as ``other``. What a line spends besides care (the general provisions, access staff,
    overhead, benefits: every line without products is wholly this) is ``non_care``.

    Returns:
        ``{line: {volume, duration, price, mix, other, non_care, total}}`` for every care line and
        every other line whose spending differs, then ``"total"``: the sum over the lines, whose
        ``total`` is the mean paired difference of ``spending.total``.
    """
    years = years or PERIOD_YEARS
    base, alt = comparison.base.per_year, alternative.per_year

    def total(series: dict[str, np.ndarray], name: str) -> np.ndarray:
        return series[name][:, :years].sum(axis=1)

    out: dict[str, dict[str, float]] = {}
    for name in BUDGET_LINES:
        members = LINE_PRODUCTS[name]
        difference = total(alt, f"spending.{name}") - total(base, f"spending.{name}")
        if not members and not difference.any():
            continue
        parts, care = _lmdi(base, alt, members, years) if members else (dict.fromkeys((*FACTORS, "other"), 0.0), 0.0)
        parts["non_care"] = float((difference - care).mean())
        parts["total"] = float(difference.mean())
        out[name] = parts
    out["total"] = {key: sum(parts[key] for parts in out.values()) for key in (*FACTORS, "other", "non_care", "total")}
    return out


def _lmdi(base: dict[str, np.ndarray], alt: dict[str, np.ndarray], members: list[str], years: int) -> tuple[dict[str, float], np.ndarray]:
    """LMDI-I parts of one care line's care spending difference (means over replicates) and that difference per replicate."""

    def total(series: dict[str, np.ndarray], head: str, product: str) -> np.ndarray:
        return series[f"{head}.{product}"][:, :years].sum(axis=1)

    parts = dict.fromkeys((*FACTORS, "other"), 0.0)
    e0 = sum(total(base, "spending_care", p) for p in members)
    e1 = sum(total(alt, "spending_care", p) for p in members)
    a0 = sum(total(base, "inflow", p) for p in members)
    a1 = sum(total(alt, "inflow", p) for p in members)
    m0 = sum(total(base, "client_months", p) for p in members)
    m1 = sum(total(alt, "client_months", p) for p in members)
    explained = np.zeros_like(e0)
    for p in members:
        ep0, ep1 = total(base, "spending_care", p), total(alt, "spending_care", p)
        mp0, mp1 = total(base, "client_months", p), total(alt, "client_months", p)
        ok = (ep0 > 0) & (ep1 > 0) & (mp0 > 0) & (mp1 > 0) & (a0 > 0) & (a1 > 0)
        w = np.where(ok, _log_mean(np.where(ok, ep1, 1.0), np.where(ok, ep0, 1.0)), 0.0)

        def term(x1, x0, ok=ok, w=w):
            return np.where(ok, w * np.log(np.where(ok, x1, 1.0) / np.where(ok, x0, 1.0)), 0.0)

        contributions = {
            "volume": term(a1, a0),
            "duration": term(m1 / np.maximum(a1, 1e-300), m0 / np.maximum(a0, 1e-300)),
            "mix": term(mp1 / np.maximum(m1, 1e-300), mp0 / np.maximum(m0, 1e-300)),
            "price": term(ep1 / np.maximum(mp1, 1e-300), ep0 / np.maximum(mp0, 1e-300)),
        }
        for f, c in contributions.items():
            parts[f] += float(c.mean())
            explained = explained + c
    parts["other"] = float((e1 - e0 - explained).mean())
    return parts, e1 - e0


def period_difference(
    comparison: Comparison, alternative: MonteCarloResult, metrics: Sequence[str], years: int | None = None
) -> np.ndarray:
    """Per replicate, alternative - base of the sum of ``metrics`` over the first ``years`` years.

    Each metric is taken over the period as ``indicators.over_period`` with ``total=True`` gives it: a
    flow summed, a stock as the mean of its years, a ratio over the period's sums.
    """
    years = years or PERIOD_YEARS

    def value(series: dict[str, np.ndarray]) -> np.ndarray:
        return sum(over_period(series, m, years, total=True) for m in metrics)

    return value(alternative.per_year) - value(comparison.base.per_year)


def spending_on(series: dict[str, np.ndarray], lines: Sequence[str], years: int) -> np.ndarray:
    """Per replicate, the spending on budget ``lines`` summed over the first ``years`` years of yearly ``series``."""
    return sum(series[f"spending.{line}"][:, :years].sum(axis=1) for line in lines)


def realised_saving(comparison: Comparison, alternative: MonteCarloResult, target: Target, years: int | None = None) -> np.ndarray:
    """Per replicate, the saving -(alt - base) / base on the spending of ``target.lines`` over the first ``years`` years."""
    years = years or PERIOD_YEARS
    base = spending_on(comparison.base.per_year, target.lines, years)
    return -(spending_on(alternative.per_year, target.lines, years) - base) / np.where(base > 0, base, np.nan)


def uncontrolled_share(result: MonteCarloResult, years: int | None = None) -> dict[str, float]:
    """Share of each care line's p x q spending from clients who came through the GP or the judge (mean over replicates)."""
    years = years or PERIOD_YEARS
    series = result.per_year
    out: dict[str, float] = {}
    for line, products in LINE_PRODUCTS.items():
        if not products:
            continue
        euros = uncontrolled = 0.0
        for name in products:
            e = series[f"spending_care.{name}"][:, :years].sum(axis=1)
            m = series[f"client_months.{name}"][:, :years].sum(axis=1)
            u = series[f"client_months_uncontrolled.{name}"][:, :years].sum(axis=1)
            euros += e.mean()
            uncontrolled += (e * np.divide(u, m, out=np.zeros_like(u), where=m > 0)).mean()
        out[line] = uncontrolled / euros if euros > 0 else 0.0
    return out
