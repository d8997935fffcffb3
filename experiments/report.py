"""A self-contained HTML report of a scenario comparison, for a council (Dutch by default, or English).

The first screen (``<section class="samenvatting">``) answers the council's questions per option in
plain words: the net difference over the period with its band and the probability of a saving,
spending and revenue beside it, the saving target against what is realised, the main side effects
as paired differences, what the model leaves out, and how many replicates the numbers rest on.
Then come the lever table with each value's source, the charts, the outcomes as paired
differences, and the attribution of the spending difference over every budget line.

Every figure is a PNG saved in ``DIR/figures`` and embedded in ``DIR/report.html`` (base64), so the
file can be mailed on its own. Numbers are written by one function per kind (``money``, ``count``,
``percent``) in the report's language, in tables and on chart axes alike.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import Formatter
from sdsim.experiments.compare import (
    FACTORS,
    PERIOD_YEARS,
    Comparison,
    attribution,
    period_difference,
    realised_saving,
    spending_on,
    uncontrolled_share,
)
from sdsim.experiments.output import write_atomic
from sdsim.experiments.runner import MonteCarloResult
from sdsim.experiments.summary import QUANTILES
from sdsim.simulation.indicators import label as metric_label
from sdsim.simulation.indicators import metric_kind, over_period, route_shares, unit
from sdsim.simulation.levers import Lever, Target, lever_of, targets
from sdsim.simulation.parameters import BY_NAME
from sdsim.simulation.schema import BUDGET_LINES, DOMAINS, PRODUCT_LINE, PRODUCTS, ROUTES

BAND = [QUANTILES["p5"], QUANTILES["p95"]]  # the uncertainty band of every figure and table
MIN_REPLICATES = 20  # fewer replicates: the report warns that bands and probabilities are coarse
CONFIDENCE = 0.95  # of the bound a probability of 0 % or 100 % cannot be told apart from
COLOURS = ("#c55a11", "#2e75b6", "#548235", "#7030a0", "#bf9000", "#1f9e9e")  # alternatives; the base is black
BASE_COLOUR = "#000000"

LABELS = {
    "nl": {
        "title": "Scenariovergelijking sociaal domein",
        "summary_head": "Samenvatting",
        "meta": "Basis: {base}. Periode {period} ({years} jaar). Elke uitkomst is een gemiddelde over {replicates} replicaties "
        "(seed {seed}); alle scenario's rekenen met dezelfde huishoudens en toevalsgetallen, zodat elk verschil per replicatie "
        "gepaard is. Een negatief verschil is minder dan in de basis.",
        "headline": "Netto kosten (uitgaven min inkomsten en eigen bijdragen) over {period}: gemiddeld {change}. "
        "90 % van de uitkomsten ligt tussen {p5} en {p95}. Kans op besparing: {prob}.",
        "lower": "{amount} lager dan in de basis",
        "higher": "{amount} hoger dan in de basis",
        "same": "gelijk aan de basis",
        "money_head": (
            "",
            "verschil over {period} (gemiddeld)",
            "90 % van de uitkomsten ligt tussen",
            "kans op voordeel voor de begroting",
        ),
        "spending_row": "uitgaven",
        "revenue_row": "inkomsten (rijk en eigen bijdragen)",
        "net_row": "netto kosten",
        "per_year_net": "Netto verschil per jaar: {values}.",
        "overview_head": (
            "optie",
            "netto kosten, verschil over {period}",
            "90 % van de uitkomsten ligt tussen",
            "kans op besparing",
            "uitgaven",
            "inkomsten",
        ),
        "target": "Doel: {fraction} besparing op {lines}; gerealiseerd {mean} [{p5}, {p95}]",
        "target_met": "doel gehaald.",
        "target_missed": "doel niet gehaald: {gap} procentpunt te weinig, ongeveer {euros} over {period}.",
        "effects_head": ("gevolg", "verschil met de basis (gemiddeld)", "90 % van de uitkomsten ligt tussen"),
        "limits": "Niet gemodelleerd: {text}",
        "too_few": "Let op: deze uitkomsten rusten op {replicates} replicaties. Met minder dan {minimum} zijn de banden en kansen "
        "grof; reken voor een besluit met minstens {minimum} (--replicates).",
        "extreme": "Met {replicates} replicaties is een kans van {shown} niet te onderscheiden van een kans van {bound} "
        "(95 %-betrouwbaarheid).",
        "at_least": "{x} of meer",
        "at_most": "{x} of minder",
        "changes": "Wat verandert er",
        "lever": "hefboom",
        "parameter": "parameter",
        "base_value": "basis",
        "new_value": "scenario",
        "source": "bron",
        "registry": "{source} (parameterregister; het scenariobestand noemt geen bron)",
        "no_changes": "geen wijzigingen ten opzichte van de basis",
        "spending": "Uitgaven per begrotingspost (per jaar; band: 90 % van de uitkomsten)",
        "clients": "Cliënten per begrotingspost (gemiddeld per jaar)",
        "difference": "Verschil met de basis per begrotingspost (gepaard, per jaar; band: 90 % van de uitkomsten)",
        "outcomes": "Maatschappelijke uitkomsten: verschil met de basis (gemiddelde over {years} jaar; [90 % van de uitkomsten])",
        "base_level": "basis (niveau)",
        "attribution": "Verklaring van het verschil in uitgaven over {years} jaar",
        "uncontrolled": "Aandeel zorguitgaven buiten de gemeentelijke toegang (arts, GI, rechter, zonder verwijzer)",
        "routes": "Verwijzers van gestarte jeugdhulptrajecten, in de categorieën van CBS (% over {years} jaar; [90 % van de uitkomsten])",
        "provenance": "Herkomst",
        "total": "totaal",
        "other": "overig (producten in één scenario)",
        "non_care": "niet-zorg (voorzieningen, toegang, overhead, uitkeringen)",
        "volume": "volume (instroom)",
        "duration": "duur",
        "price": "prijs",
        "mix": "mix (verschuiving tussen producten)",
        "year": "jaar",
        "line": "begrotingspost",
        "per_year": "per jaar",
        "euro_axis": "€ mln",
        "thousand_axis": "€ duizend",
        "count_axis": "aantal",
        "base_suffix": " (basis)",
        "weeks": "weken",
        "points": "procentpunt",
        "points_short": "%-punt",
        "over_period": "totaal over {years} jaar",
        "mean_level": "gemiddeld aantal",
    },
    "en": {
        "title": "Social domain scenario comparison",
        "summary_head": "Summary",
        "meta": "Base: {base}. Period {period} ({years} years). Every outcome is a mean over {replicates} replicates (seed {seed}); "
        "all scenarios ran with the same households and random numbers, so every difference is paired per replicate. "
        "A negative difference is less than in the base.",
        "headline": "Net cost (spending less revenue and co-payments) over {period}: on average {change}. "
        "90% of the outcomes lie between {p5} and {p95}. Probability of a saving: {prob}.",
        "lower": "{amount} lower than in the base",
        "higher": "{amount} higher than in the base",
        "same": "the same as in the base",
        "money_head": ("", "difference over {period} (mean)", "90% of the outcomes lie between", "probability the budget gains"),
        "spending_row": "spending",
        "revenue_row": "revenue (national and co-payments)",
        "net_row": "net cost",
        "per_year_net": "Net difference per year: {values}.",
        "overview_head": (
            "option",
            "net cost, difference over {period}",
            "90% of the outcomes lie between",
            "probability of a saving",
            "spending",
            "revenue",
        ),
        "target": "Target: a saving of {fraction} on {lines}; realised {mean} [{p5}, {p95}]",
        "target_met": "target met.",
        "target_missed": "target missed by {gap} percentage points, about {euros} over {period}.",
        "effects_head": ("effect", "difference from the base (mean)", "90% of the outcomes lie between"),
        "limits": "Not modelled: {text}",
        "too_few": "Note: these outcomes rest on {replicates} replicates. With fewer than {minimum} the bands and probabilities "
        "are coarse; use at least {minimum} for a decision (--replicates).",
        "extreme": "With {replicates} replicates a probability of {shown} cannot be told apart from one of {bound} (95% confidence).",
        "at_least": "{x} or more",
        "at_most": "{x} or less",
        "changes": "What changes",
        "lever": "lever",
        "parameter": "parameter",
        "base_value": "base",
        "new_value": "scenario",
        "source": "source",
        "registry": "{source} (parameter registry; the scenario file names no source)",
        "no_changes": "no changes from the base",
        "spending": "Spending per budget line (per year; band: 90% of the outcomes)",
        "clients": "Clients per budget line (mean per year)",
        "difference": "Difference from the base per budget line (paired, per year; band: 90% of the outcomes)",
        "outcomes": "Outcomes: difference from the base (mean over {years} years; [90% of the outcomes])",
        "base_level": "base (level)",
        "attribution": "Attribution of the spending difference over {years} years",
        "uncontrolled": "Share of care spending entering through doors the municipality does not control (doctors, GI, judge, direct)",
        "routes": "Referral routes of started jeugdhulp trajectories in CBS's categories (% over {years} years; [90% of the outcomes])",
        "provenance": "Provenance",
        "total": "total",
        "other": "other (products in one scenario only)",
        "non_care": "non-care (provisions, access, overhead, benefits)",
        "volume": "volume (inflow)",
        "duration": "duration",
        "price": "price",
        "mix": "mix (shift between products)",
        "year": "year",
        "line": "budget line",
        "per_year": "per year",
        "euro_axis": "€ million",
        "thousand_axis": "€ thousand",
        "count_axis": "number",
        "base_suffix": " (base)",
        "weeks": "weeks",
        "points": "percentage points",
        "points_short": "pp",
        "over_period": "total over {years} years",
        "mean_level": "mean number",
    },
}
LINE_NAMES = {
    "nl": {
        "total": "totaal",
        "jeugd_ambulant": "jeugdhulp ambulant",
        "jeugd_verblijf": "jeugdhulp met verblijf",
        "jeugd_gedwongen_kader": "jeugdbescherming (gedwongen kader)",
        "wmo_hbh": "hulp bij het huishouden",
        "wmo_begeleiding": "Wmo-begeleiding",
        "wmo_hulpmiddelen": "Wmo-hulpmiddelen",
        "wmo_beschermd_wonen": "beschermd wonen",
        "participatie_bijstand": "bijstandsuitkeringen",
        "participatie_reintegratie": "re-integratie",
        "participatie_beschut_werk": "beschut werk",
        "schulden": "schuldhulpverlening",
        "algemene_voorzieningen": "algemene voorzieningen",
        "toegang": "toegang (wijkteams)",
        "overhead": "overhead en contractbeheer",
    },
    "en": {
        "total": "total",
        "jeugd_ambulant": "youth care, outpatient",
        "jeugd_verblijf": "youth care, residential",
        "jeugd_gedwongen_kader": "youth protection (court-ordered)",
        "wmo_hbh": "household help",
        "wmo_begeleiding": "Wmo support",
        "wmo_hulpmiddelen": "Wmo aids",
        "wmo_beschermd_wonen": "sheltered housing",
        "participatie_bijstand": "social assistance benefits",
        "participatie_reintegratie": "re-integration",
        "participatie_beschut_werk": "sheltered work",
        "schulden": "debt help",
        "algemene_voorzieningen": "general provisions",
        "toegang": "access teams",
        "overhead": "overhead and contract management",
    },
}
# Council outcomes of the outcomes table, each over the report's period (``indicators.over_period``: flows as yearly means).
OUTCOMES = (
    "reach",
    "waiting_time.access",
    "waiting_time.provider",
    "escalations",
    "repeat_requests",
    "households.self_reliant",
    "exits_to_work",
    "households.duplicate_trajectories",
)


class Effect(NamedTuple):
    """A side effect on the first screen: the paired difference of the sum of ``metrics`` over the period."""

    nl: str
    en: str
    metrics: tuple[str, ...]


EFFECTS = (
    Effect("wachttijd toegang", "access waiting time", ("waiting_time.access",)),
    Effect("wachttijd aanbieder", "provider waiting time", ("waiting_time.provider",)),
    Effect("wachtlijst bij aanbieders (huishoudens)", "provider waiting list (households)", tuple(f"waitlist.{d}" for d in DOMAINS)),
    Effect("escalaties en crises", "escalations and crises", ("escalations",)),
    Effect("waarvan crises", "of which crises", tuple(f"crises.{d}" for d in DOMAINS)),
    Effect("afwijzingen bij triage", "refusals at triage", tuple(f"refused_eligibility.{d}" for d in DOMAINS)),
    Effect("cliënten in het gedwongen kader", "clients under a court order", ("clients_tier.forced",)),
    Effect("bereik (aandeel met passende hulp)", "reach (share in need with support)", ("reach",)),
)


# --- numbers, one function per kind ------------------------------------------------------------


def number(x: float, lang: str, decimals: int | None = 0, sign: bool = False) -> str:
    """``x`` with the language's separators (nl ``12.345,6``, en ``12,345.6``).

    Args:
        x: the value (not finite: ``-``).
        lang: ``nl`` or ``en``.
        decimals: digits after the decimal mark; None: as few as needed (up to six significant digits).
        sign: a plus sign before a positive value (differences); a value that rounds to zero has no sign.
    """
    if not np.isfinite(x):
        return "-"
    text = f"{abs(x):,.{decimals}f}" if decimals is not None else f"{abs(x):,.6g}" if abs(x) < 1e6 else f"{abs(x):,.0f}"
    if text.strip("0.,") != "":
        text = ("-" if x < 0 else "+" if sign else "") + text
    return text.translate(str.maketrans(",.", ".,")) if lang == "nl" else text


def money(x: float, lang: str, sign: bool = False) -> str:
    """Euros: millions with one decimal from a million, thousands rounded below (nl ``€ 1,2 mln``, ``€ -850.000``; en ``-€1.2M``)."""
    if not np.isfinite(x):
        return "-"
    big = abs(x) >= 0.95e6  # rounds to a million or more
    text = number(abs(x) / 1e6 if big else round(abs(x), -3 if abs(x) >= 1e4 else 0), lang, 1 if big else 0)
    mark = "" if text.strip("0.,") == "" else "-" if x < 0 else "+" if sign else ""
    if lang == "nl":
        return f"€ {mark}{text}{' mln' if big else ''}"
    return f"{mark}€{text}{'M' if big else ''}"


def count(x: float, lang: str, decimals: int = 0, sign: bool = False) -> str:
    """A count or an amount of a unit (``12.345``; with ``decimals`` for means: ``1,5``; ``sign``: ``+32``)."""
    return number(x, lang, decimals, sign)


def percent(share: float, lang: str, decimals: int = 1, sign: bool = False) -> str:
    """A share as a percentage (0.098: nl ``9,8 %``, en ``9.8%``)."""
    text = number(100.0 * share, lang, decimals, sign)
    return f"{text} %" if lang == "nl" else f"{text}%"


# --- the first screen ---------------------------------------------------------------------------


def period_label(comparison: Comparison, years: int) -> str:
    """The report's period in words: ``2026–2030``."""
    start = comparison.base.scenario.profile.start_year
    return f"{start}–{start + years - 1}"


