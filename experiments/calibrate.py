"""``sdsim calibrate`` and ``sdsim backtest``: the national fit's outputs.

``calibrate`` writes, in ``DIR``:

* ``posterior.parquet``: the weighted draws (start-year values; a column per parameter and ``weight``);
* ``draws.csv``: the parameter file other runs take (``--posterior DIR``): equally weighted draws,
  resampled, with each onset at the last fit year's level (``calibration.fit.at_year``);
* ``fit.csv``: per published figure the observed value and the posterior predictive p5/p50/p95;
* ``forecast.csv``: every series and year simulated, in the published figures' terms
  (``indicator, geography, period, p10, p50, p90``), so a figure published later can be joined;
* ``fit_report.html``: observed against simulated per series, with the bands;
* ``calibration.json``, last: provenance, the posterior summary and the fit statistics.

``backtest`` fits on the fit years (figures up to the origin only), forecasts the test years from the
fitted model and scores them against the naive forecasts (``calibration.backtest``): ``scores.csv``,
``forecast.csv``, ``backtest.html`` and, last, ``backtest.json``.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import html
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sdsim.calibration.backtest import Score, pooled, score_series
from sdsim.calibration.fit import FitSetup, Posterior, at_year, predictive, simulate_replicates
from sdsim.calibration.series import BY_KEY, SERIES, Observation, Series, observations
from sdsim.calibration.targets import Row, parse_value
from sdsim.experiments.output import write_atomic
from sdsim.experiments.report import row_html, table_html
from sdsim.experiments.sensitivity import load_problem
from sdsim.scenarios.files import read_text, show
from sdsim.scenarios.loader import SCENARIO_DIR, Scenario, ScenarioError, load_scenario
from sdsim.scenarios.posterior import ParameterDraws

NATIONAL_SCENARIO = SCENARIO_DIR / "nederland.toml"
NATIONAL_PARAMETERS = Path(__file__).resolve().parent.parent / "calibration" / "national.toml"
PREDICTIVE_DRAWS = 40  # posterior draws simulated for the bands (each its own replicate)
PARAMETER_DRAWS = 1000  # rows of draws.csv


TARGET_COLUMNS = ("indicator", "geography", "period", "value", "unit", "source", "quality")


def read_targets(path: Path) -> dict[Row, dict[str, str]]:
    """Figures in the form of ``nl_public_figures.csv``; every indicator must be a series' (``calibration.series``)."""
    numbered = [(n, line) for n, line in enumerate(read_text(path).splitlines(), start=1) if line.strip() and not line.startswith("#")]
    header = next(csv.reader([numbered[0][1]])) if numbered else []
    if header[: len(TARGET_COLUMNS)] != list(TARGET_COLUMNS):
        raise ScenarioError(path, f"row {numbered[0][0] if numbered else 1}", f"expected the header {','.join(TARGET_COLUMNS)}")
    known = {s.indicator for s in SERIES}
    rows = {}
    for number, line in numbered[1:]:  # the file's own line numbers, comments counted
        cells = next(csv.reader([line]))
        if len(cells) != len(header):
            raise ScenarioError(path, f"row {number}", f"{len(cells)} cells; expected {len(header)} ({','.join(header)})")
        row = dict(zip(header, cells, strict=True))
        if row["indicator"] not in known:
            raise ScenarioError(path, f"row {number}, column indicator", f"no model series answers {show(row['indicator'])};"
                                f" allowed: {', '.join(sorted(known))}")  # fmt: skip
        try:
            parse_value(row["value"])
        except ValueError:
            raise ScenarioError(path, f"row {number}, column value", f"expected a number, got {show(row['value'])}") from None
        if row["quality"] not in ("Q", "D", "U"):
            raise ScenarioError(path, f"row {number}, column quality", f"expected Q, D or U, got {show(row['quality'])}")
        rows[Row(row["indicator"], row["period"], row["geography"])] = row
    if not rows:
        raise ScenarioError(path, "rows", "no figures")
    return rows


def all_observations(targets: Path | None) -> tuple[Observation, ...]:
    """Every figure of the targets (default: the packaged ones) that a series answers."""
    return observations(rows=read_targets(targets) if targets else None)


