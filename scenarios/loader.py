"""Read scenario and profile TOML files into validated objects, with one-line errors.

A scenario file::

    name = "poh-jeugd"
    description = "..."
    extends = "baseline.toml"        # optional: start from another scenario
    profile = "profiles/default.toml" # optional when extended; relative to this file
    years = 10                        # optional when extended
    [parameters]                      # changes by registry name (nested tables or quoted dots)
    "door_gp.jeugd" = 0.4
    "lever.budget.jeugd.cut" = { value = 0.15, source = "[SW] §4.6" }  # a value with its source

A parameter is a number, or an inline table with its ``value`` and the ``source`` the report cites.

Every problem raises ``ScenarioError`` naming the file, the key path and what is allowed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sdsim.scenarios.files import MAX_YEARS, ScenarioError, flatten, read_population_path, read_toml, show, whole_number
from sdsim.simulation.parameters import ParameterError, Parameters, check_value
from sdsim.simulation.profile import Profile
from sdsim.simulation.schema import AGE_GROUPS

__all__ = ["BASELINE", "SCENARIO_DIR", "Scenario", "ScenarioError", "load_profile", "load_scenario", "read_toml"]

SCENARIO_KEYS = {"name", "description", "extends", "profile", "years", "parameters", "timeline"}
VALUE_KEYS = ("value", "source")  # a parameter given as a table: its value and where the value comes from
MAX_SOURCE = 500  # characters of a source
SCENARIO_DIR = Path(__file__).resolve().parent
BASELINE = SCENARIO_DIR / "baseline.toml"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: a profile, parameters, a horizon and where they came from."""

    name: str
    description: str
    path: Path
    profile: Profile
    profile_path: Path
    params: Parameters
    years: int
    chain: tuple[Path, ...]  # this file, then the files it extends
    changes: dict[str, float] = field(default_factory=dict)  # parameters set by the chain
    sha256: str = ""  # of the chain's file contents and the profile's
    sources: dict[str, str] = field(default_factory=dict)  # the source a file gives beside a change (the latest file's)
    timeline: tuple[tuple[int, dict[str, float]], ...] = ()  # (month from 1 January of the start year, changes from then on)

    def params_at(self, params: Parameters | None = None) -> tuple[tuple[int, Parameters], ...]:
        """The timeline's parameters from each of its months on, cumulative, on ``params`` (default: the scenario's)."""
        current, out = params or self.params, []
        for month, changes in self.timeline:
            current = current.replace(changes)
            out.append((month, current))
        return tuple(out)

    def variant(self, tag: str, **changes: object) -> Scenario:
        """This scenario with ``changes`` (its params or profile) and a digest that names them by ``tag``.

        Burned-in states are kept by digest (``experiments.runner.burned_in``): a changed scenario needs its own.
        """
        return dataclasses.replace(self, **changes, sha256=f"{self.sha256}:{tag}")

    def composition(self) -> dict[str, object]:
        """What this scenario is made of, for every output's provenance."""
        return {
            "name": self.name,
            "file": str(self.path),
            "extends": [str(p) for p in self.chain[1:]],
            "profile": str(self.profile_path),
            "years": self.years,
            "parameter_changes": dict(sorted(self.changes.items())),
            "parameter_sources": dict(sorted(self.sources.items())),
            "timeline": {f"month {month}": changes for month, changes in self.timeline},
            "sha256": self.sha256,
        }


def _checked_values(file: Path, table: dict, key: str) -> dict[str, tuple[float, str | None]]:
    """``{parameter: (value, source)}`` of a table of parameter = value under ``key``, each value checked."""
    out = {}
    for name, given in flatten(file, table, key, _is_value_table).items():
        value, source = parameter_value(file, name, given)
        try:
            check_value(name, value)
        except ParameterError as err:
            raise ScenarioError(file, f"{key}.{err.key}", err.message) from None
        out[name] = (float(value), source)  # type: ignore[arg-type]
    return out


