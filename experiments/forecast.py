"""``sdsim forecast``: a multi-year forecast per budget line for a finance controller (issue 13, items 3-5).

For every calendar year of the horizon and every budget line (with its Iv3 taakveld, ``schema.LINE_TAAKVELD``) the
forecast gives, over the Monte Carlo replicates:

- clients at year end and on average, inflow and outflow (household trajectories, as ``clients.<product>`` counts
  them, summed over the line's products; ``participatie_bijstand``: households on bijstand; ``algemene_voorzieningen``:
  household-domains using a general provision; ``overhead`` has no clients). *At year end* is the stock at the end of
  December, read from the monthly series (every stock is counted at month end); *on average* is the mean of the twelve
  month-end stocks, as ``indicators.yearly`` makes every stock. Inflow and outflow are yearly sums of admissions and
  ends of care (lines without products have none);
- spending, national revenue (``revenue.<line>``) and co-payments (``copayments.<line>``): the Wmo abonnementstarief
  is paid per household, and a household holds one Wmo trajectory at a time, so each month's payment is booked on the
  line of the trajectory that makes it pay (a hulpmiddel held beside HbH adds none);
- the budget where one is given, the deficit (spending minus budget, positive = overspending) and the probability of
  overspending (the share of replicates whose spending exceeds the budget);
- mean and the 10th, 50th and 90th percentiles, and the amount needed at 70, 80, 90 and 95 % certainty (the
  70/80/90/95th percentiles of spending, as municipalities publish risks for their weerstandsvermogen). Percentiles
  interpolate linearly between replicates (numpy's default, Excel's ``PERCENTILE.INC``). A deficit's statistics are
  spending's less the budget, which is a constant: ``p50(deficit) = p50(spending) - budget`` exactly.

Money is in nominal euros of each calendar year (tariffs, benefits and wages indexed with the scenario's ``index.*``
rates). The run starts on 1 January of the profile's start year after the profile's burn-in; a later ``--start``
(a January) runs through the years before it and leaves them out (``first_year``). With ``--caseload``
(``scenarios.caseload``: per product the trajectories in care and waiting, with their months) that state is set to
the municipality's caseload exactly, and each client's remaining care is drawn from the duration law given its
months in care (``simulation.caseload``); every scenario then starts from it.

Budget: a budget file (``--budget``), else the profile's own budget per line (``profile_budget``: ``profile build``
with ``budget_<line>`` figures). A budget file is a CSV with the header ``budget_line,year,amount``, one row per budget line and year, the
amount in euros with a decimal point (``1234567.50``, no thousands separators), lines starting with ``#`` ignored.
``budget_line`` is a name of ``schema.BUDGET_LINES`` or an Iv3 taakveld code that holds exactly one of them
(``6.1``, ``6.2``, ``6.4``, ``6.5``, ``6.6``, ``6.81``, ``6.82``, ``0.4``; 6.3, 6.71 and 6.72 hold two lines each and
must be given per line). A line or a year left out has no budget. Every mistake (missing column, unknown line, an
amount that is negative or not a number, a year outside the forecast, a line and year given twice) is refused with
one line naming the file, the row and the column. ``scenarios/budgets/default.csv`` is an example for the default
municipality: for every line the baseline forecast's median spending in 2026 (seed 0, 200 replicates, rounded to
thousands of euros), held in 2026 euros and indexed with the line's own index rate (``prices.LINE_INDEX``) for
2027-2030 (a budget that follows prices but not volumes, as a meerjarenraming often does).

Outputs (``write_outputs``): ``forecast.xlsx`` (sheets ``samenvatting``, one per budget line named by taakveld and
line, ``totaal``, ``cliënten``, ``aannames``, ``herkomst``; years as columns; amounts × € 1.000 as numbers with a
thousands format; every total a ``=SUM(...)`` formula written with its computed value), ``forecast.csv`` (tidy, one
row per kind, scenario, line, year and quantity) and ``figures/<line>.png`` (fan charts). With ``--compare ALT``
the alternative runs with common random numbers (replicate r of both meets the same draws; by default each scenario
burns in under its own policy, so the base's forecast is the same with or without ``--compare``; with
``--burn-in shared`` both start from the base's burned-in households, the transition from today; a start from a
burned-in state continues the run it came from: 8 replicates of the baseline, seed 0, 842 HbH clients and 282
outflows in 2026 against 844 and 284 in a continuous run) and
``difference.xlsx`` holds the same tables for the paired differences ALT - base (its probability row is the share of
replicates in which ALT is higher); ``forecast.csv`` holds the alternative's own forecast and the differences too.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from sdsim.experiments.output import CSV_DIALECTS, write_atomic
from sdsim.experiments.output import number as csv_number
from sdsim.experiments.runner import MonteCarloResult
from sdsim.scenarios.loader import Scenario, ScenarioError
from sdsim.scenarios.posterior import ParameterDraws
from sdsim.simulation.prices import INDICES, LINE_INDEX, index_factor
from sdsim.simulation.schema import BUDGET_LINES, COPAY_LINES, LINE_PRODUCTS, LINE_TAAKVELD, PRODUCTS

TOTAL = "total"
LINES: tuple[str, ...] = (*BUDGET_LINES, TOTAL)
CERTAINTY: tuple[int, ...] = (70, 80, 90, 95)  # the weerstandsvermogen's certainty levels, percent
PERCENTILES: dict[str, int] = {"p10": 10, "p50": 50, "p90": 90, **{f"p{c}": c for c in CERTAINTY if c != 90}}
STATS: tuple[str, ...] = ("mean", "p10", "p50", "p90", "p70", "p80", "p95")
COUNTS: tuple[str, ...] = ("clients_end", "clients_mean", "inflow", "outflow")
MONEY: tuple[str, ...] = ("spending", "revenue", "copayments", "budget", "deficit")
QUANTITIES: tuple[str, ...] = (*COUNTS, *MONEY)
THOUSAND = 1000.0  # the workbook's amounts are euros / 1.000
BUDGET_COLUMNS: tuple[str, ...] = ("budget_line", "year", "amount")
MAX_AMOUNT = 1e13  # euros: no municipality's budget line comes near

TAAKVELD_NAMES: dict[str, tuple[str, str]] = {
    "0.4": ("overhead", "overhead"),
    "6.1": ("samenkracht en burgerparticipatie", "community strength and participation"),
    "6.2": ("wijkteams", "neighbourhood teams"),
    "6.3": ("inkomensregelingen", "income schemes"),
    "6.4": ("begeleide participatie", "supported participation"),
    "6.5": ("arbeidsparticipatie", "labour participation"),
    "6.6": ("maatwerkvoorzieningen (Wmo)", "individual provisions (Wmo)"),
    "6.71": ("maatwerkdienstverlening 18+", "individual services 18+"),
    "6.72": ("maatwerkdienstverlening 18-", "individual services under 18"),
    "6.81": ("geëscaleerde zorg 18+", "escalated care 18+"),
    "6.82": ("geëscaleerde zorg 18-", "escalated care under 18"),
}
# A taakveld code stands for a line in a budget file where it holds that line alone.
TAAKVELD_LINE: dict[str, str] = {
    code: lines[0] for code in TAAKVELD_NAMES if len(lines := [n for n, c in LINE_TAAKVELD.items() if c == code]) == 1
}

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "clients_end": "cliënten op 31 december",
        "clients_mean": "cliënten gemiddeld over het jaar",
        "inflow": "instroom",
        "outflow": "uitstroom",
        "spending": "uitgaven",
        "revenue": "inkomsten (rijksmiddelen)",
        "copayments": "eigen bijdragen (Wmo)",
        "budget": "begroting",
        "deficit": "tekort (uitgaven − begroting)",
        "p_overspend": "kans op overschrijding van de begroting",
        "p_increase": "kans dat het alternatief hoger uitkomt",
        "needed": "benodigd bedrag bij {c} % zekerheid",
        "mean": "verwachting",
        "title": "Prognose sociaal domein: {scenario}",
        "difference_title": "Verschil {alt} − {base} (gepaard, dezelfde toevalsgetallen)",
        "amounts": "bedragen × € 1.000, lopende prijzen van elk jaar; {replicates} replicaties, seed {seed}",
        "line": "begrotingsregel",
        "taakveld": "taakveld",
        "quantity": "grootheid",
        "statistic": "maat",
        "period": "totaal {first}-{last}",
        "total": "totaal",
        "summary_mean": "{what}, verwachting (gemiddelde over replicaties)",
        "summary_prob": "kans op overschrijding van de begroting",
        "summary_needed": "benodigd bedrag bij 90 % zekerheid (totaal: 90e percentiel van het totaal, geen som)",
        "period_note": "Totaalkolom: bij verwachting en begroting de som (formule); bij percentielen het percentiel van het "
        "meerjarentotaal per replicatie (geen som).",
        "clients_sheet": "cliënten",
        "assumptions": "aannames",
        "provenance": "herkomst",
        "summary": "samenvatting",
        "product": "voorziening",
        "bijstand": "huishoudens in de bijstand",
        "general": "gebruikers algemene voorzieningen (huishouden-domeinen)",
        "parameter": "parameter",
        "value": "waarde",
        "default": "standaard",
        "source": "bron",
        "changed": "Door het scenario gewijzigde parameters",
        "indices": "Indexering (per jaar)",
        "run": "Berekening",
        "none_changed": "geen: alle parameters op hun standaardwaarde",
        "posterior": "Parameters per replicatie getrokken uit een posterior (sdsim calibrate; replicatie r neemt rij r mod n)",
        "figure_title": "{line} ({taakveld}): uitgaven",
        "band": "10e-90e percentiel",
        "median": "mediaan",
        "budget_line_label": "begroting",
        "axis_thousand": "× € 1.000",
        "axis_million": "€ mln",
        "count_unit": "aantal",
    },
    "en": {
        "clients_end": "clients at year end",
        "clients_mean": "clients on average over the year",
        "inflow": "inflow",
        "outflow": "outflow",
        "spending": "spending",
        "revenue": "revenue (national)",
        "copayments": "co-payments (Wmo)",
        "budget": "budget",
        "deficit": "deficit (spending − budget)",
        "p_overspend": "probability of overspending the budget",
        "p_increase": "probability that the alternative is higher",
        "needed": "amount needed at {c}% certainty",
        "mean": "expected",
        "title": "Social domain forecast: {scenario}",
        "difference_title": "Difference {alt} − {base} (paired, common random numbers)",
        "amounts": "amounts × € 1,000, current prices of each year; {replicates} replicates, seed {seed}",
        "line": "budget line",
        "taakveld": "Iv3 taakveld",
        "quantity": "quantity",
        "statistic": "statistic",
        "period": "total {first}-{last}",
        "total": "total",
        "summary_mean": "{what}, expected (mean over replicates)",
        "summary_prob": "probability of overspending the budget",
        "summary_needed": "amount needed at 90% certainty (total: 90th percentile of the total, not a sum)",
        "period_note": "Total column: for expected values and budgets the sum (a formula); for percentiles the percentile of "
        "the multi-year total per replicate (not a sum).",
        "clients_sheet": "clients",
        "assumptions": "assumptions",
        "provenance": "provenance",
        "summary": "summary",
        "product": "provision",
        "bijstand": "households on bijstand",
        "general": "general-provision users (household-domains)",
        "parameter": "parameter",
        "value": "value",
        "default": "default",
        "source": "source",
        "changed": "Parameters the scenario changes",
        "indices": "Indexation (per year)",
        "run": "Run",
        "none_changed": "none: every parameter at its default",
        "posterior": "Parameters drawn per replicate from a posterior (sdsim calibrate; replicate r takes row r mod n)",
        "figure_title": "{line} ({taakveld}): spending",
        "band": "10th-90th percentile",
        "median": "median",
        "budget_line_label": "budget",
        "axis_thousand": "× € 1,000",
        "axis_million": "€ M",
        "count_unit": "count",
    },
}


# --- the budget file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """Budgets per line and year from a budget file: ``amounts[line][year]`` in euros."""

    path: Path
    amounts: dict[str, dict[int, float]]

    def of(self, line: str, years: tuple[int, ...]) -> np.ndarray:
        """The line's budget per year (NaN where none is given)."""
        given = self.amounts.get(line, {})
        return np.array([given.get(y, np.nan) for y in years], dtype=np.float64)


