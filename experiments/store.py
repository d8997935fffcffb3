"""A resumable sweep store on disk: Parquet chunks written with atomic renames.

Layout of ``DIR``::

    sweep.json                 the design, seeds and provenance (written before any chunk)
    chunks/part-000000.parquet one file per chunk of consecutive tasks (temporary name, then rename)
    complete.json              written last: the number of chunks and rows, and a digest of them

Parquet (pyarrow) rather than zarr/netCDF: a task's result is one row of named columns, chunks are
independent files that a reader (pandas, polars, DuckDB, R's arrow) opens without our code, and a
chunk file either exists completely or not at all. A store without ``complete.json`` is unfinished,
whatever it holds; ``--resume`` recomputes exactly the chunks without a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sdsim.experiments.output import write_json
from sdsim.scenarios.loader import ScenarioError

if TYPE_CHECKING:
    import pyarrow as pa

DESIGN, COMPLETE, CHUNKS = "sweep.json", "complete.json", "chunks"


def chunk_path(root: Path, chunk: int) -> Path:
    """Where chunk ``chunk`` lives."""
    return root / CHUNKS / f"part-{chunk:06d}.parquet"


def open_store(root: Path, design: dict, resume: bool) -> set[int]:
    """Create the store, or reopen it to resume; return the chunks already done.

    Raises ``ScenarioError`` when ``root`` holds another sweep or a finished one without ``resume``.
    """
    existing = root / DESIGN
    if existing.exists():
        if not resume:
            raise ScenarioError(root, "--out", "already holds a sweep; use --resume to continue it, --overwrite, or another --out")
        if json.loads(existing.read_text())["design"] != json.loads(json.dumps(design)):
            raise ScenarioError(root, DESIGN, "holds a different sweep (design, seeds or scenarios differ); use another --out")
    else:
        write_json(existing, {"design": design, "status": "see complete.json"})
    (root / CHUNKS).mkdir(parents=True, exist_ok=True)
    for stale in (root / CHUNKS).glob(".*.partial"):  # left by a killed writer; never a complete chunk
        stale.unlink()
    return {int(p.stem.split("-")[1]) for p in (root / CHUNKS).glob("part-*.parquet")}


def write_chunk(root: Path, chunk: int, columns: dict[str, np.ndarray]) -> None:
    """Write one chunk atomically (temporary file in the same folder, fsync, rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = chunk_path(root, chunk)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    try:
        pq.write_table(pa.table(columns), tmp, compression="zstd")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; chunks are for any reader, like every other output
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def finish(root: Path, n_chunks: int, provenance: dict) -> dict:
    """Check every chunk is there, then write ``complete.json`` (last); return it."""
    digest = hashlib.sha256()
    rows = 0
    import pyarrow.parquet as pq

    for chunk in range(n_chunks):
        path = chunk_path(root, chunk)
        digest.update(path.read_bytes())
        rows += pq.read_metadata(path).num_rows
    summary = {"chunks": n_chunks, "rows": rows, "sha256": digest.hexdigest(), "provenance": provenance}
    write_json(root / COMPLETE, summary)
    return summary


def read_store(root: Path) -> pa.Table:
    """The whole result as a pyarrow Table sorted by task (only from a complete store)."""
    import pyarrow.parquet as pq

    if not (root / COMPLETE).exists():
        raise ScenarioError(root, "", "the sweep is not complete (no complete.json); run it again with --resume")
    return pq.read_table(root / CHUNKS).sort_by("task")


def describe_store(root: Path) -> str:
    """A few lines on a complete store: rows, columns, where it is and how to open it."""
    complete = json.loads((root / COMPLETE).read_text())
    design = json.loads((root / DESIGN).read_text())["design"]
    import pyarrow.parquet as pq

    schema = pq.read_schema(chunk_path(root, 0))
    outputs = [c for c in schema.names if "@" in c]
    return "\n".join(
        [
            f"store: {complete['rows']} rows (tasks) in {complete['chunks']} chunk files under {root / CHUNKS}/",
            f"  scenarios: {', '.join(s['name'] for s in design['scenarios'])}; design rows: {len(design['design'])};"
            f" replicates: {design['replicates']}; seed: {design['seed']}",
            f"  {len(outputs)} output columns metric@year, e.g. {', '.join(outputs[:2])}",
            f"  open with pandas: pd.read_parquet('{root / CHUNKS}'); DuckDB: SELECT * FROM '{root / CHUNKS}/*.parquet'",
        ]
    )