def load_setup(
    scenario: Path, profile: Path | None, params: Path, known: tuple[Observation, ...], years: tuple[int, int], seed: int
) -> FitSetup:
    """The fit's scenario, free parameters and the observations of ``known`` in ``years``; ``ScenarioError`` for what cannot be fitted."""
    loaded = load_scenario(scenario, profile)
    first, last = loaded.profile.start_year, loaded.profile.start_year + loaded.years - 1
    if not first <= years[0] <= years[1] <= last:
        raise ScenarioError("--fit-years", "", f"{years[0]}-{years[1]} outside the run of {loaded.name}: {first}-{last}")
    fitted = tuple(o for o in known if years[0] <= o.year <= years[1])
    if not fitted:
        cover = f"{min(o.year for o in known)}-{max(o.year for o in known)}"
        raise ScenarioError("--fit-years", "", f"no published figure in {years[0]}-{years[1]}; the figures cover {cover}")
    return FitSetup(loaded, load_problem(params), fitted, seed)


def known_at_origin(setup: FitSetup) -> FitSetup:
    """The fit with the population path as known after its last fit year: observed to the next 1 January, a trend after.

    ``sdsim backtest --population known`` (the default): the forecast uses no population figure
    published after its origin (``Profile.known_at``).
    """
    scenario, year = setup.scenario, setup.last_year + 1
    return dataclasses.replace(setup, scenario=scenario.variant(f"population-{year}", profile=scenario.profile.known_at(year)))


def test_observations(known: tuple[Observation, ...], fit: tuple[int, int], test: tuple[int, int], scenario) -> tuple[Observation, ...]:
    """The figures of the test years (after the fit years, within the run); ``ScenarioError`` if none."""
    last = scenario.profile.start_year + scenario.years - 1
    if not fit[1] < test[0] <= test[1] <= last:
        raise ScenarioError("--test-years", "", f"{test[0]}-{test[1]} must follow the fit years (to {fit[1]}) within the run (to {last})")
    found = tuple(o for o in known if test[0] <= o.year <= test[1])
    if not found:
        raise ScenarioError("--test-years", "", f"no published figure in {test[0]}-{test[1]} to score")
    return found


def summary(setup: FitSetup, posterior: Posterior, args) -> dict[str, object]:
    """What calibration.json and backtest.json record beside the provenance."""
    q = posterior.quantiles([0.05, 0.5, 0.95])
    priors = [[d, *b] for d, b in zip(setup.problem.dists, setup.problem.bounds, strict=True)]
    return {
        "scenario": setup.scenario.composition(),
        "fit_years": list(args.fit_years),
        "seed": setup.seed,
        "figures": len(setup.observations),
        "method": "history matching with a quadratic emulator in waves; the emulated posterior (calibration/fit.py)",
        "waves": 1 + args.waves,
        "effective_sample_size": round(posterior.ess, 1),
        "simulations": posterior.evaluations,
        "seconds": round(posterior.seconds, 1),
        "simulations_per_second": round(posterior.evaluations / max(posterior.seconds, 1e-9), 2),
        "parameters": {n: {"p5": q[0, i], "p50": q[1, i], "p95": q[2, i], "prior": priors[i]} for i, n in enumerate(posterior.names)},
    }


def text_summary(setup: FitSetup, posterior: Posterior, stats: dict[str, dict[str, float]]) -> str:
    """The printed result: parameters with their 90 % intervals, then the fit per series."""
    q = posterior.quantiles([0.05, 0.5, 0.95])
    lines = [f"{'parameter':40s} {'median':>10s} {'90 % interval':>24s}"]
    lines += [f"{n:40s} {q[1, i]:>10.4g} {f'[{q[0, i]:.4g}, {q[2, i]:.4g}]':>24s}" for i, n in enumerate(posterior.names)]
    lines += ["", f"{'series':28s} {'figures':>7s} {'rms z':>6s} {'in p5-p95':>9s} {'model/figure':>12s}"]
    lines += [f"{k:28s} {int(v['figures']):>7d} {v['rms_z']:>6.2f} {v['within_band']:>9.0%} {v['ratio']:>12.3f}" for k, v in stats.items()]
    return "\n".join(lines)