def profile_budget(scenario: Scenario, years: tuple[int, ...]) -> Budget | None:
    """The profile's own budget per line (``Profile.budget``, euros of its start year) for ``years``; None without one.

    Each later year is indexed with the line's index rate (``prices.LINE_INDEX``): a budget that follows
    prices, not volumes.
    """
    profile = scenario.profile
    if not profile.budget:
        return None
    amounts = {
        line: {y: amount * index_factor(scenario.params[LINE_INDEX[line]], profile.start_year, y) for y in years}
        for line, amount in profile.budget.items()
    }
    return Budget(path=scenario.profile_path, amounts=amounts)


def _line_of(code: str) -> str | None:
    """The budget line a budget file's ``budget_line`` cell names (a line name or a taakveld holding one line)."""
    if code in BUDGET_LINES:
        return code
    return TAAKVELD_LINE.get(code)


def read_budget(path: Path, years: tuple[int, ...]) -> Budget:
    """Read a budget CSV (see the module docstring) for the forecast years ``years``.

    Raises:
        ScenarioError: naming the file, the row and the column of the first mistake.
    """
    from sdsim.scenarios.files import read_text, show

    text = read_text(path, "--budget")
    rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text)), start=1) if r and any(c.strip() for c in r)]
    rows = [(n, [c.strip() for c in r]) for n, r in rows if not r[0].lstrip().startswith("#")]
    if not rows:
        raise ScenarioError(path, "row 1", f"empty; expected a header {','.join(BUDGET_COLUMNS)}")
    head_row, header = rows[0]
    for column in BUDGET_COLUMNS:
        if column not in header:
            raise ScenarioError(path, f"row {head_row}, column {column}", f"missing; the header must be {','.join(BUDGET_COLUMNS)}")
    extra = [c for c in header if c not in BUDGET_COLUMNS]
    if extra:
        raise ScenarioError(path, f"row {head_row}, column {show(extra[0])}", f"unknown column; expected {','.join(BUDGET_COLUMNS)}")
    at = {c: header.index(c) for c in BUDGET_COLUMNS}
    amounts: dict[str, dict[int, float]] = {}
    first_row: dict[tuple[str, int], int] = {}
    names = ", ".join(BUDGET_LINES)
    codes = ", ".join(TAAKVELD_LINE)
    for number, cells in rows[1:]:
        if len(cells) != len(header):
            raise ScenarioError(path, f"row {number}", f"{len(cells)} cells; expected {len(header)} ({','.join(header)})")
        cell = cells[at["budget_line"]]
        line = _line_of(cell)
        if line is None:
            several = [n for n, c in LINE_TAAKVELD.items() if c == cell]
            hint = f"taakveld {cell} holds {' and '.join(several)}: give each line" if several else f"expected one of {names}; or {codes}"
            raise ScenarioError(path, f"row {number}, column budget_line", f"unknown budget line {show(cell)}; {hint}")
        cell = cells[at["year"]]
        try:
            year = int(cell)
        except ValueError:
            raise ScenarioError(path, f"row {number}, column year", f"expected a whole year, got {show(cell)}") from None
        if year not in years:
            raise ScenarioError(path, f"row {number}, column year", f"{year} is outside the forecast {years[0]}-{years[-1]}")
        cell = cells[at["amount"]]
        try:
            amount = float(cell)
        except ValueError:
            raise ScenarioError(
                path, f"row {number}, column amount", f"expected euros as a number with a decimal point (1234567.50), got {show(cell)}"
            ) from None
        if not math.isfinite(amount) or not 0 <= amount <= MAX_AMOUNT:
            raise ScenarioError(path, f"row {number}, column amount", f"expected euros in [0, {MAX_AMOUNT:.0e}], got {show(cell)}")
        if (line, year) in first_row:
            raise ScenarioError(
                path, f"row {number}, column budget_line", f"{line} {year} is given twice (first on row {first_row[line, year]})"
            )
        first_row[line, year] = number
        amounts.setdefault(line, {})[year] = amount
    return Budget(path=Path(path), amounts=amounts)


