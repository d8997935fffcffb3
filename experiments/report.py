"""A self-contained HTML report of a scenario comparison, for a council (Dutch by default, or English).

Every figure is a PNG saved in ``DIR/figures`` and embedded in ``DIR/report.html`` (base64), so the
file can be mailed on its own. Numbers always come with their uncertainty: bands from the 5th to the
95th percentile over replicates, and for differences the probability that spending falls.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter
from sdsim.experiments.compare import FACTORS, PERIOD_YEARS, Comparison, attribution, uncontrolled_share
from sdsim.experiments.output import write_atomic
from sdsim.experiments.runner import MonteCarloResult
from sdsim.experiments.summary import QUANTILES
from sdsim.simulation.indicators import label as metric_label
from sdsim.simulation.indicators import metric_kind, over_period, route_shares, unit
from sdsim.simulation.levers import lever_of
from sdsim.simulation.parameters import BY_NAME
from sdsim.simulation.schema import BUDGET_LINES, PRODUCT_LINE, PRODUCTS, ROUTES

LABELS = {
    "nl": {
        "title": "Scenariovergelijking sociaal domein",
        "changes": "Wat verandert er",
        "lever": "hefboom",
        "parameter": "parameter",
        "base_value": "basis",
        "new_value": "scenario",
        "source": "bron",
        "no_changes": "geen wijzigingen ten opzichte van de basis",
        "spending": "Uitgaven per begrotingspost (EUR per jaar; band: 5e-95e percentiel)",
        "clients": "Cliënten per begrotingspost (gemiddeld per jaar)",
        "difference": "Verschil met de basis (EUR per jaar, gepaard; band: 5e-95e percentiel)",
        "outcomes": "Maatschappelijke uitkomsten (gemiddelde over {years} jaar; [5e, 95e percentiel])",
        "attribution": "Verklaring van het verschil in zorguitgaven over {years} jaar (EUR)",
        "uncontrolled": "Aandeel zorguitgaven buiten de gemeentelijke toegang (arts, GI, rechter, zonder verwijzer)",
        "routes": "Verwijzers van gestarte jeugdhulptrajecten, in de categorieën van CBS (% over {years} jaar; [5e, 95e percentiel])",
        "provenance": "Herkomst",
        "prob_lower": "kans op lagere uitgaven",
        "total": "totaal",
        "other": "overig",
        "volume": "volume (instroom)",
        "duration": "duur",
        "price": "prijs",
        "mix": "mix (verschuiving tussen producten)",
        "year": "jaar",
        "scenario": "scenario",
        "line": "begrotingspost",
        "per_year": "per jaar",
        "summary": "{alt}: verschil in totale uitgaven over {years} jaar {mean} [{p5}, {p95}]; kans op lagere uitgaven {prob:.0%}",
        "method": "Elk scenario is met dezelfde huishoudens en dezelfde toevalsgetallen doorgerekend (common random numbers); "
        "verschillen zijn per replicatie gepaard.",
    },
    "en": {
        "title": "Social domain scenario comparison",
        "changes": "What changes",
        "lever": "lever",
        "parameter": "parameter",
        "base_value": "base",
        "new_value": "scenario",
        "source": "source",
        "no_changes": "no changes from the base",
        "spending": "Spending per budget line (EUR per year; band: 5th-95th percentile)",
        "clients": "Clients per budget line (mean per year)",
        "difference": "Difference from the base (EUR per year, paired; band: 5th-95th percentile)",
        "outcomes": "Outcomes (mean over {years} years; [5th, 95th percentile])",
        "attribution": "Attribution of the care spending difference over {years} years (EUR)",
        "uncontrolled": "Share of care spending entering through doors the municipality does not control (doctors, GI, judge, direct)",
        "routes": "Referral routes of started jeugdhulp trajectories in CBS's categories (% over {years} years; [5th, 95th percentile])",
        "provenance": "Provenance",
        "prob_lower": "probability spending falls",
        "total": "total",
        "other": "other",
        "volume": "volume (inflow)",
        "duration": "duration",
        "price": "price",
        "mix": "mix (shift between products)",
        "year": "year",
        "scenario": "scenario",
        "line": "budget line",
        "per_year": "per year",
        "summary": "{alt}: difference in total spending over {years} years {mean} [{p5}, {p95}]; probability spending falls {prob:.0%}",
        "method": "Every scenario ran with the same households and the same random numbers (common random numbers); "
        "differences are paired per replicate.",
    },
}
# Council outcomes, each over the report's period (``indicators.over_period``: flows as yearly means).
OUTCOMES = (
    "reach",
    "waiting_time.access",
    "escalations",
    "repeat_requests",
    "households.self_reliant",
    "exits_to_work",
    "households.duplicate_trajectories",
)
BAND = [QUANTILES["p5"], QUANTILES["p95"]]  # the uncertainty band of every figure and table
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6")


def _euros(x: float) -> str:
    return f"€{x / 1e6:,.2f}M" if abs(x) >= 1e5 else f"€{x:,.0f}"


def _png(fig: plt.Figure, path: Path) -> str:
    """Save ``fig`` to ``path`` and return it as a data URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _line_series(series: dict[str, np.ndarray], head: str) -> dict[str, np.ndarray]:
    """Sum product metrics ``head.<product>`` per budget line: ``{line: (replicates, years)}``."""
    out: dict[str, np.ndarray] = {}
    for p, prod in enumerate(PRODUCTS):
        line = BUDGET_LINES[PRODUCT_LINE[p]]
        out[line] = out.get(line, 0) + series[f"{head}.{prod.name}"]
    return out