def _band(values: np.ndarray) -> tuple[float, float, float]:
    """Mean, 5th and 95th percentile over replicates (NaN ignored)."""
    lo, hi = np.nanpercentile(values, BAND)
    return float(np.nanmean(values)), float(lo), float(hi)


def extreme_bound(replicates: int, confidence: float = CONFIDENCE) -> float:
    """The lowest probability that gives ``replicates`` successes out of ``replicates`` with chance 1 - ``confidence``.

    An observed 100 % is then indistinguishable from this value or more (one-sided exact binomial
    bound: p^R = 1 - confidence); an observed 0 % mirrors it.
    """
    return float((1.0 - confidence) ** (1.0 / replicates))


def probability_note(prob: float, replicates: int, lang: str) -> str:
    """Words for a probability of 0 % or 100 %, which few replicates cannot tell from a lower one; "" otherwise."""
    if 0.0 < prob < 1.0:
        return ""
    t = LABELS[lang]
    bound = extreme_bound(replicates)
    text = t["at_least"].format(x=percent(bound, lang, 0)) if prob == 1.0 else t["at_most"].format(x=percent(1.0 - bound, lang, 0))
    return t["extreme"].format(replicates=replicates, shown=percent(prob, lang, 0), bound=text)


def replicates_warning(replicates: int, lang: str) -> str:
    """The warning for fewer than ``MIN_REPLICATES`` replicates; "" with enough."""
    if replicates >= MIN_REPLICATES:
        return ""
    return LABELS[lang]["too_few"].format(replicates=replicates, minimum=MIN_REPLICATES)


