"""The notebooks' stored outputs stay meaningful to nbval on every CPU.

A cell whose exact output depends on the CPU (a chaotic network) is excluded from comparison with the
``nbval-ignore-output`` tag only when the next code cell checks its result with an ``assert`` and prints
the claim; the sanitizer may hide timings and addresses, never results.
"""
import configparser
import json
import pathlib
import re

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
SANITIZE = pathlib.Path(__file__).parents[2] / "notebooks" / "sanitize.cfg"


def code_cells(path):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def ignored(cell):
    return "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []) or \
        "NBVAL_IGNORE_OUTPUT" in "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_ignored_output_is_checked_by_the_next_cell(path):
    cells = code_cells(path)
    for k, cell in enumerate(cells):
        if not ignored(cell):
            continue
        after = cells[k + 1] if k + 1 < len(cells) else None
        source = "".join(cell["source"]).splitlines()[0]
        assert after is not None and not ignored(after) and "assert" in "".join(after["source"]), (
            f"{path.name}: the cell starting {source!r} ignores its output but the next cell asserts nothing")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_most_outputs_are_compared(path):
    with_output = [c for c in code_cells(path) if c.get("outputs")]
    share = sum(map(ignored, with_output)) / max(len(with_output), 1)
    assert share <= 0.2, f"{path.name}: {share:.0%} of the cells with output are not compared"


def test_the_sanitizer_keeps_results():
    config = configparser.ConfigParser()
    config.read(SANITIZE)
    results = "7917 spikes in 1 s: excitatory 7.6 Hz, inhibitory 8.5 Hz; wave speed 0.79; dw +0.0285; CV 0.66"
    for section in config.sections():
        changed = re.sub(config[section]["regex"], config[section]["replace"], results, flags=re.MULTILINE)
        assert changed == results, f"sanitize.cfg [{section}] rewrites results: {changed!r}"