def _timeline_tables(file: Path, table: object) -> dict[tuple[int, int], dict[str, float]]:
    """A file's ``[timeline."YYYY-01"]`` tables: {(year, month): {parameter: value}}, each value checked."""
    if not isinstance(table, dict):
        raise ScenarioError(file, "timeline", 'expected tables [timeline."YYYY-01"] of parameter = value')
    out: dict[tuple[int, int], dict[str, float]] = {}
    for date, params in table.items():
        key = f'timeline."{date}"'
        parts = date.split("-") if isinstance(date, str) else []
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or int(parts[1]) != 1:
            raise ScenarioError(file, key, "expected a 1 January as YYYY-01 (a change takes effect at the start of a calendar year)")
        if not isinstance(params, dict):
            raise ScenarioError(file, key, "expected a table of parameter = value")
        values = _checked_values(file, params, key)
        dated_index = next((name for name in values if name.startswith("index.")), None)
        if dated_index:
            raise ScenarioError(
                file, f"{key}.{dated_index}", "an index rate holds over the whole horizon; change a level (tariff.*) instead"
            )
        out[int(parts[0]), int(parts[1])] = {name: value for name, (value, _) in values.items()}
    return out


def _timeline_months(
    timeline: dict[tuple[int, int], dict[str, float]], files: dict[tuple[int, int], Path], base: dict[str, float], start: int, years: int
) -> tuple[tuple[int, dict[str, float]], ...]:
    """The timeline as (month from 1 January of ``start``, changes), in date order, within the horizon and valid together."""
    out, current = [], dict(base)
    for (year, month), changes in sorted(timeline.items()):
        key = f'timeline."{year}-{month:02d}"'
        if not start < year < start + years:
            raise ScenarioError(files[year, month], key, f"outside the horizon after its start: {start + 1}-{start + years - 1}")
        current.update(changes)
        try:
            Parameters(current)
        except ParameterError as err:
            raise ScenarioError(files[year, month], f"{key}.{err.key}", err.message) from None
        out.append((12 * (year - start), changes))
    return tuple(out)


def check_name(file: Path | str, key: str, value: object) -> str:
    """A name shown in outputs and reports: a string of 1 to 100 printable characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= 100 or not value.isprintable():
        raise ScenarioError(file, key, f"expected a name of 1 to 100 printable characters, got {show(value)}")
    return value


def _is_value_table(name: str, value: object) -> bool:
    """A parameter given as ``{ value = ..., source = "..." }`` (a leaf for ``flatten``), not a deeper table."""
    return isinstance(value, dict) and not set(value).isdisjoint(VALUE_KEYS)


def parameter_value(file: Path | str, name: str, given: object) -> tuple[object, str | None]:
    """A parameter's value and its source (None without one) from a number or a ``{value, source}`` table."""
    if not isinstance(given, dict):
        return given, None
    key = f"parameters.{name}"
    unknown = sorted(set(given) - set(VALUE_KEYS))
    if unknown:
        raise ScenarioError(file, f"{key}.{unknown[0]}", f"unknown key; allowed: {', '.join(VALUE_KEYS)}")
    if "value" not in given:
        raise ScenarioError(file, f"{key}.value", "missing: give the number beside its source")
    source = given.get("source")
    if source is not None and not (isinstance(source, str) and 1 <= len(source) <= MAX_SOURCE and source.isprintable()):
        raise ScenarioError(file, f"{key}.source", f"expected a text of 1 to {MAX_SOURCE} printable characters, got {show(source)}")
    return given["value"], source