def _lines_text(lines: tuple[str, ...], lang: str) -> str:
    names = [LINE_NAMES[lang].get(line, line.replace("_", " ")) for line in lines]
    joiner = " en " if lang == "nl" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + joiner + names[-1]


def target_text(target: Target, realised: np.ndarray, base_spending: float, period: str, lang: str) -> str:
    """The target against the realised saving (per replicate), and plainly whether it is met, with the shortfall."""
    t = LABELS[lang]
    mean, p5, p95 = _band(realised)
    text = t["target"].format(fraction=percent(target.fraction, lang, 0), lines=_lines_text(target.lines, lang),
                              mean=percent(mean, lang), p5=percent(p5, lang), p95=percent(p95, lang))  # fmt: skip
    if mean >= target.fraction - target.tolerance:
        return f"{text}: {t['target_met']}"
    gap = target.fraction - mean
    missed = t["target_missed"].format(gap=number(100.0 * gap, lang, 1), euros=money(gap * base_spending, lang), period=period)
    return f"{text}: {missed}"


def _effect_value(effect: Effect, values: float, lang: str) -> str:
    """A side effect's difference in its unit: weeks, percentage points, or a count (flows: total over the period)."""
    t = LABELS[lang]
    head = effect.metrics[0]
    if unit(head) == "weeks":
        return f"{count(values, lang, 1, sign=True)} {t['weeks']}"
    if unit(head) == "share":
        return f"{number(100.0 * values, lang, 1, sign=True)} {t['points']}"
    return count(values, lang, 1 if metric_kind(head) == "stock" else 0, sign=True)