def _fan(ax, years, values: np.ndarray, colour: str, label: str) -> None:
    lo, hi = np.percentile(values, BAND, axis=0)
    ax.fill_between(years, lo, hi, color=colour, alpha=0.2, linewidth=0)
    ax.plot(years, values.mean(axis=0), color=colour, label=label)


def _grid(panels: dict[str, list[tuple[np.ndarray, str, str]]], years, title: str, path: Path) -> str:
    """One small fan chart per panel; each panel holds (values, colour, label) per scenario."""
    n = len(panels)
    cols = 3
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.6 * rows), squeeze=False)
    for ax, (name, curves) in zip(axes.ravel(), panels.items(), strict=False):
        for values, colour, label in curves:
            _fan(ax, years, values, colour, label)
        ax.axhline(0, color="#999999", linewidth=0.5)
        if max(np.abs(values).max() for values, _, _ in curves) >= 1e5:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:.2f}M"))
        ax.set_title(name.replace("_", " "), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return _png(fig, path)


def _outcome_label(metric: str, lang: str) -> str:
    """The metric's label, its unit and, for a flow, "per year" (outcomes are yearly means)."""
    text = metric_label(metric, lang)
    if unit(metric) not in ("", "share"):
        text += f" ({unit(metric, lang)})"
    return f"{text} {LABELS[lang]['per_year']}" if metric_kind(metric) == "flow" else text


def _changes_table(result: MonteCarloResult, base: MonteCarloResult, t: dict[str, str]) -> str:
    changed = {k: v for k, v in result.scenario.changes.items() if base.scenario.changes.get(k) != v}
    if not changed:
        return f"<p><em>{t['no_changes']}</em></p>"
    rows = []
    for name, value in sorted(changed.items()):
        lever = lever_of(name)
        param = BY_NAME[name]
        before = base.scenario.changes.get(name, param.default)
        cells = (
            f"{lever.id} {lever.title}" if lever else "-",
            name,
            f"{before:g}",
            f"{value:g}",
            f"{param.unit}; {lever.seed if lever else param.source}",
        )
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{t[k]}</th>" for k in ("lever", "parameter", "base_value", "new_value", "source"))
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def write_report(comparison: Comparison, out: Path, provenance: dict, lang: str = "nl") -> Path:
    """Write ``out/report.html`` and ``out/figures/*.png``; return the report's path."""
    t = LABELS[lang]
    results = comparison.results
    start = comparison.base.scenario.profile.start_year
    series = [r.per_year for r in results]
    n_years = series[0]["spending.total"].shape[1]
    years = np.arange(start, start + n_years)
    period = min(PERIOD_YEARS, n_years)
    names = [r.scenario.name for r in results]
    colours = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}
    figures = out / "figures"
    lines = ["total", *[line for line in BUDGET_LINES if series[0][f"spending.{line}"].any()]]
    spend = {line: [(s[f"spending.{line}"], colours[n], n) for s, n in zip(series, names, strict=True)] for line in lines}
    clients = [_line_series(s, "clients") for s in series]
    client_panels = {line: [(c[line], colours[n], n) for c, n in zip(clients, names, strict=True)] for line in clients[0]}
    parts = [f"<h1>{t['title']}</h1>", f"<p>{html.escape(', '.join(names))}; {t['method']}</p>"]
    for alt in comparison.alternatives:
        d = comparison.differences(alt)["spending.total"][:, :period].sum(axis=1)
        p5, p95 = np.percentile(d, BAND)
        summary = t["summary"].format(alt=alt.scenario.name, years=period, mean=_euros(d.mean()), p5=_euros(p5), p95=_euros(p95),
                                      prob=float((d < 0).mean()))  # fmt: skip
        parts.append(f"<p class='summary'>{html.escape(summary)}</p>")
    for alt in comparison.alternatives:
        parts.append(f"<h2>{t['changes']}: {html.escape(alt.scenario.name)}</h2>")
        parts.append(f"<p>{html.escape(alt.scenario.description)}</p>")
        parts.append(_changes_table(alt, comparison.base, t))
    parts.append(f"<h2>{t['spending']}</h2>")
    parts.append(f"<img alt='spending' src='{_grid(spend, years, t['spending'], figures / 'spending.png')}'>")
    parts.append(f"<h2>{t['clients']}</h2>")
    parts.append(f"<img alt='clients' src='{_grid(client_panels, years, t['clients'], figures / 'clients.png')}'>")
    for i, alt in enumerate(comparison.alternatives, start=1):
        diffs = comparison.differences(alt)
        panels = {line: [(diffs[f"spending.{line}"], colours[names[i]], names[i])] for line in lines}
        src = _grid(panels, years, f"{t['difference']}: {alt.scenario.name}", figures / f"difference_{i}.png")
        parts.append(f"<h2>{t['difference']}: {html.escape(alt.scenario.name)}</h2><img alt='difference {i}' src='{src}'>")
    parts.append(f"<h2>{t['outcomes'].format(years=period)}</h2>")
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    rows = []
    for metric in OUTCOMES:
        cells = []
        for s in series:
            v = over_period(s, metric, period)
            lo, hi = np.percentile(v, BAND)
            fmt = "{:.1%}" if unit(metric) == "share" else "{:,.1f}"
            cells.append(f"{fmt.format(v.mean())} [{fmt.format(lo)}, {fmt.format(hi)}]")
        rows.append(f"<tr><td>{html.escape(_outcome_label(metric, lang))}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append(f"<table><tr><th></th>{head}</tr>{''.join(rows)}</table>")
    for alt in comparison.alternatives:
        parts.append(f"<h2>{t['attribution'].format(years=period)}: {html.escape(alt.scenario.name)}</h2>")
        parts.append(_attribution_table(attribution(comparison, alt, period), t))
    parts.append(f"<h2>{t['uncontrolled']}</h2>")
    shares = [uncontrolled_share(r, period) for r in results]
    rows = [
        f"<tr><td>{line.replace('_', ' ')}</td>" + "".join(f"<td>{s[line]:.0%}</td>" for s in shares) + "</tr>"
        for line in shares[0]
        if any(s[line] > 0 for s in shares)
    ]
    parts.append(f"<table><tr><th>{t['line']}</th>{head}</tr>{''.join(rows)}</table>")
    if all(f"started_route.{r}" in series[0] for r in ROUTES):
        parts.append(f"<h2>{t['routes'].format(years=period)}</h2>")
        parts.append(f"<table><tr><th></th>{head}</tr>{_routes_rows(series, period)}</table>")
    parts.append(f"<h2>{t['provenance']}</h2><pre>{html.escape(_pretty(provenance))}</pre>")
    page = _PAGE.format(lang=lang, title=t["title"], body="\n".join(parts))
    path = out / "report.html"
    write_atomic(path, page)
    return path


def _routes_rows(series: list[dict[str, np.ndarray]], period: int) -> str:
    """Table rows: each CBS referral route's share of started jeugdhulp per scenario (``indicators.route_shares``)."""
    shares = [route_shares({f"started_route.{r}": s[f"started_route.{r}"][:, :period].sum(axis=1) for r in ROUTES}) for s in series]
    rows = []
    for route in ROUTES:
        cells = []
        for share in shares:
            lo, hi = np.nanpercentile(share[route], BAND)
            cells.append(f"{np.nanmean(share[route]):.1f} [{lo:.1f}, {hi:.1f}]")
        rows.append(f"<tr><td>{route.replace('_', ' ')}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return "".join(rows)


def _attribution_table(parts: dict[str, dict[str, float]], t: dict[str, str]) -> str:
    keys = (*FACTORS, "other", "total")
    head = "".join(f"<th>{t[k]}</th>" for k in keys)
    rows = [
        f"<tr><td>{line.replace('_', ' ')}</td>" + "".join(f"<td>{_euros(v[k])}</td>" for k in keys) + "</tr>"
        for line, v in parts.items()
        if abs(v["total"]) > 0 or any(abs(v[k]) > 0 for k in FACTORS)
    ]
    return f"<table><tr><th>{t['line']}</th>{head}</tr>{''.join(rows)}</table>"


def _pretty(data: object) -> str:
    return json.dumps(data, indent=1, default=str)


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
td, th {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
img {{ max-width: 100%; }}
.summary {{ font-weight: bold; }}
pre {{ background: #f5f5f5; padding: 1em; font-size: 0.75em; overflow-x: auto; }}
</style></head>
<body>
{body}
</body></html>
"""
