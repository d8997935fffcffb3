"""The national population path by the model's age groups, derived from published projections.

``python -m sdsim.calibration.projection`` writes ``scenarios/profiles/nl_projection.csv``: persons
on 1 January of each year 2025-2060 in the model's age groups (0-17, 18-22, 23-74, 75+). A profile
scales it per age group to its own start-year population (``Profile.population``), so the default
municipality follows the national projection. How each column is derived (rows of
``scenarios/sources.csv``, copied from ``shared/data``):

* total: linear between 17,942,942 on 2024-01-01 (``pop_total``, CBS 82905NED), 19.0 million reached
  in 2037 (``proj_year_19mln_kp2024``, Kernprognose 2024; it implies 82,000 a year, as
  ``proj_pop_growth_per_year_kp2024`` says) and 20.6 million in 2070 (``proj_pop_total_bp2025``).
* 75+: the 80+ path, geometric between 0.9 million at the end of 2024 (``pop_80plus_approx``), 1.8
  million in 2045 and 2.1 million in 2070 (``proj_pop_80plus_kp2024``), times 1.7 persons 75+ per
  person 80+ (assumption, range 1.55-1.85: the 75-79 cohorts are the large post-war ones until about
  2030). It gives 3.06 million 75+ in 2045, against 2.9 million in a projection of unclear vintage
  (``proj_pop_75plus``, quality U).
* 0-17: 0.879 of the 0-19 path (the ratio of ``pop_0_17`` 2018 to ``pop_0_19`` 2019-01-01), linear
  between 3.72 million 0-19 in 2025 (``pop_0_19_approx``) and 4.1 million in 2070
  (``proj_pop_0_19_bp2025``).
* 18-22: 6.1 % of the total (assumption, range 5.8-6.4 %: five one-year cohorts of about 215,000).
* 23-74: the rest.

The projection's own uncertainty (the 67 % interval of ``proj_pop_total_kp2022_lo67`` / ``_hi67``:
-1.3 % / +1.4 % of the total in 2030, -3.1 % / +3.2 % in 2040) is not in the path: a scenario that
wants it sets its own path file.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

FIRST_YEAR, LAST_YEAR = 2025, 2060
COLUMNS = ("year", "children", "young", "adults", "elderly")
ELDERLY_PER_80PLUS = 1.7  # assumption (1.55-1.85), see the module docstring
CHILDREN_PER_0_19 = 3_333_105 / 3_791_838  # pop_0_17 (2018, age at 31 Dec) / pop_0_19 (2019-01-01)
YOUNG_SHARE = 0.061  # assumption (0.058-0.064)
OUT = Path(__file__).resolve().parent.parent / "scenarios" / "profiles" / "nl_projection.csv"


def _linear(points: dict[float, float], years: np.ndarray) -> np.ndarray:
    x = np.array(sorted(points))
    return np.interp(years, x, [points[k] for k in x], left=np.nan, right=np.nan)


def _geometric(points: dict[float, float], years: np.ndarray) -> np.ndarray:
    return np.exp(_linear({k: np.log(v) for k, v in points.items()}, years))


def national_path(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> np.ndarray:
    """Persons on 1 January of each year ``first..last``: rows (year, children, young, adults, elderly)."""
    years = np.arange(first, last + 1, dtype=float)
    total = _linear({2024: 17_942_942, 2037.5: 19_000_000, 2070: 20_600_000}, years)
    elderly = ELDERLY_PER_80PLUS * _geometric({2025: 900_000, 2045: 1_800_000, 2070: 2_100_000}, years)
    children = CHILDREN_PER_0_19 * _linear({2025: 3_720_000, 2070: 4_100_000}, years)
    young = YOUNG_SHARE * total
    adults = total - children - young - elderly
    return np.column_stack([years, children, young, adults, elderly])


def write(path: Path = OUT) -> None:
    """Write the national path as CSV (persons rounded to whole numbers)."""
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for row in national_path():
            writer.writerow([int(row[0]), *(round(v) for v in row[1:])])


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