def scores_text(scores: list[Score]) -> str:
    """The printed back-test table."""
    lines = [f"{'series':28s} {'forecast':>8s} {'n':>3s} {'MAPE %':>7s} {'MASE':>6s} {'CRPS':>10s} {'50 %':>5s} {'90 %':>5s}"]
    for s in scores:
        cover = "" if np.isnan(s.cover50) else f"{s.cover50:>5.0%} {s.cover90:>5.0%}"
        lines.append(f"{s.series:28s} {s.forecast:>8s} {s.n:>3d} {s.mape:>7.1f} {s.mase:>6.2f} {s.crps:>10,.0f} {cover}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Prediction:
    """The posterior predictive of every series and year: (series, year) keys and (draws, keys) values."""

    keys: list[tuple[str, int]]
    values: np.ndarray

    def of(self, series: str, year: int) -> np.ndarray:
        """The draws' values of one series in one year."""
        return self.values[:, self.keys.index((series, year))]

    def years(self, series: str) -> list[int]:
        """The years simulated for ``series``."""
        return [y for s, y in self.keys if s == series]


def predict(setup: FitSetup, posterior: Posterior, last_year: int, workers: int, dask_address: str | None = None,
            draws: int = PREDICTIVE_DRAWS) -> Prediction:  # fmt: skip
    """The posterior predictive to ``last_year`` from ``draws`` resampled draws (every series)."""
    sample = posterior.resample(draws, setup.seed)
    keys, values = predictive(setup.scenario, posterior.names, sample, setup.seed, last_year, SERIES, workers, dask_address)
    return Prediction(keys, values)


def geography(scenario: Scenario) -> str:
    """What the scenario's counts stand for, as the published figures name it.

    ``NL`` for a weighted sample (the national profile, 1:200), else the profile's name (a
    municipality's profile holds its whole population).
    """
    return "NL" if scenario.profile.weight > 1 else scenario.profile.name


def published(scenario: Scenario, replicates: int, seed: int, years: int, workers: int, draws: ParameterDraws | None = None
              ) -> Prediction:  # fmt: skip
    """``sdsim run``'s replicates in the published figures' terms: every series of ``calibration.series`` by year.

    Replicate r's census uses the same random numbers as the run's replicate r, with its posterior
    row where ``draws`` are given.
    """
    runs = [(draws.scenario(scenario, r) if draws else scenario, r) for r in range(replicates)]
    keys, values = simulate_replicates(runs, seed, scenario.profile.start_year + years - 1, SERIES, workers)
    return Prediction(keys, values)


def posterior_parquet(path: Path, posterior: Posterior) -> None:
    """``posterior.parquet``: a column per parameter and ``weight`` (pyarrow; written atomically)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: posterior.draws[:, i] for i, name in enumerate(posterior.names)} | {"weight": posterior.weights}
    buf = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), buf)
    write_atomic(path, buf.getvalue().to_pybytes())


def draws_csv(setup: FitSetup, posterior: Posterior, n: int = PARAMETER_DRAWS) -> str:
    """The parameter file: ``n`` equally weighted draws, onsets at the last fit year's level (a column per parameter)."""
    sample = at_year(posterior.names, posterior.resample(n, setup.seed), setup.last_year - setup.scenario.profile.start_year)
    buf = io.StringIO()
    buf.write(f"# posterior of the national fit ({setup.scenario.name}, fit years to {setup.last_year}); onsets at their {setup.last_year}"
              " level; `sdsim run|compare|forecast --posterior` gives replicate r the row r mod n\n")  # fmt: skip
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(posterior.names)
    writer.writerows([[f"{v:.6g}" for v in row] for row in sample])
    return buf.getvalue()


def _period(series: Series, year: int, published: dict[tuple[str, int], Observation]) -> str:
    """The period as the data write it: the published one where there is a figure, else in the form of the series' own."""
    if (series.key, year) in published:
        return published[series.key, year].period.rstrip("*")
    if series.measure.kind != "stock_end":
        return str(year)
    forms = [o.period.rstrip("*") for (key, _), o in published.items() if key == series.key]
    return f"{year}-12" if forms and all(len(f) == 7 for f in forms) else f"{year}-12-31"


def tidy_forecast(prediction: Prediction, observations: tuple[Observation, ...], area: str = "NL") -> str:
    """``indicator, geography, period, p10, p50, p90`` per series and year, in the data's indicator names and periods.

    ``area``: the geography column (``geography``).
    """
    published = {(o.series.key, o.year): o for o in observations}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["indicator", "geography", "period", "p10", "p50", "p90"])
    for key, year in prediction.keys:
        series = BY_KEY[key]
        quantiles = np.percentile(prediction.of(key, year), [10, 50, 90])
        writer.writerow([series.indicator, area, _period(series, year, published), *(_figure(q, series, False) for q in quantiles)])
    return buf.getvalue()


