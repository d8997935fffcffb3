"""Read today's caseload from a CSV file (``--caseload``), with one-line errors naming file, row and column.

Two forms, told apart by the header (``#`` lines are comments):

* **aggregated**: ``product,count,months_min,months_max[,status]``: ``count`` trajectories of the
  product that have been in care (or, with ``status`` ``waiting``, on its waiting list) for
  ``months_min`` to ``months_max`` whole months on the start date;
* **one row per trajectory**: ``product,start[,status]``: the month the trajectory began (or
  the client joined the waiting list), ``YYYY-MM``, before the start date.

``product`` is a product of the model (``sdsim parameters --prefix tariff.`` lists them: ``jeugd_ambulant``,
``wmo_hbh``, ...); ``status`` is ``care`` (the default) or ``waiting``. A product the file does not name
keeps the population's own trajectories.
"""

from __future__ import annotations

from pathlib import Path

from sdsim.scenarios.files import ScenarioError, read_text, show
from sdsim.simulation.caseload import Band
from sdsim.simulation.schema import PRODUCT, PRODUCTS

AGGREGATED = ("product", "count", "months_min", "months_max")
PER_TRAJECTORY = ("product", "start")
STATUSES = ("care", "waiting")


def read_caseload(path: Path, start_year: int, start_month: int = 1) -> list[Band]:
    """The caseload of ``path`` on the first day of ``start_year``-``start_month``, as bands.

    Raises:
        ScenarioError: naming the file, the row and the column, and what is allowed.
    """
    lines = [
        (n, line) for n, line in enumerate(read_text(path).splitlines(), start=1) if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise ScenarioError(path, "", f"empty; expected a header {','.join(AGGREGATED)} or {','.join(PER_TRAJECTORY)}")
    number, head = lines[0]
    header = [h.strip() for h in head.split(",")]
    form = next((f for f in (AGGREGATED, PER_TRAJECTORY) if header in (list(f), [*f, "status"])), None)
    if form is None:
        raise ScenarioError(path, f"row {number}", f"header {show(','.join(header))}; expected {','.join(AGGREGATED)}[,status] or "
                            f"{','.join(PER_TRAJECTORY)}[,status]")  # fmt: skip
    bands: list[Band] = []
    for number, line in lines[1:]:
        cells = [c.strip() for c in line.split(",")]
        if header[-1] == "status" and len(cells) == len(header) - 1:
            cells.append("care")  # the status may be left out of a row: in care
        if len(cells) != len(header):
            raise ScenarioError(path, f"row {number}", f"{len(cells)} cells; expected {len(header)} ({','.join(header)})")
        row = dict(zip(header, cells, strict=True))
        where = f"row {number}, column "
        if row["product"] not in PRODUCT:
            raise ScenarioError(path, where + "product", f"unknown product {show(row['product'])}; expected one of "
                                f"{', '.join(p.name for p in PRODUCTS)}")  # fmt: skip
        status = row.get("status", "care") or "care"
        if status not in STATUSES:
            raise ScenarioError(path, where + "status", f"expected care or waiting, got {show(status)}")
        product, waiting = PRODUCT[row["product"]], status == "waiting"
        if form == AGGREGATED:
            count, low, high = (_whole(path, where + column, row[column]) for column in AGGREGATED[1:])
            if high < low:
                raise ScenarioError(path, where + "months_max", f"{high} is below months_min {low}")
            bands.append(Band(product, count, low, high, waiting))
        else:
            months = _months_before(path, where + "start", row["start"], start_year, start_month)
            bands.append(Band(product, 1, months, months, waiting))
    return bands


def _whole(path: Path, key: str, cell: str) -> int:
    """A whole number >= 0."""
    try:
        value = float(cell)
    except ValueError:
        raise ScenarioError(path, key, f"expected a whole number >= 0, got {show(cell)}") from None
    if not value >= 0 or value != int(value):
        raise ScenarioError(path, key, f"expected a whole number >= 0, got {show(cell)}")
    return int(value)


def _months_before(path: Path, key: str, cell: str, year: int, month: int) -> int:
    """Whole months from ``cell`` (``YYYY-MM``) to the start date; the start must be before it."""
    try:
        began_year, began_month = (int(part) for part in cell.split("-"))
    except ValueError:
        raise ScenarioError(path, key, f"expected a month YYYY-MM, got {show(cell)}") from None
    if not 1 <= began_month <= 12:
        raise ScenarioError(path, key, f"expected a month YYYY-MM, got {show(cell)}")
    months = (year - began_year) * 12 + month - began_month
    if months < 1:
        raise ScenarioError(path, key, f"{cell} is not before the start {year}-{month:02d}; a caseload holds trajectories begun before it")
    return months - 1  # whole months completed before the start date (begun in the month before it: 0)


__all__ = ["read_caseload"]