# --- the forecast ------------------------------------------------------------------------------


def client_metrics(line: str) -> list[str]:
    """The stock series whose sum is a line's clients (empty: the line has none)."""
    products = LINE_PRODUCTS[line]
    if products:
        return [f"clients.{p}" for p in products]
    return {"participatie_bijstand": ["households.bijstand"], "algemene_voorzieningen": ["clients_tier.general"]}.get(line, [])


def year_end(result: MonteCarloResult, metric: str, years: int) -> np.ndarray:
    """(replicates, years): a stock's value at the end of December of each year (the month-end stock of month 12)."""
    return result.series(metric)[:, 11 : 12 * years : 12]


@dataclass
class Forecast:
    """Per-replicate yearly values of every line's quantities, the budget, and their statistics.

    ``samples[line][quantity]`` is ``(replicates, years)``; a quantity a line lacks is absent. ``budget[line]`` is
    ``(years,)`` with NaN where none is given. A difference forecast (``difference``) has no budget.
    """

    scenario: str
    start_year: int
    years: tuple[int, ...]
    replicates: int
    seed: int
    samples: dict[str, dict[str, np.ndarray]]
    budget: dict[str, np.ndarray]
    difference: bool = False
    base: str = ""
    _stats: dict[tuple[str, str], dict[str, np.ndarray]] = field(default_factory=dict, repr=False)

    def has(self, line: str, quantity: str) -> bool:
        """Whether the line has this quantity (budget and deficit: a budget in some year)."""
        if quantity in ("budget", "deficit"):
            return bool(np.isfinite(self.budget[line]).any())
        return quantity in self.samples[line]

    def stats(self, line: str, quantity: str) -> dict[str, np.ndarray]:
        """``{stat: (years,)}`` for ``STATS``: the mean and percentiles over replicates (NaN where undefined; computed once)."""
        key = (line, quantity)
        if key not in self._stats:
            self._stats[key] = self._compute(line, quantity)
        return self._stats[key]

    def _compute(self, line: str, quantity: str) -> dict[str, np.ndarray]:
        if quantity == "budget":
            return dict.fromkeys(STATS, self.budget[line])
        if quantity == "deficit":
            return {k: v - self.budget[line] for k, v in self.stats(line, "spending").items()}
        values = self.samples[line][quantity]
        out = {"mean": values.mean(axis=0)}
        out |= {k: np.percentile(values, q, axis=0) for k, q in PERCENTILES.items()}
        return out

    def probability(self, line: str) -> np.ndarray:
        """(years,): P(spending > budget) (NaN without a budget), or for a difference P(ALT spends more)."""
        spending = self.samples[line]["spending"]
        if self.difference:
            return (spending > 0).mean(axis=0)
        budget = self.budget[line]
        return np.where(np.isfinite(budget), (spending > budget).mean(axis=0), np.nan)

    def period(self, line: str, quantity: str) -> dict[str, float]:
        """The money quantity over the whole horizon: mean and percentiles of the per-replicate sums over the years."""
        budget = self.budget[line]
        if quantity == "budget":
            total = float(budget.sum()) if np.isfinite(budget).all() else np.nan
            return dict.fromkeys(STATS, total)
        if quantity == "deficit":
            spending = self.period(line, "spending")
            return {k: v - self.period(line, "budget")["mean"] for k, v in spending.items()}
        values = self.samples[line][quantity].sum(axis=1)
        return {"mean": float(values.mean())} | {k: float(np.percentile(values, q)) for k, q in PERCENTILES.items()}