def fit_rows(prediction: Prediction, observations: tuple[Observation, ...], fit_years: tuple[int, int]) -> list[dict[str, object]]:
    """Per figure simulated: observed, predictive p5/p50/p95, z, and whether it holds.

    z is on the series' scale with the figure's stated error; a row says whether p5-p95 holds the
    figure, whether it lies within two errors (``|z| <= 2``) and whether it was fitted (in ``fit_years``).
    """
    rows = []
    simulated = set(prediction.keys)
    for o in observations:
        if (o.series.key, o.year) not in simulated:
            continue
        values = prediction.of(o.series.key, o.year)
        p5, p50, p95 = np.percentile(values, [5, 50, 95])
        z = (np.log(o.value) - np.log(max(p50, 1e-9))) / o.sd if o.series.unit == "log" else (o.value - p50) / o.sd
        rows.append({"series": o.series.key, "indicator": o.series.indicator, "period": o.period, "observed": o.value,
                     "p5": p5, "p50": p50, "p95": p95, "ratio": p50 / o.value, "z": z, "error": o.sd,
                     "within_band": bool(p5 <= o.value <= p95), "within_error": bool(abs(z) <= 2.0),
                     "fitted": fit_years[0] <= o.year <= fit_years[1], "flags": " ".join(o.flags)})  # fmt: skip
    return rows


def rows_csv(rows: list[dict[str, object]]) -> str:
    """Rows as CSV (numbers with up to 6 significant digits)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(rows[0]))
    writer.writerows([[f"{v:.6g}" if isinstance(v, float) else v for v in row.values()] for row in rows])
    return buf.getvalue()


def series_statistics(rows: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    """Per series of the fitted rows: figures, root mean square z, the share within the band, mean ratio model / figure."""
    by: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["fitted"]:
            by[str(row["series"])].append(row)
    return {
        key: {
            "figures": len(group),
            "rms_z": float(np.sqrt(np.mean([float(r["z"]) ** 2 for r in group]))),
            "within_band": float(np.mean([bool(r["within_band"]) for r in group])),
            "ratio": float(np.mean([float(r["ratio"]) for r in group])),
        }
        for key, group in by.items()
    }


def _figure(value: float, series: Series, separators: bool = True) -> str:
    """A figure as published: a whole count (with thousands separators in a report, none in a CSV), a share with one decimal."""
    return (f"{value:,.0f}" if separators else f"{value:.0f}") if series.unit == "log" else f"{value:.1f}"


def _chart(series: Series, prediction: Prediction, observations: list[Observation], split: int | None = None) -> str:
    """One series: the predictive p5-p95 band and median, the published figures; base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = prediction.years(series.key)
    values = np.array([prediction.of(series.key, y) for y in years])
    fig, ax = plt.subplots(figsize=(5.2, 3.0), dpi=100)
    ax.fill_between(years, np.percentile(values, 5, axis=1), np.percentile(values, 95, axis=1), alpha=0.25, label="model p5-p95")
    ax.plot(years, np.median(values, axis=1), label="model median")
    ax.errorbar([o.year for o in observations], [o.value for o in observations],
                yerr=[o.value * o.sd if series.unit == "log" else o.sd for o in observations],
                fmt="o", color="black", capsize=3, label="published (± error)")  # fmt: skip
    if split is not None:
        ax.axvline(split + 0.5, color="grey", linestyle=":", label="forecast origin")
    ax.set_title(series.label, fontsize=9)
    ax.set_xticks(years)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _table(head: list[str], rows: list[list[str]]) -> str:
    return table_html(head, [row_html(row) for row in rows])


STYLE = ("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;font-size:13px}"
         "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}img{margin:4px}</style>")  # fmt: skip


