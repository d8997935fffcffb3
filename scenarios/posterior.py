"""A posterior as a parameter file (``draws.csv`` of ``sdsim calibrate``): each replicate runs its own parameter set.

The file has a header of parameter names (``sdsim parameters``) and one row per draw; ``#`` lines are
comments. With ``--posterior DIR`` (the folder holding ``draws.csv``, or the file itself) replicate r
of ``run``, ``compare`` and ``forecast`` takes row r mod n: its parameters are the draw, with the
scenario's own changes on top (a lever that sets a fitted parameter keeps its value). Every scenario of
a comparison gets the same row for the same replicate, so the paired differences carry the
parameters' uncertainty as well as the replicates'.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sdsim.scenarios.files import ScenarioError, read_text, show
from sdsim.scenarios.loader import Scenario
from sdsim.simulation.parameters import BY_NAME, ParameterError, Parameters, check_value

DRAWS_FILE = "draws.csv"


@dataclass(frozen=True)
class ParameterDraws:
    """Parameter sets, one per row; replicate r takes row r mod n."""

    path: Path
    names: tuple[str, ...]
    values: np.ndarray  # (draws, names)
    sha256: str

    def params(self, scenario: Scenario, replicate: int) -> Parameters:
        """The parameters of ``scenario`` for ``replicate``: the draw, the scenario's own changes on top."""
        draw = dict(zip(self.names, map(float, self.values[replicate % len(self.values)]), strict=True))
        return Parameters({**draw, **scenario.changes})

    def provenance(self) -> dict[str, object]:
        """What an output records of the posterior it ran: file, digest, draws and parameters."""
        return {"file": str(self.path), "sha256": self.sha256, "draws": len(self.values), "parameters": list(self.names)}

    def scenario(self, scenario: Scenario, replicate: int) -> Scenario:
        """``scenario`` with the parameters of ``replicate`` (and a digest that says which draw, for burned-in states)."""
        row = replicate % len(self.values)
        return scenario.variant(f"{self.sha256}:{row}", params=self.params(scenario, replicate))


def read_draws(path: Path) -> ParameterDraws:
    """A parameter file (or the folder holding ``draws.csv``); ``ScenarioError`` naming file, row and column."""
    path = Path(path)
    file = path / DRAWS_FILE if path.is_dir() else path
    text = read_text(file)
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if len(lines) < 2:
        raise ScenarioError(file, "rows", "expected a header of parameter names and at least one row of values")
    header_line, header = lines[0][0], next(csv.reader([lines[0][1]]))
    for column, name in enumerate(header, start=1):
        if name not in BY_NAME:
            raise ScenarioError(file, f"row {header_line}, column {column}", f"unknown parameter {show(name)} (see `sdsim parameters`)")
    values = []
    for number, line in lines[1:]:
        cells = next(csv.reader([line]))
        if len(cells) != len(header):
            raise ScenarioError(file, f"row {number}", f"{len(cells)} values for {len(header)} parameters")
        row = []
        for name, cell in zip(header, cells, strict=True):
            try:
                value = float(cell)
                check_value(name, value)
            except ParameterError as err:
                raise ScenarioError(file, f"row {number}, column {name}", err.message) from None
            except ValueError:
                raise ScenarioError(file, f"row {number}, column {name}", f"expected a number, got {show(cell)}") from None
            row.append(value)
        values.append(row)
    return ParameterDraws(file, tuple(header), np.array(values), hashlib.sha256(text.encode()).hexdigest()[:16])


__all__ = ["DRAWS_FILE", "ParameterDraws", "read_draws"]