def _effect_label(effect: Effect, years: int, lang: str) -> str:
    t = LABELS[lang]
    text = effect.nl if lang == "nl" else effect.en
    kind = metric_kind(effect.metrics[0])
    if kind == "flow":
        return f"{text} ({t['over_period'].format(years=years)})"
    return f"{text} ({t['mean_level']})" if kind == "stock" and unit(effect.metrics[0]) != "share" else text


def effects_table(comparison: Comparison, alt: MonteCarloResult, years: int, lang: str) -> str:
    """The main side effects as paired differences over the period (those whose metrics the run holds)."""
    t = LABELS[lang]
    rows = []
    for effect in EFFECTS:
        if not all(_available(alt.per_year, m) for m in effect.metrics):
            continue
        mean, p5, p95 = _band(period_difference(comparison, alt, effect.metrics, years))
        band = f"{_effect_value(effect, p5, lang)} … {_effect_value(effect, p95, lang)}"
        rows.append(row_html((_effect_label(effect, years, lang), _effect_value(effect, mean, lang), band)))
    return table_html(t["effects_head"], rows, "effecten")


def _available(series: dict[str, np.ndarray], metric: str) -> bool:
    try:
        over_period(series, metric, 1)
    except KeyError:
        return False
    return True


def money_table(comparison: Comparison, alt: MonteCarloResult, years: int, period: str, lang: str) -> str:
    """Spending, revenue and net cost: the paired difference over the period, its band and the chance the budget gains."""
    t = LABELS[lang]
    rows = []
    for key, metric, gain in (("spending_row", "spending.total", -1), ("revenue_row", "revenue.total", 1), ("net_row", "net_cost", -1)):
        d = period_difference(comparison, alt, (metric,), years)
        mean, p5, p95 = _band(d)
        cells = (
            t[key],
            money(mean, lang, sign=True),
            f"{money(p5, lang, sign=True)} … {money(p95, lang, sign=True)}",
            percent(float((gain * d > 0).mean()), lang, 0),
        )
        rows.append(row_html(cells))
    head = tuple(h.format(period=period) for h in t["money_head"])
    return table_html(head, rows, "geld")