def _location(data: object, loc: tuple) -> str:
    """A pydantic error location as a key path, list items by their ``name`` where they have one."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
            name = data.get("name") if isinstance(data, dict) else None
            parts.append(f"[{name}]" if isinstance(name, str) and name else f"[{part}]")
        else:
            data = data.get(part) if isinstance(data, dict) else None
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts) or "(top level)"


def load_profile(path: Path, years: int | None = None) -> Profile:
    """Read and validate a municipality profile (its population path CSV too; covering ``years`` years if given)."""
    return _read_profile(path, years)[0]


def _read_profile(path: Path, years: int | None) -> tuple[Profile, tuple[Path, ...]]:
    """The profile and the files it was read from: the TOML and the population path CSV it names (relative to it)."""
    data = read_toml(path)
    name = data.get("population_path")
    csv = (Path(path).parent / name).resolve() if isinstance(name, str) else None
    if csv is not None:
        data["population_path"] = read_population_path(csv, AGE_GROUPS)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = _location(data, first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        elif "input" in first and first["type"] not in ("missing",) and first["loc"] and not isinstance(first["input"], dict | list):
            message = f"{message} (got {show(first['input'])})"
        raise ScenarioError(path, loc, message) from None
    gap = profile.path_gap(years) if years is not None else None
    if gap is not None:
        end = profile.start_year + years  # type: ignore[operator]
        raise ScenarioError(csv or path, f"year {gap}", f"missing; the population path must give every year {profile.start_year}-{end}")
    return profile, (Path(path), *([csv] if csv is not None else []))


def load_scenario(path: Path | str, profile: Path | None = None) -> Scenario:
    """Read a scenario, follow ``extends``, validate everything; raise ``ScenarioError`` if wrong.

    ``profile``: a profile file instead of the one the files name (``--profile``; its digest and start year count).
    """
    path = Path(path).resolve() if Path(path).exists() else Path(path)
    chain: list[Path] = []
    layers: list[dict] = []
    current: Path | None = path
    while current is not None:
        if current in chain:
            raise ScenarioError(chain[-1], "extends", f"cycle: {' -> '.join(p.name for p in [*chain, current])}")
        data = read_toml(current, "extends" if chain else "")
        unknown = sorted(set(data) - SCENARIO_KEYS)
        if unknown:
            raise ScenarioError(current, unknown[0], f"unknown key; allowed: {', '.join(sorted(SCENARIO_KEYS))}")
        chain.append(current)
        layers.append(data)
        parent = data.get("extends")
        if parent is not None and not isinstance(parent, str):
            raise ScenarioError(current, "extends", "expected a file name (string)")
        current = (current.parent / parent).resolve() if parent else None
    merged: dict[str, object] = {}
    changes: dict[str, float] = {}
    sources: dict[str, str] = {}
    timeline: dict[tuple[int, int], dict[str, float]] = {}
    timeline_files: dict[tuple[int, int], Path] = {}
    profile_path: Path | None = None
    for file, data in zip(reversed(chain), reversed(layers), strict=True):
        for key in ("description", "years"):
            if key in data:
                merged[key] = data[key]
        if "profile" in data:
            if not isinstance(data["profile"], str):
                raise ScenarioError(file, "profile", "expected a file name (string)")
            profile_path = (file.parent / data["profile"]).resolve()
        params = data.get("parameters", {})
        if not isinstance(params, dict):
            raise ScenarioError(file, "parameters", "expected a table of parameter = value")
        for name, (value, source) in _checked_values(file, params, "parameters").items():
            changes[name] = value
            sources.pop(name, None)  # a later file's value without a source no longer has the earlier one's
            if source is not None:
                sources[name] = source
        try:
            Parameters(changes)  # shares that must sum to 1, with this file's changes
        except ParameterError as err:
            raise ScenarioError(file, f"parameters.{err.key}", err.message) from None
        for date, dated in _timeline_tables(file, data.get("timeline", {})).items():
            timeline.setdefault(date, {}).update(dated)
            timeline_files[date] = file
    profile_path = Path(profile).resolve() if profile is not None else profile_path
    if profile_path is None:
        raise ScenarioError(path, "profile", "missing: name a profile file (e.g. profiles/default.toml)")
    years = whole_number(path, "years", merged.get("years", 10), 1, MAX_YEARS)
    name = check_name(path, "name", layers[0]["name"]) if "name" in layers[0] else path.stem  # a name is never inherited
    if "description" in merged and not isinstance(merged["description"], str):
        raise ScenarioError(path, "description", "expected a string")
    loaded_profile, profile_files = _read_profile(profile_path, years)
    dated = _timeline_months(timeline, timeline_files, changes, loaded_profile.start_year, years)
    digest = hashlib.sha256()
    for file in [*chain, *profile_files]:
        digest.update(file.read_bytes())
    return Scenario(
        name=name,
        description=str(merged.get("description", "")),
        path=path,
        profile=loaded_profile,
        profile_path=profile_path,
        params=Parameters(changes),
        years=years,
        chain=tuple(chain),
        changes=changes,
        sha256=digest.hexdigest(),
        sources=sources,
        timeline=dated,
    )
