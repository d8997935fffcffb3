"""Writing results: output folders, atomic files (write to a temporary name, then rename), strict JSON, CSV and provenance.

Every command writes into a new or empty folder (``prepare_out``), or with ``--overwrite`` first
removes the files it writes itself there, its completion marker first; the marker is written last.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import platform
import subprocess
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np
from sdsim.experiments.runner import MonteCarloResult
from sdsim.scenarios.loader import ScenarioError
from sdsim.simulation import indicators

PACKAGES = ("sdsim", "numpy", "numba", "scipy", "mesa", "pydantic", "matplotlib", "pyarrow", "dask", "distributed", "SALib")


def prepare_out(out: Path, overwrite: bool, ours: Sequence[str], resume: bool = False) -> None:
    """Make ``out`` ready before any work: a new or empty folder, or (``overwrite``) one whose sdsim files are removed.

    Args:
        out: the output folder.
        overwrite: remove the files of ``ours`` found in ``out`` (``ours[0]``, the completion marker, first);
            other files are left alone.
        ours: names (files, or ``folder/*.ext`` patterns) the command writes, completion marker first.
        resume: an existing folder is accepted as it is (``sweep --resume``).

    Raises:
        ScenarioError: ``out`` is a file, lies under a file, cannot be created or written, or already holds files.
        The folder itself is created by the first file written into it.
    """
    try:
        _prepare(out, overwrite, ours, resume)
    except OSError as err:
        raise ScenarioError(out, "--out", f"cannot be used ({err.strerror or type(err).__name__})") from None


def _prepare(out: Path, overwrite: bool, ours: Sequence[str], resume: bool) -> None:
    if any(len(os.fsencode(part)) > NAME_MAX for part in out.parts):
        raise ScenarioError(out, "--out", f"cannot be created (a name longer than {NAME_MAX} bytes)")
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise ScenarioError(out, "--out", "exists and is not a folder; give a folder name")
        if any(out.iterdir()) and not resume:
            if not overwrite:
                raise ScenarioError(out, "--out", "already exists and is not empty; use --overwrite or another --out")
            for pattern in ours:
                for path in sorted(out.glob(pattern)):
                    if path.is_file() or path.is_symlink():
                        path.unlink()
        if not os.access(out, os.W_OK | os.X_OK):
            raise ScenarioError(out, "--out", "cannot be written to (permission denied)")
        return
    # A new folder is made when the first file is written (nothing is left behind if the work fails
    # before); here it is checked that it can be.
    parent = out.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ScenarioError(out, "--out", f"lies under {parent}, which is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ScenarioError(out, "--out", f"cannot be created in {parent} (permission denied)")


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) or bytes to ``path`` so that a reader sees either the old file or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def git_revision() -> str:
    """The source tree's git revision (with ``-dirty`` when modified), or ``unknown``."""
    here = Path(__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=here, capture_output=True, text=True, timeout=5).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance_of(extra: dict[str, object]) -> dict[str, object]:
    """``extra`` plus package versions, Python version and git revision."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {**extra, "packages": versions, "python": platform.python_version(), "git_revision": git_revision()}


def provenance(result: MonteCarloResult, replicates: int) -> dict[str, object]:
    """Where the numbers came from: scenario composition and hash, seed, versions, revision."""
    return provenance_of(
        {
            "scenario": result.scenario.composition(),
            "seed": result.seed,
            "replicates": replicates,
            "years": result.years,
            "start_year": result.scenario.profile.start_year,
            "burn_in_years": result.scenario.profile.burn_in_years,
        }
    )


NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)
CSV_DIALECTS = {"en": (",", "."), "nl": (";", ",")}  # delimiter, decimal mark


def number(value: float, money: bool = False, decimal: str = ".") -> str:
    """A number as a spreadsheet reads it exactly: no exponent, euros to the cent, whole numbers without decimals.

    Non-finite values are written as an empty cell (a ratio with a zero denominator).
    """
    if not math.isfinite(value):
        return ""
    text = f"{value:.2f}".removesuffix(".00") if money else np.format_float_positional(value, trim="-").rstrip(".")
    text = "0" if text in ("-0", "-0.00") else text
    return text.replace(".", decimal) if decimal != "." else text


def is_money(name: str) -> bool:
    """Whether a metric is an amount in euros (its unit in ``simulation.indicators.METRICS``): written to the cent."""
    return indicators.metric(name).unit == "EUR"


def _writer(buf: io.StringIO, dialect: str):
    return csv.writer(buf, delimiter=CSV_DIALECTS[dialect][0], lineterminator="\n")


def yearly_csv(results: list[MonteCarloResult], dialect: str = "en") -> str:
    """Tidy CSV: scenario, replicate, year, metric, value (calendar-year totals of flows, means of stocks)."""
    buf = io.StringIO()
    writer = _writer(buf, dialect)
    decimal = CSV_DIALECTS[dialect][1]
    writer.writerow(["scenario", "replicate", "year", "metric", "value"])
    for result in results:
        start = result.scenario.profile.start_year
        for metric, values in result.per_year.items():
            money = is_money(metric)
            for r in range(values.shape[0]):
                for y in range(values.shape[1]):
                    writer.writerow([result.scenario.name, r, start + y, metric, number(values[r, y], money, decimal)])
    return buf.getvalue()


def write_monthly_parquet(path: Path, results: list[MonteCarloResult]) -> None:
    """Monthly detail as Parquet (scenario, replicate, month as YYYY-MM, metric, value), written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, list] = {"scenario": [], "replicate": [], "month": [], "metric": [], "value": []}
    for result in results:
        start = result.scenario.profile.start_year
        n_rep, n_met, months = result.values.shape
        labels = np.array([f"{start + t // 12}-{t % 12 + 1:02d}" for t in range(months)])
        columns["scenario"].append(np.full(n_rep * n_met * months, result.scenario.name))
        columns["replicate"].append(np.repeat(np.arange(n_rep, dtype=np.int64), n_met * months))
        columns["month"].append(np.tile(labels, n_rep * n_met))
        columns["metric"].append(np.tile(np.repeat(np.array(result.metrics), months), n_rep))
        columns["value"].append(result.values.reshape(-1))
    table = pa.table({k: pa.array(np.concatenate(v)) if v else pa.array([]) for k, v in columns.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def comparison_csv(differences: dict[str, dict[str, dict[str, dict[str, float]]]], dialect: str = "en") -> str:
    """Tidy CSV of paired differences: scenario, period, metric, mean, p5, p50, p95, prob_lower."""
    buf = io.StringIO()
    writer = _writer(buf, dialect)
    decimal = CSV_DIALECTS[dialect][1]
    columns = ("mean", "p5", "p50", "p95", "prob_lower")
    writer.writerow(["scenario", "period", "metric", *columns])
    for name, periods in differences.items():
        for period, metrics in periods.items():
            for metric, stats in metrics.items():
                money = is_money(metric)
                writer.writerow([name, period, metric, *(number(stats[c], money and c != "prob_lower", decimal) for c in columns)])
    return buf.getvalue()


def write_json(path: Path, data: object) -> None:
    """Atomic, pretty, strict JSON: a NaN or infinite number is an error (``ValueError``), never written."""
    write_atomic(path, json.dumps(data, indent=1, sort_keys=False, allow_nan=False) + "\n")