def overview_table(comparison: Comparison, years: int, period: str, lang: str) -> str:
    """One row per option: the net difference, its band and the probability of a saving, spending and revenue beside it."""
    rows = []
    for alt in comparison.alternatives:
        net = period_difference(comparison, alt, ("net_cost",), years)
        mean, p5, p95 = _band(net)
        spending, revenue = (period_difference(comparison, alt, (m,), years).mean() for m in ("spending.total", "revenue.total"))
        band = f"{money(p5, lang, sign=True)} … {money(p95, lang, sign=True)}"
        prob = percent(float((net < 0).mean()), lang, 0)
        rows.append(row_html((alt.scenario.name, money(mean, lang, sign=True), band, prob, money(spending, lang, sign=True),
                          money(revenue, lang, sign=True))))  # fmt: skip
    return table_html(tuple(h.format(period=period) for h in LABELS[lang]["overview_head"]), rows, "overzicht")


def option_summary(comparison: Comparison, alt: MonteCarloResult, years: int, lang: str) -> str:
    """The first screen's block for one option: headline, money table, target, side effects, limits, notes."""
    t = LABELS[lang]
    start = comparison.base.scenario.profile.start_year
    period = period_label(comparison, years)
    replicates = alt.values.shape[0]
    net = period_difference(comparison, alt, ("net_cost",), years)
    mean, p5, p95 = _band(net)
    prob = float((net < 0).mean())
    amount = money(abs(mean), lang)
    change = t["same"] if amount == money(0.0, lang) else t["lower" if mean < 0 else "higher"].format(amount=amount)
    headline = t["headline"].format(period=period, change=change, p5=money(p5, lang), p95=money(p95, lang), prob=percent(prob, lang, 0))
    parts = [f"<h3>{html.escape(alt.scenario.name)}</h3>", f"<p>{html.escape(alt.scenario.description)}</p>"]
    parts.append(f"<p class='kern'>{html.escape(headline)}</p>")
    note = probability_note(prob, replicates, lang)
    if note:
        parts.append(f"<p class='waarschuwing'>{html.escape(note)}</p>")
    parts.append(money_table(comparison, alt, years, period, lang))
    per_year = comparison.differences(alt)["net_cost"].mean(axis=0)[:years]
    values = "; ".join(f"{start + y} {money(v, lang, sign=True)}" for y, v in enumerate(per_year))
    parts.append(f"<p>{html.escape(t['per_year_net'].format(values=values))}</p>")
    for lever, target in targets(alt.scenario.params):
        realised = realised_saving(comparison, alt, target, years)
        base = float(spending_on(comparison.base.per_year, target.lines, years).mean())
        text = target_text(target, realised, base, period, lang)
        parts.append(f"<p class='doel'>{html.escape(_lever_title(lever, lang))}. {html.escape(text)}</p>")
    parts.append(effects_table(comparison, alt, years, lang))
    for text in _limits(alt, comparison.base, lang):
        parts.append(f"<p class='grenzen'>{html.escape(t['limits'].format(text=text))}</p>")
    return "<div class='optie'>" + "\n".join(parts) + "</div>"


def summary_section(comparison: Comparison, years: int, lang: str) -> str:
    """The first screen: replicates, seed and period, a warning when replicates are few, then one block per option."""
    t = LABELS[lang]
    base = comparison.base
    replicates = base.values.shape[0]
    meta = t["meta"].format(base=base.scenario.name, period=period_label(comparison, years), years=years, replicates=replicates,
                            seed=base.seed)  # fmt: skip
    parts = [f"<h2>{t['summary_head']}</h2>", f"<p class='meta'>{html.escape(meta)}</p>"]
    warning = replicates_warning(replicates, lang)
    if warning:
        parts.append(f"<p class='waarschuwing'>{html.escape(warning)}</p>")
    parts.append(overview_table(comparison, years, period_label(comparison, years), lang))
    parts += [option_summary(comparison, alt, years, lang) for alt in comparison.alternatives]
    return "<section class='samenvatting'>\n" + "\n".join(parts) + "\n</section>"


# --- the levers ---------------------------------------------------------------------------------


def _changed(alt: MonteCarloResult, base: MonteCarloResult) -> dict[str, float]:
    return {k: v for k, v in alt.scenario.changes.items() if base.scenario.changes.get(k) != v}


def _lever_title(lever: Lever, lang: str) -> str:
    return f"{lever.id} {lever.title_nl or lever.title}" if lang == "nl" else f"{lever.id} {lever.title}"