def build_forecast(result: MonteCarloResult, years: int, budget: Budget | None = None) -> Forecast:
    """The forecast of one scenario's replicates over ``years`` calendar years, against ``budget`` if given."""
    per_year = {k: v[:, :years] for k, v in result.per_year.items()}
    start = result.scenario.profile.start_year
    calendar = tuple(range(start, start + years))
    samples: dict[str, dict[str, np.ndarray]] = {}
    for line in BUDGET_LINES:
        row: dict[str, np.ndarray] = {}
        clients = client_metrics(line)
        if clients:
            row["clients_end"] = sum(year_end(result, m, years) for m in clients)
            row["clients_mean"] = sum(per_year[m] for m in clients)
        products = LINE_PRODUCTS[line]
        if products:
            row["inflow"] = sum(per_year[f"inflow.{p}"] for p in products)
            row["outflow"] = sum(per_year[f"outflow.{p}"] for p in products)
        row["spending"] = per_year[f"spending.{line}"]
        row["revenue"] = per_year[f"revenue.{line}"]
        if line in COPAY_LINES:
            row["copayments"] = per_year[f"copayments.{line}"]
        samples[line] = row
    samples[TOTAL] = {
        "spending": per_year["spending.total"],
        "revenue": sum(per_year[f"revenue.{line}"] for line in BUDGET_LINES),
        "copayments": per_year["revenue.copayments"],
    }
    budgets = {line: budget.of(line, calendar) if budget else np.full(years, np.nan) for line in BUDGET_LINES}
    # The total has a budget in a year where every line that spends has one (else it would compare unlike sums).
    spends = [line for line in BUDGET_LINES if samples[line]["spending"].any()]
    complete = np.all([np.isfinite(budgets[line]) for line in spends], axis=0)
    budgets[TOTAL] = np.where(complete, sum(np.nan_to_num(budgets[line]) for line in BUDGET_LINES), np.nan)
    return Forecast(result.scenario.name, start, calendar, result.values.shape[0], result.seed, samples, budgets)


def difference_forecast(base: Forecast, alt: Forecast) -> Forecast:
    """The paired differences alt - base of every quantity, replicate by replicate (common random numbers)."""
    samples = {line: {q: alt.samples[line][q] - v for q, v in qs.items()} for line, qs in base.samples.items()}
    nothing = {line: np.full(len(base.years), np.nan) for line in LINES}
    return Forecast(f"{alt.scenario} - {base.scenario}", base.start_year, base.years, base.replicates, base.seed, samples, nothing,
                    difference=True, base=base.scenario)  # fmt: skip


# --- names ---------------------------------------------------------------------------------------


def line_label(line: str, lang: str) -> str:
    """A budget line's name in ``lang`` (the report's names)."""
    from sdsim.experiments.report import LINE_NAMES

    return LINE_NAMES[lang].get(line, line)


def taakveld(line: str) -> str:
    """The line's Iv3 taakveld code ("" for the total)."""
    return LINE_TAAKVELD.get(line, "")


def taakveld_label(line: str, lang: str) -> str:
    """``6.72 maatwerkdienstverlening 18-``, or "" for the total."""
    code = taakveld(line)
    return f"{code} {TAAKVELD_NAMES[code][lang == 'en']}" if code else ""


def sheet_name(line: str, lang: str) -> str:
    """The line's sheet: ``6.72 jeugd_ambulant`` (at most 31 characters, Excel's limit), the total ``totaal``."""
    return LABELS[lang]["total"] if line == TOTAL else f"{taakveld(line)} {line}"[:31]


# --- the CSV --------------------------------------------------------------------------------------

CSV_COLUMNS: tuple[str, ...] = (
    "kind", "scenario", "budget_line", "taakveld", "year", "quantity", "unit", *STATS, "p_overspend", "p_increase",
)  # fmt: skip


