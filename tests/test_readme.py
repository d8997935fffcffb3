"""The README's promises: its Python example runs, and `sdsim run` works on the default municipality."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sdsim.experiments.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs(monkeypatch):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README lost its Python example"
    monkeypatch.chdir(README.parent)
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    model = namespace["model"]
    assert model.datacollector.get_model_vars_dataframe().shape[0] == 12


def test_readme_commands_are_the_two_first_lines():
    lines = [line for line in README.read_text().splitlines() if line.startswith(("pip ", "python "))]
    assert lines[:2] == ["pip install . && sdsim run", 'pip install ".[test]" && pytest']


def test_default_run_on_the_default_municipality(tmp_path):
    """`sdsim run` with no scenario: the baseline, 20 replicates, 10 years (the README's first command)."""
    assert main(["run", "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["provenance"]["replicates"] == 20 and summary["provenance"]["scenario"]["name"] == "baseline"
    assert len(summary["years"]) == 10
    spending = summary["years"]["2026"]["spending.total"]
    assert 2e7 < spending["mean"] < 1e8  # tens of millions of euros for ~45,000 inhabitants