def _levers(alt: MonteCarloResult, base: MonteCarloResult) -> list[Lever]:
    """The levers whose parameters the alternative changes, each once, in the order of its changes."""
    return list(dict.fromkeys(lever for name in sorted(_changed(alt, base)) if (lever := lever_of(name)) is not None))


def _limits(alt: MonteCarloResult, base: MonteCarloResult, lang: str) -> list[str]:
    """What the model leaves out of each lever the alternative changes (once per lever)."""
    texts = [(lever.limits_nl or lever.limits) if lang == "nl" else lever.limits for lever in _levers(alt, base)]
    return [text for text in texts if text]


def mechanisms(alt: MonteCarloResult, base: MonteCarloResult, lang: str) -> str:
    """How each lever the alternative changes acts in the model, one line per lever."""
    lines = [f"{_lever_title(lever, lang)}: {(lever.mechanism_nl or lever.mechanism) if lang == 'nl' else lever.mechanism}"
             for lever in _levers(alt, base)]  # fmt: skip
    return "".join(f"<p class='werking'>{html.escape(line)}</p>" for line in lines)


def _parameter_text(name: str, lang: str) -> str:
    """The parameter's description in ``lang`` where the registry has one, else its name."""
    param = BY_NAME[name]
    described = getattr(param, "description_nl", "") if lang == "nl" else param.unit  # registry: descriptions in English
    return f"{described} ({name})" if described else name


def source_of(name: str, scenario_sources: dict[str, str], lang: str) -> str:
    """The source a value's scenario file gives, else the registry's, marked as such."""
    if name in scenario_sources:
        return scenario_sources[name]
    return LABELS[lang]["registry"].format(source=BY_NAME[name].source)


def changes_table(alt: MonteCarloResult, base: MonteCarloResult, lang: str) -> str:
    """The lever table: lever, parameter, base and scenario value, and the value's source."""
    t = LABELS[lang]
    changed = _changed(alt, base)
    if not changed:
        return f"<p><em>{t['no_changes']}</em></p>"
    rows = []
    for name, value in sorted(changed.items()):
        lever = lever_of(name)
        before = base.scenario.changes.get(name, BY_NAME[name].default)
        cells = (_lever_title(lever, lang) if lever else "-", _parameter_text(name, lang), number(before, lang, None),
                 number(value, lang, None), source_of(name, alt.scenario.sources, lang))  # fmt: skip
        rows.append(row_html(cells))
    return table_html(tuple(t[k] for k in ("lever", "parameter", "base_value", "new_value", "source")), rows, "hefbomen")


# --- charts -------------------------------------------------------------------------------------


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


class Curve(NamedTuple):
    """One scenario's values in a panel: ``(replicates, years)``, its colour and legend label; the base is drawn last, dashed."""

    values: np.ndarray
    colour: str
    label: str
    base: bool = False


class AxisNumbers(Formatter):
    """Tick labels in ``number``'s format, divided by ``scale`` (1e6: € mln), with as many decimals as the tick step needs."""

    def __init__(self, scale: float, lang: str) -> None:
        self.scale, self.lang, self.ticks = scale, lang, np.zeros(0)

    def set_locs(self, locs: list[float]) -> None:
        """Remember the axis's tick positions (their step sets the decimals)."""
        self.ticks = np.asarray(locs, dtype=float)

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of the tick at ``x``."""
        steps = np.diff(self.ticks) / self.scale
        step = float(steps.min()) if steps.size and steps.min() > 0 else 1.0
        decimals = next((d for d in range(7) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 6)  # 0.025: three
        return number(x / self.scale, self.lang, decimals)


def _fan(ax: plt.Axes, years: np.ndarray, curve: Curve) -> None:
    lo, hi = np.percentile(curve.values, BAND, axis=0)
    style = {"linestyle": "--", "marker": "o", "markersize": 3, "linewidth": 1.6, "zorder": 5} if curve.base else {"linewidth": 1.8}
    ax.fill_between(years, lo, hi, color=curve.colour, alpha=0.12 if curve.base else 0.2, linewidth=0)
    ax.plot(years, curve.values.mean(axis=0), color=curve.colour, label=curve.label, **style)


def _grid(panels: dict[str, list[Curve]], years: np.ndarray, title: str, euros: bool, path: Path, lang: str) -> str:
    """``grid_figure`` saved to ``path``, as a data URI."""
    return _png(grid_figure(panels, years, title, euros, lang), path)


def _axis_unit(curves: list[Curve], euros: bool, lang: str) -> tuple[float, str]:
    """The y axis's scale and unit: € mln, or € thousand where every value stays below € 100.000, or a count."""
    t = LABELS[lang]
    if not euros:
        return 1.0, t["count_axis"]
    small = max(float(np.abs(c.values).max()) for c in curves) < 1e5
    return (1e3, t["thousand_axis"]) if small else (1e6, t["euro_axis"])


