"""The rules for every file and number a user gives sdsim, in one place.

Scenario, profile, sweep and parameter files are read by ``read_toml``: UTF-8 with or without a
byte-order mark, TOML syntax errors reported with line and column, nesting at most ``MAX_DEPTH``
deep, every float finite and every integer a signed 64-bit one. ``flatten`` turns nested tables of
dotted names into one mapping and refuses a name given twice (``"a.b" = 1`` beside ``[a] b = 2``).
The limits on seeds, replicates and years hold for files and the command line alike. Every problem
raises ``ScenarioError``, which prints as one line: ``file: key: what is allowed``.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

MAX_SEED = 2**63 - 1  # seeds: 0 <= seed < 2**63 (the random-number key is 64 bits)
MAX_REPLICATES = 100_000
MAX_YEARS = 100
MAX_WORKERS = 1024
MAX_ROWS = 1_000_000  # design rows of a sweep or a sensitivity analysis (each is held in memory)
MAX_TASKS = 10**8  # scenarios x design rows x replicates of one sweep
MAX_DEPTH = 16  # nesting of tables and arrays in an input file
MAX_BYTES = 16 * 2**20  # an input file larger than this is not a scenario
INT64 = 2**63
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(32), 127)}  # file names and keys print on one line
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


class ScenarioError(Exception):
    """A user mistake in an input file or argument: ``file: key: what is allowed`` (one line)."""

    def __init__(self, file: Path | str, key: str, message: str) -> None:
        message = " ".join(str(message).split())  # one line, whatever the message holds
        file, key = str(file).translate(_CONTROL), str(key).translate(_CONTROL)
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")
        self.file, self.key, self.message = file, key, message


def show(value: object, limit: int = 40) -> str:
    """A short ``repr`` of a value for a message (containers and long strings are not dumped)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_text(path: Path, key: str = "") -> str:
    """The file's text (UTF-8, an optional byte-order mark dropped); ``ScenarioError`` if it cannot be read."""
    if str(path) in ("", "."):
        raise ScenarioError("''", key, "expected a file name")
    try:
        with Path(path).open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(path, key, "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(path, key, "is a folder, expected a file") from None
    except OSError as err:
        raise ScenarioError(path, key, f"cannot be read ({err.strerror or type(err).__name__})") from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(path, key, f"larger than {MAX_BYTES // 2**20} MiB; not an input file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise ScenarioError(path, key, f"line {line}, column {column}: not UTF-8 text; save the file as UTF-8") from None


def read_toml(path: Path | str, key: str = "") -> dict:
    """The TOML file's table, checked by ``check_tree``; ``ScenarioError`` (file, key, what is wrong) otherwise."""
    path = Path(path) if str(path) else Path("")
    text = read_text(path, key)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        where = _AT.search(message)
        place = f"line {where[1]}, column {where[2]}: " if where else ""
        raise ScenarioError(path, key, f"{place}not valid TOML ({_AT.sub('', message)})") from None
    except RecursionError:
        raise ScenarioError(path, key, f"nested more than {MAX_DEPTH} levels deep") from None
    check_tree(path, data)
    return data


def check_tree(path: Path | str, data: dict) -> None:
    """Refuse deep nesting, non-finite floats and integers beyond 64 bits anywhere in ``data``."""
    stack: list[tuple[str, object, int]] = [("", data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError(path, where, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend(reversed([(f"{where}.{k}" if where else str(k), v, depth + 1) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{where}[{_label(v, i)}]", v, depth + 1) for i, v in enumerate(value)]))
        elif isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError(path, where, f"expected a finite number, got {value}")
        elif isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
            raise ScenarioError(path, where, "integer out of range (more than 64 bits)")


def _label(item: object, index: int) -> str:
    """A list item by its ``name`` when it has one (providers, teams), else by its position."""
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) and name else str(index)


def flatten(path: Path | str, table: dict, key: str, leaf=None) -> dict[str, object]:
    """``{"a.b": v}`` from nested tables and quoted dotted keys; a name given twice is refused.

    Args:
        path: the file, for messages.
        table: the table under ``key``.
        key: its key path (``parameters``, ``design``), for messages.
        leaf: ``leaf(name, value)`` true where a dict is a value rather than a deeper table.
    """
    out: dict[str, object] = {}
    stack = [("", table)]
    while stack:
        prefix, current = stack.pop()
        for k, v in current.items():
            name = f"{prefix}{k}"
            if isinstance(v, dict) and not (leaf and leaf(name, v)):
                stack.append((name + ".", v))
            elif name in out:
                raise ScenarioError(path, f"{key}.{name}", "given twice (as a nested table and as a quoted dotted key)")
            else:
                out[name] = v
    return out


def whole_number(path: Path | str, key: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in [low, high]; ``ScenarioError`` naming the key otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScenarioError(path, key, f"expected a whole number in [{low}, {high}], got {show(value)}")
    return value


def read_population_path(path: Path, columns: tuple[str, ...]) -> dict[int, dict[str, float]]:
    """A population path CSV: a header ``year,<columns>``, one row per consecutive year, counts >= 0.

    Returns {year: {column: persons}}; ``ScenarioError`` naming the file, the row and the column otherwise.
    """
    lines = [line for line in read_text(path).splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ScenarioError(path, "", "empty; expected a header year," + ",".join(columns))
    header = [h.strip() for h in lines[0].split(",")]
    if header != ["year", *columns]:
        raise ScenarioError(path, "row 1", f"header {','.join(header)}; expected year,{','.join(columns)}")
    out: dict[int, dict[str, float]] = {}
    for number, line in enumerate(lines[1:], start=2):
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != len(header):
            raise ScenarioError(path, f"row {number}", f"{len(cells)} cells; expected {len(header)} ({','.join(header)})")
        values: list[float] = []
        for column, cell in zip(header, cells, strict=True):
            try:
                value = float(cell)
            except ValueError:
                raise ScenarioError(path, f"row {number}, column {column}", f"expected a number, got {show(cell)}") from None
            if not math.isfinite(value) or value < 0 or (column == "year" and value != int(value)):
                allowed = "a whole year" if column == "year" else "a count of persons >= 0"
                raise ScenarioError(path, f"row {number}, column {column}", f"expected {allowed}, got {show(cell)}")
            values.append(value)
        year = int(values[0])
        if out and year != max(out) + 1:
            raise ScenarioError(path, f"row {number}, column year", f"{year} after {max(out)}; expected consecutive years")
        out[year] = dict(zip(columns, values[1:], strict=True))
    return out