def csv_rows(forecast: Forecast, decimal: str = ".") -> list[list[str]]:
    """Tidy rows: one per line, year and quantity; money in euros to the cent, probabilities as shares (``decimal`` mark)."""
    kind = "difference" if forecast.difference else "forecast"
    rows = []
    for line in LINES:
        quantities = [q for q in QUANTITIES if forecast.has(line, q)]
        stats = {q: forecast.stats(line, q) for q in quantities}
        prob = forecast.probability(line)
        for y, year in enumerate(forecast.years):
            for q in quantities:
                money = q in MONEY
                if q in ("budget", "deficit") and not np.isfinite(forecast.budget[line][y]):
                    continue
                cells = [csv_number(float(stats[q][s][y]), money, decimal) for s in STATS]
                p = csv_number(float(prob[y]), False, decimal) if q in ("spending", "deficit") and np.isfinite(prob[y]) else ""
                over, higher = ("", p) if forecast.difference else (p, "")
                rows.append(
                    [kind, forecast.scenario, line, taakveld(line), str(year), q, "EUR" if money else "count", *cells, over, higher]
                )
    return rows


def forecast_csv(forecasts: list[Forecast], dialect: str = "en") -> str:
    """``forecast.csv``: ``CSV_COLUMNS``, the forecasts one after the other (``output.CSV_DIALECTS``: en or nl)."""
    delimiter, decimal = CSV_DIALECTS[dialect]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for forecast in forecasts:
        writer.writerows(csv_rows(forecast, decimal))
    return buf.getvalue()


# --- the workbook --------------------------------------------------------------------------------

FIXED_TIME = datetime(2000, 1, 1)  # the workbook's creation time: the same file for the same run (reproducible)


def _col(c: int) -> str:
    """Excel's column letters of a 0-based column (0: A, 26: AA)."""
    name = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(r: int, c: int) -> str:
    return f"{_col(c)}{r + 1}"


class _Book:
    """A workbook with its formats; ``money``/``count``/``share`` write numbers, ``sum_*`` write formulas with values."""

    def __init__(self, lang: str) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "nan_inf_to_errors": False})
        self.book.set_properties({"created": FIXED_TIME, "author": "sdsim", "title": "sdsim forecast"})
        self.lang = lang
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 13})
        self.bold = add({"bold": True})
        self.head = add({"bold": True, "bottom": 1, "align": "right"})
        self.head_left = add({"bold": True, "bottom": 1})
        self.money = add({"num_format": "#,##0"})
        self.money_total = add({"num_format": "#,##0", "bold": True, "top": 1})
        self.count = add({"num_format": "#,##0"})
        self.share = add({"num_format": "0%"})
        self.wrap = add({"text_wrap": True, "valign": "top"})

    def sheet(self, name: str):
        ws = self.book.add_worksheet(name)
        ws.set_column(0, 0, 44)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 12, 13)
        return ws

    def number(self, ws, r: int, c: int, value: float, fmt) -> None:
        """A finite number, or an empty cell."""
        if np.isfinite(value):
            ws.write_number(r, c, float(value), fmt)

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _sum_formula(ws, r: int, c: int, cells: list[tuple[int, int]], values: list[float], fmt) -> None:
    """``=SUM(...)`` of ``cells`` (a contiguous run in a row or a column) with its computed value (empty cells count 0)."""
    first, last = cells[0], cells[-1]
    value = float(sum(v for v in values if np.isfinite(v)))
    ws.write_formula(r, c, f"=SUM({_cell(*first)}:{_cell(*last)})", fmt, value)


def _header(book: _Book, ws, forecast: Forecast, title: str) -> int:
    t = LABELS[book.lang]
    ws.write(0, 0, title, book.title)
    ws.write(1, 0, t["amounts"].format(replicates=forecast.replicates, seed=forecast.seed))
    return 3


def _year_head(book: _Book, ws, r: int, first: str, second: str, forecast: Forecast, period: bool = True) -> None:
    t = LABELS[book.lang]
    ws.write(r, 0, first, book.head_left)
    ws.write(r, 1, second, book.head_left)
    for y, year in enumerate(forecast.years):
        ws.write_number(r, 2 + y, year, book.head)
    if period:
        ws.write(r, 2 + len(forecast.years), t["period"].format(first=forecast.years[0], last=forecast.years[-1]), book.head)


def _summary_sheet(book: _Book, forecast: Forecast, title: str) -> None:
    """Per line and year: expected spending, revenue, budget and deficit (totals as formulas), P(overspend), p90."""
    t = LABELS[book.lang]
    ws = book.sheet(t["summary"][:31])
    r = _header(book, ws, forecast, title)
    n = len(forecast.years)
    lines = list(BUDGET_LINES)
    quantities = ["spending", "revenue"] + ([] if forecast.difference else ["budget", "deficit"])
    for q in quantities:
        _year_head(book, ws, r, t["summary_mean"].format(what=t[q]), t["taakveld"], forecast)
        first = r + 1
        for i, line in enumerate(lines):
            row = first + i
            ws.write(row, 0, line_label(line, book.lang))
            ws.write(row, 1, taakveld_label(line, book.lang))
            values = forecast.stats(line, q)["mean"] / THOUSAND if forecast.has(line, q) else np.full(n, np.nan)
            for y in range(n):
                book.number(ws, row, 2 + y, values[y], book.money)
            _sum_formula(ws, row, 2 + n, [(row, 2), (row, 1 + n)], list(values), book.money)
        total = first + len(lines)
        ws.write(total, 0, t["total"], book.bold)
        for y in range(n + 1):
            column = [forecast.stats(line, q)["mean"][y] / THOUSAND if forecast.has(line, q) else np.nan for line in lines] if y < n else []
            if y == n:  # the period total of the total row: the sum of the line totals
                column = [
                    sum(v for v in forecast.stats(line, q)["mean"] / THOUSAND if np.isfinite(v)) if forecast.has(line, q) else 0.0
                    for line in lines
                ]
            _sum_formula(ws, total, 2 + y, [(first, 2 + y), (total - 1, 2 + y)], column, book.money_total)
        r = total + 2
        if q == "revenue":
            ws.write(r - 1, 0, t["copayments"])
            values = forecast.stats(TOTAL, "copayments")["mean"] / THOUSAND
            for y in range(n):
                book.number(ws, r - 1, 2 + y, values[y], book.money)
            _sum_formula(ws, r - 1, 2 + n, [(r - 1, 2), (r - 1, 1 + n)], list(values), book.money)
            r += 1
    prob_title = t["p_increase"] if forecast.difference else t["summary_prob"]
    if forecast.difference or any(forecast.has(line, "budget") for line in LINES):
        _year_head(book, ws, r, prob_title, t["taakveld"], forecast, period=False)
        for i, line in enumerate([*lines, TOTAL]):
            row = r + 1 + i
            ws.write(row, 0, line_label(line, book.lang), book.bold if line == TOTAL else None)
            ws.write(row, 1, taakveld_label(line, book.lang))
            prob = forecast.probability(line)
            for y in range(n):
                book.number(ws, row, 2 + y, prob[y], book.share)
        r += len(lines) + 3
    _year_head(book, ws, r, t["summary_needed"], t["taakveld"], forecast)
    for i, line in enumerate([*lines, TOTAL]):
        row = r + 1 + i
        ws.write(row, 0, line_label(line, book.lang), book.bold if line == TOTAL else None)
        ws.write(row, 1, taakveld_label(line, book.lang))
        values = forecast.stats(line, "spending")["p90"] / THOUSAND
        for y in range(n):
            book.number(ws, row, 2 + y, values[y], book.money)
        book.number(ws, row, 2 + n, forecast.period(line, "spending")["p90"] / THOUSAND, book.money)
    ws.write(r + len(lines) + 3, 0, t["period_note"])
    ws.freeze_panes(0, 2)