def report_html(title: str, intro: str, tables: list[tuple[str, str]], charts: list[str]) -> str:
    """A self-contained page: title, an introduction, tables and charts (base64 PNG)."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>{STYLE}</head><body>",
             f"<h1>{html.escape(title)}</h1><p>{intro}</p>"]  # fmt: skip
    parts += [f"<h2>{html.escape(head)}</h2>{table}" for head, table in tables]
    parts += ["<h2>Series</h2>"] + [f"<img alt='series chart' src='data:image/png;base64,{c}'>" for c in charts]
    return "".join(parts) + "</body></html>"


def parameter_table(setup: FitSetup, posterior: Posterior) -> str:
    """Prior range and posterior median [p5, p95] per free parameter."""
    q = posterior.quantiles([0.05, 0.5, 0.95])
    rows = [[name, setup.problem.dists[i] + " " + ", ".join(f"{b:.4g}" for b in setup.problem.bounds[i]),
             f"{q[1, i]:.4g}", f"[{q[0, i]:.4g}, {q[2, i]:.4g}]"] for i, name in enumerate(posterior.names)]  # fmt: skip
    return _table(["parameter", "prior", "posterior median", "90 % interval"], rows)


def fit_report(setup: FitSetup, posterior: Posterior, prediction: Prediction, rows: list[dict[str, object]],
               shown: tuple[Observation, ...]) -> str:  # fmt: skip
    """``fit_report.html``: parameters, per-series statistics, the figures of ``rows`` and charts.

    The figures fitted and those outside the fit years (a check) in two tables; per series
    a chart of the predictive with the published figures ``shown``.
    """
    stats = series_statistics(rows)
    stat_rows = [[k, str(int(v["figures"])), f"{v['rms_z']:.2f}", f"{v['within_band']:.0%}", f"{v['ratio']:.3f}"] for k, v in stats.items()]

    def figure_rows(fitted: bool) -> list[list[str]]:
        out = []
        for r in rows:
            if r["fitted"] != fitted:
                continue
            series = BY_KEY[str(r["series"])]
            out.append([str(r["series"]), str(r["period"]), _figure(float(r["observed"]), series), _figure(float(r["p50"]), series),
                        f"[{_figure(float(r['p5']), series)}, {_figure(float(r['p95']), series)}]", f"{float(r['error']):.3g}",
                        f"{r['z']:+.2f}", "yes" if r["within_error"] else "no", str(r["flags"])])  # fmt: skip
        return out

    head = ["series", "period", "published", "model median", "p5-p95", "error", "z", "|z| ≤ 2", "flags"]
    by_series = defaultdict(list)
    simulated = set(prediction.keys)
    for o in shown:
        if (o.series.key, o.year) in simulated:
            by_series[o.series.key].append(o)
    charts = [_chart(BY_KEY[k], prediction, obs, setup.last_year) for k, obs in by_series.items()]
    intro = (f"History matching with an emulator: {posterior.evaluations:,} simulations in {posterior.seconds:.0f} s; the posterior"
             f" has {len(posterior.weights):,} weighted draws (effective sample size {posterior.ess:.0f})."
             f" Bands: {prediction.values.shape[0]} posterior draws simulated, each with its own random numbers"
             " (parameter and replicate uncertainty together). z: (log figure - log median) / error for counts (the error"
             " relative), (figure - median) / error for shares (the error in percentage points). A period with * is a"
             " provisional figure.")  # fmt: skip
    return report_html(
        f"Fit of {setup.scenario.name}",
        html.escape(intro),
        [("Parameters", parameter_table(setup, posterior)),
         ("Fit per series (rms z: root mean square of z; within band: figures inside p5-p95)",
          _table(["series", "figures", "rms z", "within band", "model / figure"], stat_rows)),
         (f"Figures fitted ({min(o.year for o in setup.observations)}-{setup.last_year})", _table(head, figure_rows(True))),
         ("Figures outside the fit years (not fitted: a check)", _table(head, figure_rows(False)))],
        charts,
    )  # fmt: skip


def backtest_scores(prediction: Prediction, fit: tuple[Observation, ...], test: tuple[Observation, ...]) -> list[Score]:
    """Scores per series with figures in both the fit years and the test years."""
    history: dict[str, dict[int, float]] = defaultdict(dict)
    for o in fit:
        history[o.series.key][o.year] = o.value
    actual: dict[str, dict[int, float]] = defaultdict(dict)
    for o in test:
        actual[o.series.key][o.year] = o.value
    out = []
    for key in actual:
        if history.get(key):
            ensemble = {y: prediction.of(key, y) for y in actual[key]}
            out += score_series(key, actual[key], history[key], ensemble)
    return out


def score_record(score: Score) -> dict[str, object]:
    """A score for JSON: what is not defined (a naive forecast's coverage, MASE on one fit year) as null."""
    return {k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in dataclasses.asdict(score).items()}


def origins(fit: tuple[int, int], test: tuple[int, int], count: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """``count`` rolling origins: (fit years, test years) with the fit ending 0, 1, ... years earlier (latest last), same leads."""
    if fit[1] - count + 1 < fit[0]:
        raise ScenarioError("--origins", "", f"{count} origins need fit years ending in {fit[1] - count + 1} or later, after {fit[0]}")
    return [((fit[0], fit[1] - back), (test[0] - back, test[1] - back)) for back in range(count - 1, -1, -1)]


def scored_origins(by_origin: dict[int, list[Score]]) -> dict[str, list[Score]]:
    """Each origin's scores (keyed by the fit's last year) and, with several, ``pooled`` (``calibration.backtest.pooled``)."""
    out = {str(origin): scores for origin, scores in by_origin.items()}
    return out | ({"pooled": pooled([s for scores in by_origin.values() for s in scores])} if len(by_origin) > 1 else {})


def scores_csv(by_origin: dict[str, list[Score]]) -> str:
    """The back-test's scores, one row per origin (the fit's last year, or ``pooled``), series and forecast."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["origin", "series", "forecast", "figures", "mape", "mase", "crps", "cover50", "cover90"])
    for origin, scores in by_origin.items():
        for s in scores:
            values = (s.mape, s.mase, s.crps, s.cover50, s.cover90)
            writer.writerow([origin, s.series, s.forecast, s.n, *(f"{v:.4g}" for v in values)])
    return buf.getvalue()


def backtest_report(setup: FitSetup, posterior: Posterior, prediction: Prediction, test: tuple[Observation, ...],
                    by_origin: dict[str, list[Score]]) -> str:  # fmt: skip
    """``backtest.html``: the scores of every origin (pooled first) and each series of the latest with its origin marked."""

    def shown(value: float, form: str) -> str:
        return "-" if np.isnan(value) else format(value, form)  # undefined: a naive forecast's interval, MASE on one fit year

    head = ["series", "forecast", "figures", "MAPE %", "MASE", "CRPS", "50 % interval holds", "90 % interval holds"]
    tables = [(f"Parameters (fitted to {setup.last_year})", parameter_table(setup, posterior))]
    for origin in sorted(by_origin, key=lambda o: (o != "pooled", o)):
        rows = [[s.series, s.forecast, str(s.n), shown(s.mape, ".1f"), shown(s.mase, ".2f"),
                 shown(s.crps, ",.0f" if s.crps >= 10 else ".2f"), shown(s.cover50, ".0%"), shown(s.cover90, ".0%")]
                for s in by_origin[origin]]  # fmt: skip
        title = "Scores pooled over the origins" if origin == "pooled" else f"Scores, fitted to {origin}"
        tables.append((title, _table(head, rows)))
    by_series = defaultdict(list)
    for o in (*setup.observations, *test):
        by_series[o.series.key].append(o)
    charts = [_chart(BY_KEY[k], prediction, obs, setup.last_year) for k, obs in by_series.items()]
    intro = (f"Fitted on figures up to {setup.last_year} ({len(setup.observations)} figures; {posterior.evaluations:,} simulations,"
             f" effective sample size {posterior.ess:.0f}); forecast to {max(o.year for o in test)}, scored where published."
             " MASE: mean absolute error over the fit years' mean yearly change; CRPS: of the model's ensemble, a naive"
             " forecast's is its absolute error (last value, linear trend, drift: calibration/backtest.py)."
             + (f" Rolling origins: {', '.join(o for o in by_origin if o != 'pooled')} (the charts: the latest)."
                if len(by_origin) > 1 else ""))  # fmt: skip
    return report_html(f"Back-test of {setup.scenario.name}", html.escape(intro), tables, charts)


__all__ = [
    "Prediction", "all_observations", "backtest_report", "backtest_scores", "draws_csv", "fit_report", "fit_rows", "geography",
    "known_at_origin", "load_setup", "origins", "posterior_parquet", "predict", "published", "read_targets", "rows_csv", "score_record",
    "scored_origins", "scores_csv", "scores_text", "series_statistics", "summary", "test_observations", "text_summary",
    "tidy_forecast",
]  # fmt: skip
