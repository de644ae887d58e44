"""Record reference values from the published pymonntorch 0.1.4 and cnrl-conex 0.1.5.

Run it in a separate environment that has the published packages (never pymonntorch_core):

    python3 -m venv /work/refenv
    /work/refenv/bin/pip install torch==2.13.0 pymonntorch==0.1.4
    /work/refenv/bin/pip install --no-deps cnrl-conex==0.1.5
    /work/refenv/bin/python tests/compat/record_reference.py

It writes tests/compat/reference_values.json, which test_conex.py and test_conformance.py compare against.
"""
import contextlib
import io
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import conex_scenario  # noqa: E402
import conformance_cases  # noqa: E402


def main():
    import pymonntorch
    import torch

    assert pymonntorch.__version__ == "0.1.4", pymonntorch.__version__
    assert "pymonntorch_core" not in sys.modules
    with contextlib.redirect_stdout(io.StringIO()):  # the published package prints its warnings
        values = {
            "versions": {"pymonntorch": pymonntorch.__version__, "torch": torch.__version__.split("+")[0]},
            "conex_scenario": conex_scenario.run(),
            "conex_input_layer": conex_scenario.run_input_layer(),
            "conformance": conformance_cases.run_all(),
        }
    path = HERE / "reference_values.json"
    path.write_text(json.dumps(values, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