def _line_sheet(book: _Book, forecast: Forecast, line: str, title: str) -> None:
    """One line: every quantity's mean and percentiles per year, P(overspend), the amounts at 70-95 % certainty."""
    t = LABELS[book.lang]
    ws = book.sheet(sheet_name(line, book.lang))
    r = _header(book, ws, forecast, f"{title}: {line_label(line, book.lang)} ({taakveld_label(line, book.lang) or t['total']})")
    n = len(forecast.years)
    _year_head(book, ws, r, t["quantity"], t["statistic"], forecast)
    r += 1
    for q in QUANTITIES:
        if not forecast.has(line, q):
            continue
        money = q in MONEY
        stats = forecast.stats(line, q)
        period = forecast.period(line, q) if money else None
        shown = ("mean",) if q == "budget" else ("mean", "p10", "p50", "p90")
        for s in shown:
            ws.write(r, 0, t[q])
            ws.write(r, 1, t["mean"] if s == "mean" else s)
            scale = THOUSAND if money else 1.0
            values = stats[s] / scale
            for y in range(n):
                book.number(ws, r, 2 + y, values[y], book.money if money else book.count)
            if money and s == "mean":
                _sum_formula(ws, r, 2 + n, [(r, 2), (r, 1 + n)], list(values), book.money)
            elif money:
                book.number(ws, r, 2 + n, period[s] / scale, book.money)
            r += 1
        if q == "spending":
            ws.write(r, 0, t["p_increase"] if forecast.difference else t["p_overspend"])
            prob = forecast.probability(line)
            for y in range(n):
                book.number(ws, r, 2 + y, prob[y], book.share)
            r += 1
            for c in CERTAINTY:
                ws.write(r, 0, t["needed"].format(c=c))
                ws.write(r, 1, f"p{c}")
                values = stats[f"p{c}"] / THOUSAND
                for y in range(n):
                    book.number(ws, r, 2 + y, values[y], book.money)
                book.number(ws, r, 2 + n, period[f"p{c}"] / THOUSAND, book.money)
                r += 1
    ws.write(r + 1, 0, t["period_note"])
    ws.freeze_panes(0, 2)


def _clients_sheet(book: _Book, forecast: Forecast, result: MonteCarloResult | None, title: str) -> None:
    """Per provision (and bijstand, general provisions): year-end median [p10, p90], average, inflow and outflow."""
    t = LABELS[book.lang]
    ws = book.sheet(t["clients_sheet"])
    r = _header(book, ws, forecast, title)
    n = len(forecast.years)
    if result is None:
        series = {line: forecast.samples[line] for line in BUDGET_LINES if "clients_end" in forecast.samples[line]}
        names = {line: (line_label(line, book.lang), taakveld_label(line, book.lang)) for line in series}
    else:
        series, names = {}, {}
        per_year = result.per_year
        for p in PRODUCTS:
            series[p.name] = {
                "clients_end": year_end(result, f"clients.{p.name}", n),
                "clients_mean": per_year[f"clients.{p.name}"][:, :n],
                "inflow": per_year[f"inflow.{p.name}"][:, :n],
                "outflow": per_year[f"outflow.{p.name}"][:, :n],
            }
            names[p.name] = (p.name.replace("_", " "), f"{line_label(p.line, book.lang)} ({taakveld(p.line)})")
        for key, metric in (("bijstand", "households.bijstand"), ("general", "clients_tier.general")):
            series[key] = {"clients_end": year_end(result, metric, n), "clients_mean": per_year[metric][:, :n]}
            line = "participatie_bijstand" if key == "bijstand" else "algemene_voorzieningen"
            names[key] = (t[key], f"{line_label(line, book.lang)} ({taakveld(line)})")
    blocks = [(q, s) for q in COUNTS for s in (("p10", "p50", "p90") if q == "clients_end" else ("mean",))]
    for q, s in blocks:
        _year_head(book, ws, r, f"{t[q]} ({t['mean'] if s == 'mean' else s})", t["line"], forecast, period=False)
        r += 1
        for key, values in series.items():
            if q not in values:
                continue
            ws.write(r, 0, names[key][0])
            ws.write(r, 1, names[key][1])
            v = values[q].mean(axis=0) if s == "mean" else np.percentile(values[q], PERCENTILES[s], axis=0)
            for y in range(n):
                book.number(ws, r, 2 + y, v[y], book.count)
            r += 1
        r += 1
    ws.freeze_panes(0, 2)


