"""The national population path by the model's age groups: observed 2014-2024, projected 2025-2060.

``python -m sdsim.calibration.projection`` writes ``scenarios/profiles/nl_projection.csv``: persons
on 1 January of each year 2014-2060 in the model's age groups (0-17, 18-22, 23-74, 75+). A profile
scales it per age group to its own start-year population (``Profile.population``), so the default
municipality follows the national projection and the national profile (``nederland.toml``, from
2014) the observed population. How each column is derived from 2025 on (rows of
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

Before 2025 (``observed_path``), the same columns follow the published counts, linear between them:
total ``pop_total`` (1 January 2010, 2015, 2018, 2019, 2024); 80+ ``pop_80plus`` (1 January 2010,
2015, 2016, 2018, 2019; 0.9 million on 1 January 2025 as above) times the same 1.7; 0-17
``pop_0_17`` (age at 31 December 2014-2018, read as 1 January 2015-2019; 2014 from ``pop_0_19``
2010-2015 at the 2015 ratio of the two, and 2025 as above); 18-22 at the same 6.1 %.

The projection's own uncertainty (the 67 % interval of ``proj_pop_total_kp2022_lo67`` / ``_hi67``:
-1.3 % / +1.4 % of the total in 2030, -3.1 % / +3.2 % in 2040) is not in the path: a scenario that
wants it sets its own path file.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

FIRST_YEAR, PROJECTED, LAST_YEAR = 2014, 2025, 2060
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


def _columns(years: np.ndarray, total: np.ndarray, children: np.ndarray, elderly: np.ndarray) -> np.ndarray:
    young = YOUNG_SHARE * total
    return np.column_stack([years, children, young, total - children - young - elderly, elderly])


def projected_path(first: int = PROJECTED, last: int = LAST_YEAR) -> np.ndarray:
    """Projected persons on 1 January of each year ``first..last``: rows (year, children, young, adults, elderly)."""
    years = np.arange(first, last + 1, dtype=float)
    total = _linear({2024: 17_942_942, 2037.5: 19_000_000, 2070: 20_600_000}, years)
    elderly = ELDERLY_PER_80PLUS * _geometric({2025: 900_000, 2045: 1_800_000, 2070: 2_100_000}, years)
    children = CHILDREN_PER_0_19 * _linear({2025: 3_720_000, 2070: 4_100_000}, years)
    return _columns(years, total, children, elderly)


def observed_path(first: int = FIRST_YEAR, last: int = PROJECTED - 1) -> np.ndarray:
    """Observed persons on 1 January of each year ``first..last`` (linear between the published counts)."""
    years = np.arange(first, last + 1, dtype=float)
    total = _linear({2010: 16_574_989, 2015: 16_900_726, 2018: 17_181_084, 2019: 17_282_163, 2024: 17_942_942}, years)
    eighty = {2010: 647_994, 2015: 734_976, 2016: 749_000, 2018: 778_914, 2019: 798_820, 2025: 900_000}
    elderly = ELDERLY_PER_80PLUS * _linear(eighty, years)
    ratio_2015 = 3_406_850 / 3_828_059  # pop_0_17 (age at 31 Dec 2014) / pop_0_19 (2015-01-01)
    from_0_19 = ratio_2015 * _linear({2010: 3_928_334, 2015: 3_828_059}, np.array([2014.0]))[0]
    children = _linear({2014: from_0_19, 2015: 3_406_850, 2016: 3_392_800, 2017: 3_379_015, 2018: 3_360_785, 2019: 3_333_105,
                        2025: CHILDREN_PER_0_19 * 3_720_000}, years)  # fmt: skip
    return _columns(years, total, children, elderly)


def national_path(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> np.ndarray:
    """Persons on 1 January of each year ``first..last``: observed before 2025, projected after."""
    path = np.vstack([observed_path(), projected_path()])
    return path[(path[:, 0] >= first) & (path[:, 0] <= last)]


def write(path: Path = OUT) -> None:
    """Write the national path as CSV (persons rounded to whole numbers)."""
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for row in national_path():
            writer.writerow([int(row[0]), *(round(v) for v in row[1:])])


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
