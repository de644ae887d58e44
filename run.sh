#!/usr/bin/env bash
# Set up a virtualenv (.venv, or $VENV) and run one job of the project.
#   bash run.sh lab    the PymoNNtorch tutorial in JupyterLab
#   bash run.sh test   every test: core, widgets, real-browser, notebooks (needs root for apt)
set -euo pipefail
cd "$(dirname "$0")"
VENV=${VENV:-.venv}

setup() {
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q torch==2.13.0   # the CPU wheel; never an unpinned torch
  "$VENV/bin/python" -m pip install -q -e ".[$1]"
}

ensure_chromium() {
  command -v chromium >/dev/null && return
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
}

job=${1:-}
shift || true
case "$job" in
  lab)
    setup lab
    root=(); [ "$(id -u)" -ne 0 ] || root=(--allow-root)   # JupyterLab refuses root without it
    exec "$VENV/bin/jupyter" lab "${root[@]}" notebooks/01_tutorial.ipynb "$@" ;;
  test)
    setup test
    ensure_chromium
    # tests/browser last: Playwright's sync API leaves its event loop set in this thread until the session ends
    exec "$VENV/bin/python" -m pytest tests/core tests/widgets notebooks tests/browser \
      --nbval --nbval-sanitize-with notebooks/sanitize.cfg "$@" ;;
  *)
    echo "usage: bash run.sh lab|test [args]" >&2; exit 2 ;;
esac