def _pairs_sheet(book: _Book, name: str, blocks: list[tuple[str, list[tuple[str, ...]]]]) -> None:
    """A sheet of titled tables of text rows (assumptions, provenance)."""
    ws = book.book.add_worksheet(name[:31])
    ws.set_column(0, 0, 48)
    ws.set_column(1, 3, 40)
    r = 0
    for title, rows in blocks:
        ws.write(r, 0, title, book.title)
        r += 1
        for row in rows:
            for c, cell in enumerate(row):
                if isinstance(cell, int | float) and not isinstance(cell, bool):
                    ws.write_number(r, c, float(cell))
                else:
                    ws.write_string(r, c, str(cell))
            r += 1
        r += 1


_NL, _EN = "nl", "en"
RUN_LABELS: dict[str, dict[str, str]] = {
    "scenario": {_NL: "scenario", _EN: "scenario"},
    "file": {_NL: "scenariobestand", _EN: "scenario file"},
    "profile": {_NL: "gemeenteprofiel", _EN: "profile"},
    "start": {_NL: "start", _EN: "start"},
    "years": {_NL: "jaren", _EN: "years"},
    "burn_in": {_NL: "inloopjaren vóór de start", _EN: "burn-in years before the start"},
    "replicates": {_NL: "replicaties", _EN: "replicates"},
    "budget": {_NL: "begrotingsbestand", _EN: "budget file"},
    "percentiles": {_NL: "percentielen", _EN: "percentiles"},
    "year_end": {_NL: "cliënten op 31 december", _EN: "clients at year end"},
    "copayments": {_NL: "eigen bijdragen", _EN: "co-payments"},
}
RUN_NOTES: dict[str, dict[str, str]] = {
    "percentiles": {
        _NL: "lineair geïnterpoleerd tussen replicaties (als Excel PERCENTIEL.INC)",
        _EN: "linear interpolation between replicates (numpy's default; Excel PERCENTILE.INC)",
    },
    "year_end": {
        _NL: "stand eind december (huishoudtrajecten per voorziening, opgeteld per begrotingsregel)",
        _EN: "month-end stock of December (household trajectories per provision, summed per budget line)",
    },
    "copayments": {
        _NL: "Wmo-abonnementstarief per huishouden, geboekt op de regel van het traject waarvoor het betaalt (één Wmo-traject"
        " per huishouden)",
        _EN: "Wmo abonnementstarief per household, booked on the line of the trajectory it pays for (one Wmo trajectory per household)",
    },
}


def assumption_blocks(result: MonteCarloResult, forecast: Forecast, budget: Budget | None, lang: str,
                      draws: ParameterDraws | None = None) -> list:  # fmt: skip
    """The ``aannames`` sheet: the scenario's changed parameters with sources, the index rates, the run's settings.

    With ``draws`` (``--posterior``) also the parameters drawn per replicate: median and 5-95 % range of
    the draws the replicates used, the default and the file they came from.
    """
    from sdsim.simulation.parameters import BY_NAME

    t = LABELS[lang]
    scenario = result.scenario
    changed = [
        (name, value, BY_NAME[name].default, scenario.sources.get(name, f"registry: {BY_NAME[name].source}"))
        for name, value in sorted(scenario.changes.items())
    ] or [(t["none_changed"],)]
    indices = [(name, scenario.params[name], BY_NAME[name].default, BY_NAME[name].source) for name in INDICES]
    indices += [(f"  {line}", LINE_INDEX[line]) for line in BUDGET_LINES]
    run = [
        (RUN_LABELS["scenario"][lang], scenario.name),
        (RUN_LABELS["file"][lang], str(scenario.path)),
        (RUN_LABELS["profile"][lang], str(scenario.profile_path)),
        (RUN_LABELS["start"][lang], f"{forecast.start_year}-01"),
        (RUN_LABELS["years"][lang], len(forecast.years)),
        (RUN_LABELS["burn_in"][lang], scenario.profile.burn_in_years),
        (RUN_LABELS["replicates"][lang], forecast.replicates),
        ("seed", forecast.seed),
        (RUN_LABELS["budget"][lang], str(budget.path) if budget else "-"),
        *((RUN_LABELS[key][lang], RUN_NOTES[key][lang]) for key in RUN_NOTES),
    ]
    blocks = [
        (t["changed"], [(t["parameter"], t["value"], t["default"], t["source"]), *changed]),
        (t["indices"], [(t["parameter"], t["value"], t["default"], t["source"]), *indices]),
        (t["run"], run),
    ]
    if draws is not None:
        used = draws.values[np.arange(forecast.replicates) % len(draws.values)]
        low, mid, high = np.percentile(used, [5, 50, 95], axis=0)
        source = f"{draws.path} ({len(draws.values)} rows, sha256 {draws.sha256[:12]})"
        rows = [(name, mid[i], low[i], high[i], BY_NAME[name].default, source) for i, name in enumerate(draws.names)]
        blocks.insert(1, (t["posterior"], [(t["parameter"], t["median"], "p5", "p95", t["default"], t["source"]), *rows]))
    return blocks


