"""Writing results: atomic files (write to a temporary name, then rename) and provenance."""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np
from sdsim.experiments.runner import MonteCarloResult

PACKAGES = ("sdsim", "numpy", "numba", "scipy", "mesa", "pydantic", "matplotlib", "pyarrow", "dask", "distributed", "SALib")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees either the old file or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
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


def monthly_csv(results: list[MonteCarloResult]) -> str:
    """Tidy CSV: scenario, replicate, month (YYYY-MM), metric, value."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["scenario", "replicate", "month", "metric", "value"])
    for result in results:
        start = result.scenario.profile.start_year
        months = result.values.shape[2]
        labels = [f"{start + t // 12}-{t % 12 + 1:02d}" for t in range(months)]
        for r in range(result.values.shape[0]):
            for i, metric in enumerate(result.metrics):
                for t, value in enumerate(result.values[r, i]):
                    writer.writerow([result.scenario.name, r, labels[t], metric, "" if np.isnan(value) else f"{value:.6g}"])
    return buf.getvalue()


def comparison_csv(differences: dict[str, dict[str, dict[str, dict[str, float]]]]) -> str:
    """Tidy CSV of paired differences: scenario, period, metric, mean, p5, p50, p95, prob_lower."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = ("mean", "p5", "p50", "p95", "prob_lower")
    writer.writerow(["scenario", "period", "metric", *columns])
    for name, periods in differences.items():
        for period, metrics in periods.items():
            for metric, stats in metrics.items():
                writer.writerow([name, period, metric, *(f"{stats[c]:.6g}" for c in columns)])
    return buf.getvalue()


def write_json(path: Path, data: object) -> None:
    """Atomic, pretty JSON."""
    write_atomic(path, json.dumps(data, indent=1, sort_keys=False) + "\n")