def grid_figure(panels: dict[str, list[Curve]], years: np.ndarray, title: str, euros: bool, lang: str) -> plt.Figure:
    """One small fan chart per panel (budget line), whole years on the x axis, the unit on the y axis, one legend."""
    cols = 3
    rows = int(np.ceil(len(panels) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.7 * rows), squeeze=False)
    ticks = years[:: -(-len(years) // 10)]  # whole years, at most ten labels
    for ax, (line, curves) in zip(axes.ravel(), panels.items(), strict=False):
        for curve in sorted(curves, key=lambda c: c.base):  # the base last, on top
            _fan(ax, years, curve)
        ax.axhline(0, color="#999999", linewidth=0.5)
        ax.set_title(LINE_NAMES[lang].get(line, line), fontsize=9)
        ax.set_xticks(ticks, [str(y) for y in ticks])
        scale, name = _axis_unit(curves, euros, lang)
        ax.yaxis.set_major_formatter(AxisNumbers(scale, lang))
        ax.set_ylabel(name, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(panels) :]:
        ax.axis("off")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=min(len(labels), 4), fontsize=8, bbox_to_anchor=(0.5, 1.0))
    fig.suptitle(title, fontsize=11, y=1.04)
    fig.tight_layout()
    return fig


def _curves(series: list[dict[str, np.ndarray]], names: list[str], key: str, lang: str) -> list[Curve]:
    """One curve per scenario of ``series[i][key]``: the base black and marked, the alternatives in colour."""
    suffix = LABELS[lang]["base_suffix"]
    return [
        Curve(s[key], BASE_COLOUR, name + suffix, True) if i == 0 else Curve(s[key], COLOURS[(i - 1) % len(COLOURS)], name)
        for i, (s, name) in enumerate(zip(series, names, strict=True))
    ]


def charts(comparison: Comparison, out: Path, lang: str) -> list[str]:
    """The HTML of the spending, clients and difference charts (PNG files in ``out/figures``)."""
    t = LABELS[lang]
    results = comparison.results
    series = [r.per_year for r in results]
    names = [r.scenario.name for r in results]
    n_years = series[0]["spending.total"].shape[1]
    years = np.arange(comparison.base.scenario.profile.start_year, comparison.base.scenario.profile.start_year + n_years)
    figures = out / "figures"
    lines = ["total", *[line for line in BUDGET_LINES if any(s[f"spending.{line}"].any() for s in series)]]
    spend = {line: _curves(series, names, f"spending.{line}", lang) for line in lines}
    clients = [_line_series(s, "clients") for s in series]
    client_panels = {line: _curves(clients, names, line, lang) for line in clients[0]}
    parts = [
        f"<h2>{t['spending']}</h2>",
        f"<img alt='spending' src='{_grid(spend, years, t['spending'], True, figures / 'spending.png', lang)}'>",
    ]
    src = _grid(client_panels, years, t["clients"], False, figures / "clients.png", lang)
    parts += [f"<h2>{t['clients']}</h2>", f"<img alt='clients' src='{src}'>"]
    for i, alt in enumerate(comparison.alternatives, start=1):
        diffs = comparison.differences(alt)
        colour = COLOURS[(i - 1) % len(COLOURS)]
        panels = {
            line: [Curve(diffs[f"spending.{line}"], colour, names[i])]
            for line in lines
            if line == "total" or diffs[f"spending.{line}"].any()
        }
        title = f"{t['difference']}: {alt.scenario.name}"
        src = _grid(panels, years, title, True, figures / f"difference_{i}.png", lang)
        parts.append(f"<h2>{html.escape(title)}</h2><img alt='difference {i}' src='{src}'>")
    return parts


# --- tables -------------------------------------------------------------------------------------


def row_html(cells: tuple[str, ...] | list[str]) -> str:
    """A table row of text cells (escaped)."""
    return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


def table_html(head: tuple[str, ...] | list[str], rows: list[str], css: str = "") -> str:
    """A table: the head's cells, then the rows (``row_html``)."""
    heads = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return f"<table class='{css}'><tr>{heads}</tr>{''.join(rows)}</table>"


def _outcome_label(metric: str, lang: str) -> str:
    """The metric's label, its unit and, for a flow, "per year" (outcomes are yearly means)."""
    text = metric_label(metric, lang)
    if unit(metric) not in ("", "share"):
        text += f" ({unit(metric, lang)})"
    return f"{text} {LABELS[lang]['per_year']}" if metric_kind(metric) == "flow" else text


def _outcome_cell(values: np.ndarray, metric: str, lang: str, difference: bool) -> str:
    """Mean [p5, p95] of a level or of a signed difference (a share's difference in percentage points)."""

    def fmt(v: float) -> str:
        if unit(metric) == "share":
            return number(100.0 * v, lang, 1, difference) if difference else percent(v, lang)
        return count(v, lang, 1, difference)

    mean, p5, p95 = _band(values)
    text = f"{fmt(mean)} [{fmt(p5)}, {fmt(p95)}]"
    return f"{text} {LABELS[lang]['points_short']}" if difference and unit(metric) == "share" else text


def outcomes_table(comparison: Comparison, years: int, lang: str) -> str:
    """Council outcomes: the base's level, then each alternative's paired difference (a share's in percentage points)."""
    t = LABELS[lang]
    base = comparison.base.per_year
    head = ("", t["base_level"], *(alt.scenario.name for alt in comparison.alternatives))
    rows = []
    for metric in OUTCOMES:
        cells = [_outcome_label(metric, lang), _outcome_cell(over_period(base, metric, years), metric, lang, False)]
        for alt in comparison.alternatives:
            d = over_period(alt.per_year, metric, years) - over_period(base, metric, years)
            cells.append(_outcome_cell(d, metric, lang, True))
        rows.append(row_html(cells))
    return table_html(head, rows, "uitkomsten")


def attribution_table(parts: dict[str, dict[str, float]], lang: str) -> str:
    """Every budget line whose spending differs, split into factors, and the total row (the whole spending difference)."""
    t = LABELS[lang]
    keys = (*FACTORS, "other", "non_care", "total")
    rows = [
        row_html([LINE_NAMES[lang].get(line, line), *(money(v[k], lang) for k in keys)])
        for line, v in parts.items()
        if line == "total" or any(abs(v[k]) > 0 for k in keys)
    ]
    return table_html((t["line"], *(t[k] for k in keys)), rows, "verklaring")


def _routes_rows(series: list[dict[str, np.ndarray]], period: int, lang: str) -> list[str]:
    """Table rows: each CBS referral route's share of started jeugdhulp per scenario (``indicators.route_shares``)."""
    shares = [route_shares({f"started_route.{r}": s[f"started_route.{r}"][:, :period].sum(axis=1) for r in ROUTES}) for s in series]
    rows = []
    for route in ROUTES:
        cells = [route.replace("_", " ")]
        for share in shares:
            mean, lo, hi = _band(share[route])
            cells.append(f"{number(mean, lang, 1)} [{number(lo, lang, 1)}, {number(hi, lang, 1)}]")
        rows.append(row_html(cells))
    return rows


def write_report(comparison: Comparison, out: Path, provenance: dict, lang: str = "nl") -> Path:
    """Write ``out/report.html`` and ``out/figures/*.png``; return the report's path."""
    t = LABELS[lang]
    results = comparison.results
    series = [r.per_year for r in results]
    names = [r.scenario.name for r in results]
    period = min(PERIOD_YEARS, series[0]["spending.total"].shape[1])
    parts = [f"<h1>{t['title']}</h1>", summary_section(comparison, period, lang)]
    for alt in comparison.alternatives:
        parts.append(f"<h2>{t['changes']}: {html.escape(alt.scenario.name)}</h2>")
        parts.append(changes_table(alt, comparison.base, lang))
        parts.append(mechanisms(alt, comparison.base, lang))
    parts += charts(comparison, out, lang)
    parts.append(f"<h2>{t['outcomes'].format(years=period)}</h2>")
    parts.append(outcomes_table(comparison, period, lang))
    for alt in comparison.alternatives:
        parts.append(f"<h2>{t['attribution'].format(years=period)}: {html.escape(alt.scenario.name)}</h2>")
        parts.append(attribution_table(attribution(comparison, alt, period), lang))
    parts.append(f"<h2>{t['uncontrolled']}</h2>")
    shares = [uncontrolled_share(r, period) for r in results]
    rows = [
        row_html([LINE_NAMES[lang].get(line, line), *(percent(s[line], lang, 0) for s in shares)])
        for line in shares[0]
        if any(s[line] > 0 for s in shares)
    ]
    parts.append(table_html((t["line"], *names), rows))
    if all(f"started_route.{r}" in series[0] for r in ROUTES):
        parts.append(f"<h2>{t['routes'].format(years=period)}</h2>")
        parts.append(table_html(("", *names), _routes_rows(series, period, lang)))
    parts.append(f"<h2>{t['provenance']}</h2><pre>{html.escape(_pretty(provenance))}</pre>")
    page = _PAGE.format(lang=lang, title=t["title"], body="\n".join(parts))
    path = out / "report.html"
    write_atomic(path, page)
    return path


def _pretty(data: object) -> str:
    return json.dumps(data, indent=1, default=str)


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; line-height: 1.4; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
td, th {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
td:not(:first-child) {{ white-space: nowrap; }}
table.hefbomen td {{ white-space: normal; }}
table.hefbomen td, table.hefbomen th {{ text-align: left; }}
table.verklaring tr:last-child td, table.geld tr:last-child td {{ font-weight: 600; }}
img {{ max-width: 100%; }}
.samenvatting {{ border: 2px solid #1f4e79; border-radius: 6px; padding: 0.5em 1.2em; margin-bottom: 2em; background: #f7fafd; }}
table.overzicht td:first-child {{ font-weight: 600; }}
.optie {{ border-top: 1px solid #bcd; margin-top: 1em; }}
.kern {{ font-weight: bold; font-size: 1.05em; }}
.waarschuwing {{ background: #fff4ce; border-left: 4px solid #bf9000; padding: 0.4em 0.8em; }}
.doel {{ font-weight: 600; }}
.grenzen {{ font-style: italic; }}
pre {{ background: #f5f5f5; padding: 1em; font-size: 0.75em; overflow-x: auto; }}
</style></head>
<body>
{body}
</body></html>
"""
