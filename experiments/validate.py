"""``sdsim validate``: the model against every published figure it can produce (issue 10 item 7).

For each replicate the scenario runs its burn-in and then its first simulated year (the comparable
year), month by month, with a census of the households beside the usual indicators: the population
on 1 January (the basis of the scaling), who is in care on 1 January, every admission with its
product and door, and which households were in care at some time in the year. The definitions of
what is compared live in ``calibration.targets``; this module computes the numbers and writes the
table (printed, ``validation.csv``, ``validation.html``).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sdsim.calibration.targets import (
    BASIS_LABEL,
    DENOMINATORS,
    NOT_COMPARED,
    OWN_FIGURE_TARGETS,
    TARGETS,
    Measure,
    Row,
    Target,
    judge,
    measure_value,
    national_basis,
    price_factor,
    scaled_figure,
    source_rows,
    unique_groups,
)
from sdsim.experiments.output import provenance_of
from sdsim.experiments.runner import replicate_engine
from sdsim.scenarios.loader import Scenario
from sdsim.simulation.census import MONTHS, CensusYear, census_years
from sdsim.simulation.schema import JEUGDHULP

BASES = ("inhabitants", "youth_0_17", "youth_0_22", "households")
UNIQUE_GROUPS = unique_groups(t.model for t in TARGETS)


def run_year(scenario: Scenario, seed: int, replicate: int) -> CensusYear:
    """Burn in one replicate, then run its first year month by month with a census of the households.

    The engine is the runner's (``replicate_engine``); the indicators are those ``run_replicate``
    returns for a one-year horizon (a test checks they are identical).
    """
    engine = replicate_engine(scenario.profile, scenario.params, seed, replicate, MONTHS)
    return census_years(engine, 1, UNIQUE_GROUPS)[0]


def describe(measure: Measure | None) -> str:
    """The model side of a line in words."""
    if measure is None:
        return ""
    items = " + ".join(measure.items)
    return {
        "flow": f"sum over the year of {items}",
        "stock_mean": f"mean over the year of {items}",
        "stock_end": f"{items} at the end of December",
        "active": f"trajectories held on 1 January + started in the year: {items}",
        "unique": f"persons holding it at some time in the year: {items}",
        "per_person": f"persons holding each of {items} in the year, summed, per person holding any",
        "started_share": f"% of trajectories started of {' + '.join(measure.of)} that are {items}",
        "route_share": f"% of started jeugdhulp trajectories ({' + '.join(JEUGDHULP)}) referred by route {items}",
        "duration_share": f"% of ended jeugdhulp trajectories ({' + '.join(JEUGDHULP)}) that lasted {items.replace('_', '-')}",
    }[measure.kind]


@dataclass(frozen=True)
class Line:
    """One line of the validation table (numbers exact; formatting is the writers' job)."""

    target: Target
    published: str  # the figure as published: value, unit, geography and period (thousands separated)
    published_raw: str  # the same with the values exactly as in sources.csv
    national_basis: float | None
    figure: float | None  # scaled to the municipality
    mean: float | None
    p5: float | None
    p95: float | None
    ratio: float | None
    difference: float | None
    band: str
    verdict: str
    source: str
    quality: str
    rows: str
    model_definition: str


@dataclass(frozen=True)
class Validation:
    """The whole table and what it was computed from."""

    scenario: Scenario
    seed: int
    replicates: int
    year: int
    basis: dict[str, float]  # model population, mean over replicates
    lines: tuple[Line, ...]


def _verdict(target: Target, passed: bool | None, has_model: bool) -> str:
    if target.status == "not_produced":
        return "not produced"
    if target.status == "proxy":
        return "proxy"
    if not has_model:
        return "n/a"
    return "pass" if passed else "FAIL"


def _number(text: str) -> str:
    """A published value with thousands separators where it is a whole number of 1,000 or more."""
    try:
        value = int(text)
    except ValueError:
        return text
    return f"{value:,}"


def _published(rows: tuple[Row, ...], sources: dict[Row, dict[str, str]], pretty: bool = True, join: str = " + ") -> str:
    number = _number if pretty else str
    return join.join(f"{number(sources[r]['value'])} {sources[r]['unit']} ({r.geography} {r.period})" for r in rows)


def build_table(scenario: Scenario, years: list[CensusYear], seed: int) -> Validation:
    """Compare the replicates' comparable year with every target; add the sources' rows not compared."""
    sources = source_rows()
    basis = {b: float(np.mean([y.census.basis[b] for y in years])) for b in BASES}
    lines = []
    profile = scenario.profile
    own = {OWN_FIGURE_TARGETS[q][0]: (value, OWN_FIGURE_TARGETS[q][1]) for q, value in profile.figures.items()}
    for target in TARGETS:
        figure = scaled_figure(target, basis, sources)
        if figure is not None:  # a figure in euros, in euros of the comparable year
            figure *= price_factor(target, scenario.params, scenario.profile.start_year)
        values = np.array([measure_value(target.model, y) for y in years]) if target.model and target.status != "not_produced" else None
        mean = p5 = p95 = None
        if values is not None:
            mean, p5, p95 = float(np.mean(values)), float(np.percentile(values, 5)), float(np.percentile(values, 95))
        rows = target.figure + target.per
        den = DENOMINATORS[target.denominator] if target.denominator else None
        if den:
            rows += den.rows
        published = _published(target.figure, sources) + (f" / ({_published(target.per, sources)})" if target.per else "")
        raw = _published(target.figure, sources, False) + (f" / ({_published(target.per, sources, False)})" if target.per else "")
        source = "; ".join(dict.fromkeys(sources[r]["source"] for r in rows))
        basis_count = national_basis(target.denominator, sources) if den else None
        if target.key in own:  # the municipality's own count (profile build), not the national rate
            figure, unit = own[target.key]
            published = raw = f"{figure:,.0f} {unit} ({profile.name} {profile.start_year}, the profile's own figure)"
            source, basis_count, rows = "profile build (Profile.figures)", None, ()
        verdict = judge(target, mean, figure)
        lines.append(
            Line(
                target=target,
                published=published,
                published_raw=raw,
                national_basis=basis_count,
                figure=figure,
                mean=mean,
                p5=p5,
                p95=p95,
                ratio=verdict.ratio,
                difference=verdict.difference,
                band=verdict.band,
                verdict=_verdict(target, verdict.passed, mean is not None),
                source=source,
                quality="".join(dict.fromkeys(sources[r]["quality"] for r in rows)),
                rows="; ".join(str(r) for r in rows),
                model_definition=describe(target.model),
            )
        )
    compared = {r.indicator for t in TARGETS for r in (*t.figure, *t.per)} | {r.indicator for d in DENOMINATORS.values() for r in d.rows}
    for indicator, reason in NOT_COMPARED.items():
        if indicator in compared:
            continue
        keys = [r for r in sources if r.indicator == indicator]
        target = Target(indicator, indicator.replace("_", " "), "not compared", (), "share", "percent", None, "not_produced", note=reason)
        lines.append(
            Line(
                target=target,
                published=_published(tuple(keys), sources, join="; "),
                published_raw=_published(tuple(keys), sources, False, "; "),
                national_basis=None,
                figure=None,
                mean=None,
                p5=None,
                p95=None,
                ratio=None,
                difference=None,
                band="",
                verdict="not compared",
                source="; ".join(dict.fromkeys(sources[r]["source"] for r in keys)),
                quality="".join(dict.fromkeys(sources[r]["quality"] for r in keys)),
                rows="; ".join(str(r) for r in keys),
                model_definition="",
            )
        )
    return Validation(scenario, seed, len(years), scenario.profile.start_year, basis, tuple(lines))


def run_validation(scenario: Scenario, replicates: int, seed: int = 0, on_done: Callable[[int], None] | None = None) -> Validation:
    """Run replicates 0..R-1 of ``scenario`` (in this process) and build the table."""
    years = []
    for r in range(replicates):
        years.append(run_year(scenario, seed, r))
        if on_done:
            on_done(1)
    return build_table(scenario, years, seed)


# --- writers -----------------------------------------------------------------------------------


def fmt(value: float | None, share: bool = False) -> str:
    """A number for people: thousands separators, a sensible number of decimals; ``-`` for none."""
    if value is None or not np.isfinite(value):
        return "-"
    if share:
        return f"{value:.1f}"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def exact(value: float | None) -> str:
    """A number for machines: full precision, never scientific notation; empty for none."""
    if value is None or not np.isfinite(value):
        return ""
    return np.format_float_positional(value, trim="-")


def _basis(line: Line) -> str:
    t = line.target
    if line.verdict == "not compared":
        return "-"
    if t.basis in ("percent", "ratio"):
        return BASIS_LABEL[t.basis]
    if t.scaling == "rate":
        return f"{BASIS_LABEL[t.basis]} (published rate)"
    return f"{BASIS_LABEL[t.basis]} (NL {fmt(line.national_basis)})"


def _ratio(line: Line) -> str:
    if line.target.band == "points":
        return "-" if line.difference is None else f"{line.difference:+.1f} pt"
    return "-" if line.ratio is None else f"{line.ratio:.2f}"


def _model(line: Line, share: bool) -> str:
    if line.mean is None:
        return "-"
    return f"{fmt(line.mean, share)} [{fmt(line.p5, share)}, {fmt(line.p95, share)}]"


def header(v: Validation) -> list[str]:
    """Lines saying what was compared with what."""
    b = v.basis
    return [
        f"scenario {v.scenario.name} ({v.scenario.path.name}); seed {v.seed}; {v.replicates} replicates; "
        f"comparable year {v.year} (the first simulated year, after a {v.scenario.profile.burn_in_years}-year burn-in)",
        f"model population on 1 January {v.year} (mean over replicates, counted from the households): "
        f"{fmt(b['inhabitants'])} inhabitants, {fmt(b['youth_0_17'])} youth 0-17, {fmt(b['youth_0_22'])} youth 0-22, "
        f"{fmt(b['households'])} households (profile: {v.scenario.profile.inhabitants:,} inhabitants)",
        "figure = the national figure scaled to the municipality on the basis shown; model = mean [p5, p95] over replicates; "
        "band: issue 10's acceptance band",
    ]


COLUMNS = ("quantity", "published figure", "basis", "figure here", "model mean [p5, p95]", "ratio", "band", "verdict")


def _money(line: Line) -> bool:
    return line.target.model is not None and all(m.startswith("spending.") for m in line.target.model.metrics or ("",))


def _cells(line: Line) -> tuple[str, ...]:
    share = line.target.basis == "percent"
    crit = " *" if line.target.criterion else ""
    euro = "€ " if _money(line) or ("euro" in line.published and line.target.scaling != "share") else ""
    figure = fmt(line.figure, share)
    return (
        line.target.label + crit,
        line.published,
        _basis(line),
        euro + figure if figure != "-" else figure,
        (euro if line.mean is not None else "") + _model(line, share),
        _ratio(line),
        line.band,
        line.verdict,
    )


WIDTHS = (52, 40, 30)  # terminal widths of the quantity, published figure and basis columns (longer cells are shortened)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def text_table(v: Validation) -> str:
    """The aligned table for the terminal (long text cells shortened; the CSV and HTML have them whole)."""
    cells = [tuple(_shorten(c, WIDTHS[i]) if i < len(WIDTHS) else c for i, c in enumerate(_cells(line))) for line in v.lines]
    widths = [max(len(COLUMNS[i]), *(len(c[i]) for c in cells)) for i in range(len(COLUMNS))]
    right = {3, 4, 5}

    def row(values: tuple[str, ...]) -> str:
        return "  ".join(val.rjust(widths[i]) if i in right else val.ljust(widths[i]) for i, val in enumerate(values)).rstrip()

    out = [*header(v), "", row(COLUMNS), "  ".join("-" * w for w in widths)]
    group = None
    for line, c in zip(v.lines, cells, strict=True):
        if line.target.group != group:
            group = line.target.group
            out.append(f"[{group}]")
        out.append(row(c))
    out += ["", count_line(v)]
    return "\n".join(out)


def count_line(v: Validation) -> str:
    """How many of issue 10's acceptance criteria pass."""
    passed = sum(line.verdict == "pass" for line in v.lines if line.target.criterion)
    judged = sum(line.verdict in ("pass", "FAIL") for line in v.lines if line.target.criterion)
    total = sum(line.target.criterion for line in v.lines)
    return f"* issue 10 acceptance criterion: {passed} of {total} pass ({judged} judged; the rest not produced or proxies)"


def markdown_text(v: Validation) -> str:
    """``validation.md``: the table as Markdown (for a README or a report), with the header lines and the count."""

    def row(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("*", "\\*") for c in values) + " |"

    out = [*(f"{line}  " for line in header(v)), "", row(COLUMNS), "|" + "---|" * 3 + "--:|" * 3 + "---|---|"]
    group = None
    for line in v.lines:
        if line.target.group != group:
            group = line.target.group
            out.append(row((f"***{group}***", *[""] * (len(COLUMNS) - 1))).replace("\\*", "*"))
        cells = _cells(line)
        verdict = f"**{cells[-1]}**" if cells[-1] == "FAIL" else cells[-1]
        out.append(row(cells[:-1]) + f" {verdict} |")
    return "\n".join([*out, "", "\\" + count_line(v)]) + "\n"


CSV_COLUMNS = (
    "group", "key", "quantity", "status", "criterion", "year", "published", "basis", "national_basis", "figure_scaled",
    "model_mean", "model_p5", "model_p95", "ratio", "difference", "band", "verdict", "model_definition",
    "source_rows", "source", "quality", "note",
)  # fmt: skip


def csv_text(v: Validation) -> str:
    """``validation.csv``: one line per table line, exact numbers, no scientific notation."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in v.lines:
        t = line.target
        writer.writerow(
            [
                t.group, t.key, t.label, t.status, "yes" if t.criterion else "", v.year, line.published_raw, BASIS_LABEL[t.basis],
                exact(line.national_basis), exact(line.figure), exact(line.mean), exact(line.p5), exact(line.p95),
                exact(line.ratio), exact(line.difference), line.band, line.verdict, line.model_definition,
                line.rows, line.source, line.quality, t.note,
            ]
        )  # fmt: skip
    return buf.getvalue()


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group td { background: #fafafa; font-weight: bold; }
.pass { color: #176c2c; font-weight: bold; } .FAIL { color: #b00020; font-weight: bold; }
.muted { color: #777; } .note { color: #555; max-width: 28em; }
"""


def html_text(v: Validation) -> str:
    """``validation.html``: the same table, self-contained, with sources and notes."""
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in (*COLUMNS, "source (quality)", "model definition; note"))
    body = []
    group = None
    for line in v.lines:
        if line.target.group != group:
            group = line.target.group
            body.append(f'<tr class="group"><td colspan="10">{e(group)}</td></tr>')
        cells = _cells(line)
        verdict = cells[7]
        klass = verdict if verdict in ("pass", "FAIL") else "muted"
        tds = [f"<td>{e(cells[0])}</td>", f"<td>{e(cells[1])}</td>", f"<td>{e(cells[2])}</td>"]
        tds += [f'<td class="num">{e(c)}</td>' for c in cells[3:6]]
        tds += [f"<td>{e(cells[6])}</td>", f'<td class="{klass}">{e(verdict)}</td>']
        tds.append(f"<td>{e(line.source)} ({e(line.quality)})</td>")
        note = "; ".join(x for x in (line.model_definition, line.target.note) if x)
        tds.append(f'<td class="note">{e(note)}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    prov = provenance_of({"scenario_sha256": v.scenario.sha256})
    intro = "".join(f"<p>{e(x)}</p>" for x in header(v))
    intro += f'<p class="muted">sdsim {e(str(prov["packages"]["sdsim"]))}, git {e(str(prov["git_revision"]))}, '
    intro += f"scenario sha256 {e(v.scenario.sha256)}</p>"
    summary = text_table(v).splitlines()[-1]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>sdsim validation</title>'
        f"<style>{_CSS}</style></head><body><h1>Validation: {e(v.scenario.name)} against published figures</h1>{intro}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table><p>{e(summary)}</p></body></html>\n"
    )


def criteria_met(v: Validation) -> bool:
    """Whether every line named in issue 10's acceptance criteria passes."""
    return all(line.verdict == "pass" for line in v.lines if line.target.criterion)
