#!/usr/bin/env bash
# Set up a virtualenv (.venv, or $VENV) and run one job of the project.
#   bash run.sh lab    the PymoNNtorch tutorial in JupyterLab
#   bash run.sh test   every check: ruff, core, widgets, front ends (Node), notebooks (nbval, native and
#                      portable CPU kernels), real browser, and the built wheel in a clean virtualenv
set -euo pipefail
cd "$(dirname "$0")"
VENV=${VENV:-.venv}
TORCH=torch==2.13.0          # the CPU wheel; never an unpinned torch (that pulls a multi-GB CUDA build)
CONEX=cnrl-conex==0.1.5      # CoNeX, for the drop-in compatibility tests (installed without its deps)

step() { printf '\n==> %s\n' "$*"; }

# pip install into $VENV, printing one summary line; on failure the whole log and a non-zero status.
pip_install() {
  local log; log=$(mktemp)
  if "$VENV/bin/python" -m pip install --progress-bar off "$@" >"$log" 2>&1; then
    grep -E '^Successfully installed' "$log" || echo "already installed"
    rm -f "$log"
  else
    grep -v '^WARNING: Location' "$log" >&2; rm -f "$log"
    echo "pip install $* failed" >&2; return 1
  fi
}

# Install into $VENV what extra $1 needs, unless an earlier run installed it (or the 'test' extra, which
# includes every other) from the same pyproject.toml.
setup() {
  local stamp="$VENV/.pymonn-setup-$1" extra
  local pins; pins="$TORCH $CONEX $(sha256sum pyproject.toml | cut -c1-16)"
  for extra in "$1" test; do
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.pymonn-setup-$extra" 2>/dev/null)" = "$extra $pins" ]; then
      step "environment $VENV is up to date (delete $VENV/.pymonn-setup-* to reinstall)"; return
    fi
  done
  [ -x "$VENV/bin/python" ] || { step "creating the virtualenv $VENV"; python3 -m venv "$VENV"; }
  step "installing $TORCH (CPU)"
  pip_install "$TORCH"
  step "installing the project and its '$1' extra (a few minutes the first time)"
  pip_install -e ".[$1]"
  if [ "$1" = test ]; then
    step "installing $CONEX (no dependencies: it runs on our core through the import alias)"
    pip_install --no-deps "$CONEX"
  fi
  echo "$1 $pins" > "$stamp"
}

# Debian packages the tests need: chromium (real-browser tests) and nodejs (the front ends' unit tests).
ensure_debian() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v node >/dev/null || missing+=(nodejs)
  [ ${#missing[@]} -eq 0 ] && return
  step "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
}

# The notebooks' stored outputs under torch's portable kernels (and AVX2 where the CPU has AVX-512):
# what nbval compares must not depend on the CPU that runs it.
nbval_other_kernels() {
  local kernels=(default)
  grep -q avx512f /proc/cpuinfo 2>/dev/null && kernels+=(avx2)
  for kernel in "${kernels[@]}"; do
    step "notebooks under ATEN_CPU_CAPABILITY=$kernel"
    ATEN_CPU_CAPABILITY=$kernel "$VENV/bin/python" -m pytest notebooks -q -p no:cacheprovider \
      --nbval --nbval-sanitize-with notebooks/sanitize.cfg
  done
}

job=${1:-}
shift || true
case "$job" in
  lab)
    setup lab
    root=(); [ "$(id -u)" -ne 0 ] || root=(--allow-root)   # JupyterLab refuses root without it
    step "starting JupyterLab on notebooks/01_tutorial.ipynb (open the URL it prints; Ctrl-C stops it)"
    exec "$VENV/bin/jupyter" lab "${root[@]}" --LabApp.default_url=/lab/tree/notebooks/01_tutorial.ipynb "$@" ;;
  test)
    setup test
    ensure_debian
    step "ruff"
    "$VENV/bin/ruff" check .
    step "the built wheel in a clean virtualenv"
    "$VENV/bin/python" tests/wheel_smoke.py "$TORCH"
    nbval_other_kernels
    step "pytest: core, pymonntorch compatibility (CoNeX), widgets, notebooks (native kernels), real browser"
    # tests/browser last: Playwright's sync API leaves its event loop set in this thread until the session ends
    exec "$VENV/bin/python" -m pytest tests/core tests/compat tests/widgets tests/notebooks notebooks tests/browser \
      --nbval --nbval-sanitize-with notebooks/sanitize.cfg "$@" ;;
  *)
    echo "usage: bash run.sh lab|test [args]" >&2; exit 2 ;;
esac