def _flatten(data: object, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        return [row for k, v in data.items() for row in _flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(data, list):
        return [(prefix, ", ".join(map(str, data)) or "-")]
    return [(prefix, str(data))]


def workbook_bytes(forecast: Forecast, result: MonteCarloResult | None, assumptions: list, provenance: dict, lang: str = "nl") -> bytes:
    """The workbook of a forecast (or a difference forecast, ``result`` None): see the module docstring."""
    t = LABELS[lang]
    book = _Book(lang)
    if forecast.difference:
        alt, _, base = forecast.scenario.partition(" - ")
        title = t["difference_title"].format(alt=alt, base=base)
    else:
        title = t["title"].format(scenario=forecast.scenario)
    _summary_sheet(book, forecast, title)
    for line in LINES:
        _line_sheet(book, forecast, line, title)
    _clients_sheet(book, forecast, result, title)
    _pairs_sheet(book, t["assumptions"], assumptions)
    _pairs_sheet(book, t["provenance"], [(t["provenance"], _flatten(provenance))])
    return book.close()


# --- figures and the printed table ------------------------------------------------------------


def fan_charts(forecasts: list[Forecast], folder: Path, lang: str) -> list[Path]:
    """``folder/<line>.png`` per line (and ``total.png``): spending per year, median and p10-p90 band, the budget.

    The first forecast is the base (black); a second (``--compare``) is drawn in colour.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sdsim.experiments.report import AxisNumbers

    t = LABELS[lang]
    paths = []
    base = forecasts[0]
    years = np.array(base.years)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    fig.subplots_adjust(left=0.11, right=0.98, top=0.92, bottom=0.09)
    for line in LINES:
        if not any(f.samples[line]["spending"].any() for f in forecasts):
            continue
        ax.clear()
        top = 0.0
        for f, colour in zip(forecasts, ("#000000", "#c55a11"), strict=False):
            stats = f.stats(line, "spending")
            ax.fill_between(years, stats["p10"], stats["p90"], color=colour, alpha=0.15, linewidth=0, label=f"{f.scenario}: {t['band']}")
            ax.plot(years, stats["p50"], color=colour, marker="o", markersize=3, label=f"{f.scenario}: {t['median']}")
            top = max(top, float(np.nanmax(stats["p90"])))
        budget = base.budget[line]
        if np.isfinite(budget).any():
            ax.plot(years, budget, color="#2e75b6", linestyle="--", marker="s", markersize=3, label=t["budget_line_label"])
            top = max(top, float(np.nanmax(budget)))
        scale, unit = (1e6, t["axis_million"]) if top >= 1e6 else (1e3, t["axis_thousand"])
        ax.yaxis.set_major_formatter(AxisNumbers(scale, lang))
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        ax.set_xticks(years, [str(y) for y in years])
        code = taakveld(line) or t["total"]
        ax.set_title(t["figure_title"].format(line=line_label(line, lang), taakveld=code), fontsize=10)
        ax.legend(fontsize=7, loc="lower left")
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        path = folder / f"{line}.png"
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
        write_atomic(path, buf.getvalue())
        paths.append(path)
    plt.close(fig)
    return paths


def text_table(forecast: Forecast, lang: str = "nl") -> str:
    """The printed summary: per line and year the median spending [p10, p90] × € 1.000 and P(overspend) where budgeted."""
    from sdsim.experiments.report import number, percent

    t = LABELS[lang]
    n = len(forecast.years)
    width = 30
    head = f"{t['line'] + ' (' + t['spending'] + ' × € 1.000: p50 [p10, p90])':58s}"
    lines = [head + "".join(f"{y:>{width}d}" for y in forecast.years)]
    for line in LINES:
        if not forecast.samples[line]["spending"].any():
            continue
        stats = forecast.stats(line, "spending")
        prob = forecast.probability(line)
        cells = []
        for y in range(n):
            cell = " ".join(number(stats[s][y] / THOUSAND, lang) for s in ("p50",))
            cell += f" [{number(stats['p10'][y] / THOUSAND, lang)}, {number(stats['p90'][y] / THOUSAND, lang)}]"
            if np.isfinite(prob[y]):
                cell += f" {percent(prob[y], lang, 0)}"
            cells.append(cell)
        name = f"{taakveld(line) or '':5s} {line_label(line, lang)}"
        lines.append(f"{name[:57]:58s}" + "".join(f"{c:>{width}s}" for c in cells))
    note = t["p_increase"] if forecast.difference else t["p_overspend"]
    if forecast.difference or any(np.isfinite(forecast.budget[line]).any() for line in LINES):
        lines.append(f"(%: {note})")
    return "\n".join(lines)


# --- the command ---------------------------------------------------------------------------------

FORECAST_FILES = ("forecast.json", "forecast.xlsx", "difference.xlsx", "forecast.csv", "figures/*.png")


def first_year(start: str | None, profile_start: int, caseload: bool) -> int:
    """The forecast's first calendar year from ``--start`` (default: the profile's start year).

    ``--start`` is a January (the forecast is by calendar year) in or after the profile's start year:
    the years before it are simulated from the profile's state and left out of the outputs. A caseload
    is the state on 1 January of the profile's start year, so with one the forecast starts there.
    """
    if start is None:
        return profile_start
    year, month = map(int, start.split("-"))
    if month != 1:
        raise ScenarioError("--start", "", f"{start}: a forecast runs by calendar year; start in January (e.g. {year}-01)")
    if year < profile_start:
        raise ScenarioError("--start", "", f"{start}: before the profile's start year {profile_start} (its state after the burn-in)")
    if caseload and year != profile_start:
        raise ScenarioError("--start", "", f"{start}: a caseload is the state on 1 January of the profile's start year"
                            f" ({profile_start}-01); start there, or give a profile whose start year is {year}")  # fmt: skip
    return year


def write_outputs(
    out: Path,
    results: list[MonteCarloResult],
    years: int,
    budget: Budget | None,
    provenance: dict,
    lang: str = "nl",
    draws: ParameterDraws | None = None,
    dialect: str = "en",
) -> list[Forecast]:
    """Write ``forecast.xlsx``, ``difference.xlsx`` (with an alternative), ``forecast.csv`` and ``figures/*.png``.

    The completion marker ``forecast.json`` is the caller's to write, last. Returns the forecasts: the base, then
    with an alternative its own forecast and the paired difference.
    """
    forecasts = [build_forecast(r, years, budget) for r in results]
    base = forecasts[0]
    assumptions = assumption_blocks(results[0], base, budget, lang, draws)
    write_atomic(out / "forecast.xlsx", workbook_bytes(base, results[0], assumptions, provenance, lang))
    if len(forecasts) > 1:
        difference = difference_forecast(base, forecasts[1])
        assumptions = assumption_blocks(results[1], forecasts[1], budget, lang, draws)
        write_atomic(out / "difference.xlsx", workbook_bytes(difference, None, assumptions, provenance, lang))
        forecasts.append(difference)

    write_atomic(out / "forecast.csv", forecast_csv(forecasts, dialect))
    fan_charts(forecasts[:2], out / "figures", lang)
    return forecasts
