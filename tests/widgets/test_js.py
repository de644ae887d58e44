"""The front ends' own unit tests (js/*.test.mjs), run with Node's built-in test runner."""
import os
import pathlib
import shutil
import subprocess

import pytest

JS = pathlib.Path(__file__).parents[2] / "js"


def test_front_end_unit_tests_pass():
    if shutil.which("node") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is required under CI=true (bash run.sh test installs Debian's nodejs)")
        pytest.skip("Node.js is not installed")
    result = subprocess.run(["node", "--test", str(JS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout
