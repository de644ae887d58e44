"""Real-browser test harness (fixtures re-exported by conftest.py): one JupyterLab server and one headless Debian Chromium per session.

What it provides (see DESIGN.md §4 for the measured facts behind every flag):

* ``jupyter_server`` (session): ``python -m jupyter lab`` from this interpreter, as root, on 127.0.0.1 with a
  free port, ``port_retries=0``, a random token, a temporary root dir, private settings / workspaces /
  runtime dirs, ``windowingMode: "none"`` for notebooks and ``expose_app_in_browser`` so tests can call
  ``window.jupyterapp.commands.execute(...)``.
* ``browser`` (session): Playwright's sync Chromium launched with ``executable_path="/usr/bin/chromium"``.
* ``lab`` (function): a fresh page; ``lab.open(nb_path)`` copies a notebook into the server's root and opens
  it, returning a :class:`Notebook` with ``run_all``, ``wait_idle``, ``run_cell``, ``kernel_exec``,
  ``outputs``, ``error_outputs``, ``widget_views`` ... A full-page screenshot of every page a test used is
  saved to ``test-artifacts/browser/<test>.png`` after the test, pass or fail.

Missing chromium / jupyterlab / playwright make the tests FAIL with a clear message; set
``PYMONN_SKIP_BROWSER=1`` to skip the whole browser layer instead.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("PYMONN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Keep timers and rAF at full speed in a headless page that never has focus.
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
SKIP = os.environ.get("PYMONN_SKIP_BROWSER") == "1"
VIEWPORT = {"width": 1400, "height": 1000}


# ---------------------------------------------------------------------------------------------------------
# collection: every test here must be marked `browser`; PYMONN_SKIP_BROWSER=1 skips them all
# ---------------------------------------------------------------------------------------------------------
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here not in Path(str(item.fspath)).parents:
            continue
        if item.get_closest_marker("browser") is None:
            raise pytest.UsageError(f"{item.nodeid}: every test in tests/browser must be marked @pytest.mark.browser")
        if SKIP and os.environ.get("CI") == "true":
            raise pytest.UsageError("PYMONN_SKIP_BROWSER=1 is refused under CI=true: CI checks the page too")
        if SKIP:
            item.add_marker(pytest.mark.skip(reason="PYMONN_SKIP_BROWSER=1"))


def log(*args):
    """Print a progress line (visible with pytest -s)."""
    print("[browser]", time.strftime("%H:%M:%S"), *args, flush=True)


def write_artifact_json(name, data):
    """Merge ``data`` into test-artifacts/browser/<name> (a JSON object) and return the merged object."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    merged = {}
    if path.exists():
        try:
            merged = json.loads(path.read_text())
        except ValueError:
            merged = {}
    merged.update(data)
    merged["_updated_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    return merged


def poll(fn, timeout, interval=0.1, message="condition"):
    """Call ``fn`` until it returns a truthy value; return it, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - reported on timeout
            last_exc = exc
        if time.monotonic() > deadline:
            extra = f" (last error: {last_exc!r})" if last_exc else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {message}{extra}")
        time.sleep(interval)


def button(page, name):
    """The (first visible) button called ``name``: its visible text, aria-label or title, icons aside."""
    loc = page.get_by_role("button", name=re.compile(rf"^\W*{name}\W*$", re.I))
    poll(lambda: loc.count() >= 1 and loc.first.is_visible(), 30, 0.2, f"a visible {name!r} button")
    return loc.first


# ---------------------------------------------------------------------------------------------------------
# JupyterLab server
# ---------------------------------------------------------------------------------------------------------
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    def __init__(self, base, token, root, proc, logfile):
        self.base, self.token, self.root, self.proc, self.logfile = base, token, root, proc, logfile

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def api(self, path, method="GET"):
        req = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def log_tail(self, n=4000):
        try:
            return Path(self.logfile).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def shutdown_kernels(self, paths=None, wait=True):
        """Delete the sessions (and so kernels) of ``paths`` (default: all): frees CPU and memory.
        ``wait=False`` does it in a background thread (the server's own shutdown reaps what is left)."""
        if not wait:
            threading.Thread(target=self.shutdown_kernels, args=(paths, True), daemon=True).start()
            return
        try:
            for s in self.api("/api/sessions"):
                if paths is not None and s.get("path") not in paths:
                    continue
                self.api(f"/api/sessions/{s['id']}", method="DELETE")
        except (urllib.error.URLError, OSError):
            pass


def _check_requirements():
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"Chromium not found at {CHROMIUM} (install it: apt-get install -y chromium)")
    for mod, pip in [("jupyterlab", "jupyterlab"), ("playwright", "playwright"), ("ipywidgets", "ipywidgets"),
                     ("nbformat", "nbformat")]:
        try:
            __import__(mod)
        except ImportError:
            problems.append(f"Python package {mod!r} missing in {sys.executable} (pip install {pip})")
    if problems:
        pytest.fail("browser tests cannot run (set PYMONN_SKIP_BROWSER=1 to skip them):\n  "
                    + "\n  ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory):
    _check_requirements()
    base_dir = tmp_path_factory.mktemp("jupyter")
    root = base_dir / "root"
    settings = base_dir / "settings"
    for d in (root, settings, base_dir / "workspaces", base_dir / "runtime", base_dir / "config"):
        d.mkdir()
    # Notebook setting windowingMode "none": every cell stays in the DOM (else off-screen cells are virtual).
    _write_setting(settings, "@jupyterlab/notebook-extension", "tracker",
                   {"windowingMode": "none", "scrollPastEnd": False})
    # No news / update pop-ups covering the page; no "Shut down kernel?" style dialogs on close.
    _write_setting(settings, "@jupyterlab/apputils-extension", "notification",
                   {"fetchNews": "false", "checkForUpdates": False})
    env = dict(os.environ)
    env.update({
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base_dir / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(base_dir / "runtime"),
        "JUPYTER_CONFIG_DIR": str(base_dir / "config"),
        "PYTHONPATH": os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p]),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    port = _free_port()
    token = secrets.token_hex(24)
    logfile = base_dir / "jupyter.log"
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.disable_check_xsrf=True",
        "--LanguageServerManager.autodetect=False",
    ]
    log("starting JupyterLab on port", port)
    fh = open(logfile, "w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = JupyterServer(f"http://127.0.0.1:{port}", token, root, proc, logfile)
    t0 = time.monotonic()
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{server.log_tail()}", pytrace=False)
            try:
                server.api("/api/status")
                break
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if time.monotonic() - t0 > 90:
                pytest.fail(f"JupyterLab not ready after 90 s:\n{server.log_tail()}", pytrace=False)
            time.sleep(0.25)
        log(f"JupyterLab ready in {time.monotonic() - t0:.1f} s")
        yield server
    finally:
        server.shutdown_kernels()
        _stop(proc)
        fh.close()


def _write_setting(settings_dir, plugin_pkg, plugin, values):
    path = Path(settings_dir) / plugin_pkg / f"{plugin}.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))


def _stop(proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, 15)  # its own session: the server and the kernels it started
    except ProcessLookupError:
        return
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(5)


# ---------------------------------------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser(jupyter_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Lab:
    """A browser page on the session's JupyterLab server."""

    def __init__(self, server, browser, name):
        self.server, self.browser, self.name = server, browser, name
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.console = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.notebooks = []
        self.workspace = "w" + secrets.token_hex(6)

    def copy_in(self, src, name=None):
        dst = Path(self.server.root) / (name or Path(src).name)
        shutil.copy(src, dst)
        # notebooks may read data files beside them
        return dst

    def open(self, path, timeout=90):
        """Copy ``path`` (if outside the root) into the server's root and open it in this page."""
        path = Path(path)
        if Path(self.server.root) not in path.parents:
            path = self.copy_in(path)
        rel = path.relative_to(self.server.root).as_posix()
        t0 = time.monotonic()
        # a workspace of its own, reset: no tabs restored from earlier pages (they would start their kernels)
        self.page.goto(self.server.url(f"/lab/workspaces/{self.workspace}/tree/{rel}?reset"))
        nb = Notebook(self, rel)
        self.page.wait_for_function("() => !!window.jupyterapp && window.jupyterapp.started !== undefined",
                                    timeout=timeout * 1000)
        t_app = time.monotonic() - t0
        nb.wait_ready(timeout)
        self.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        log(f"opened {rel} in {time.monotonic() - t0:.1f} s (JupyterLab up after {t_app:.1f} s)")
        self.notebooks.append(nb)
        return nb

    def screenshot(self, name):
        """A full-page screenshot, with the viewport grown to show the whole notebook."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{_safe(name)}.png"
        t0 = time.monotonic()
        try:
            h = self.page.evaluate(
                "() => { const n = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');"
                " if (!n) return 0; const extra = window.innerHeight - n.clientHeight;"
                " return n.scrollHeight + extra; }")
            height = int(min(max(VIEWPORT["height"], (h or 0) + 20), 12000))
            self.page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            self.page.wait_for_timeout(300)
            self.page.evaluate("() => { const n = document.querySelector("
                               "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer'); if (n) n.scrollTop = 0; }")
            self.page.screenshot(path=str(path), full_page=True, timeout=30_000)
            self.page.set_viewport_size(VIEWPORT)
            log(f"screenshot {path.name} ({height} px) in {time.monotonic() - t0:.1f} s")
        except Exception as exc:  # noqa: BLE001 - a screenshot must never hide the test's own result
            log(f"screenshot {name} failed: {exc!r}")
        return path

    def close(self):
        try:
            self.context.close()
        except Exception:  # noqa: BLE001
            pass


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150]


# JS helpers evaluated in the page. `nb()` is the current NotebookPanel.
_JS_PRELUDE = """
const app = window.jupyterapp;
const nb = () => app.shell.currentWidget;
const _busy = (c) => { if (c.model.executionState !== undefined && c.model.executionState === 'running') return true;
  const p = c.node.querySelector('.jp-InputArea-prompt'); return !!(p && p.textContent.includes('*')); };
"""


class Notebook:
    """One open notebook in a :class:`Lab` page."""

    def __init__(self, lab, path):
        self.lab, self.path = lab, path
        self.page = lab.page

    # -- JS plumbing ------------------------------------------------------------------------------------
    def js(self, body, arg=None):
        """Evaluate ``body`` (a function body; ``app``, ``nb()`` and ``arg`` in scope) in the page."""
        return self.page.evaluate(f"async (arg) => {{ {_JS_PRELUDE} {body} }}", arg)

    def wait_ready(self, timeout=90):
        self.page.wait_for_function("() => !!window.jupyterapp", timeout=timeout * 1000)
        poll(lambda: self.js(
            "const w = nb(); if (!w || !w.content || !w.sessionContext) return false;"
            "await w.context.ready; await w.sessionContext.ready;"
            "const k = w.sessionContext.session && w.sessionContext.session.kernel;"
            "return !!k && k.status === 'idle' && k.connectionStatus === 'connected' &&"
            " w.context.path === arg;", self.path),
            timeout, 0.25, f"notebook {self.path} and its kernel to be ready")

    def kernel_status(self):
        return self.js("const k = nb().sessionContext.session.kernel; return k ? k.status : 'none';")

    def wait_idle(self, timeout=120):
        """Wait until no code cell is queued/running and the kernel is idle."""
        def done():
            state = self.js(
                "const w = nb(); const k = w.sessionContext.session.kernel;"
                "const running = w.content.widgets.filter(c => c.model.type === 'code' &&"
                " _busy(c)).length;"
                "return {status: k ? k.status : 'none', running};")
            return state["status"] == "idle" and state["running"] == 0
        # idle must hold for two consecutive reads (a run-all briefly looks idle between cells)
        poll(lambda: done() and (time.sleep(0.3) or done()), timeout, 0.25,
             f"kernel of {self.path} to be idle")

    # -- running ------------------------------------------------------------------------------------------
    def run_all(self, timeout=180):
        """Run every cell (JupyterLab's own command) and wait until all finished."""
        t0 = time.monotonic()
        self.js("await app.commands.execute('notebook:run-all-cells');")
        poll(lambda: self.js(
            "return nb().content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim())"
            ".every(c => c.model.executionCount !== null);"), timeout, 0.25,
            f"all cells of {self.path} to have run")
        self.wait_idle(timeout)
        log(f"ran all cells of {self.path} in {time.monotonic() - t0:.1f} s")

    def run_cell(self, code, timeout=30, expect_output=True, typed=False):
        """Append a code cell with ``code``, run it, and return its text output (stdout + results).

        ``typed``: type the code with the keyboard into the new cell's editor and run it with Shift+Enter,
        as a person would (one-line code; the editor's auto-closed brackets are checked away); else set the
        source through the model and run it with JupyterLab's ``notebook:run-cell`` command.
        Polls the cell until its execution finished (execution count set, prompt not ``*``) and, when
        ``expect_output``, until some output arrived. Returns ``(text, seconds)``; the seconds run from
        the moment the cell was submitted.
        """
        idx = self.js(
            "const w = nb(); const n = w.content.widgets.length;"
            "w.content.activeCellIndex = n - 1; w.content.mode = 'command';"
            "await app.commands.execute('notebook:insert-cell-below');"
            "return w.content.widgets.indexOf(w.content.activeCell);")
        if typed:
            editor = self.page.locator(".jp-Notebook .jp-Cell").nth(idx).locator(".cm-content")
            editor.click()
            self.page.keyboard.type(code)
            source = self.js("return nb().content.widgets[arg].model.sharedModel.getSource();", idx)
            assert source == code, f"typed {code!r}, the cell holds {source!r}"
            t0 = time.monotonic()
            self.page.keyboard.press("Shift+Enter")
        else:
            t0 = time.monotonic()
            self.js("const w = nb(); const c = w.content.widgets[arg.idx]; w.content.activeCellIndex = arg.idx;"
                    "c.model.sharedModel.setSource(arg.code);"
                    "await app.commands.execute('notebook:run-cell');", {"idx": idx, "code": code})

        def finished():
            r = self.js(
                "const c = nb().content.widgets[arg];"
                "return {count: c.model.executionCount, busy: _busy(c),"
                " outputs: c.model.outputs.toJSON()};", idx)
            if r["count"] is None or r["busy"]:
                return None
            if expect_output and not r["outputs"]:
                return None
            return r
        r = poll(finished, timeout, 0.05, f"cell {code!r} to finish")
        return _outputs_text(r["outputs"]), time.monotonic() - t0

    def kernel_exec(self, code, timeout=30):
        """Run ``code`` on the notebook's kernel without adding a cell; return (stdout+result text, error)."""
        return self.js(
            "const k = nb().sessionContext.session.kernel; let out = ''; let err = null;"
            "const f = k.requestExecute({code: arg.code, silent: false, store_history: false});"
            "f.onIOPub = (m) => { const t = m.header.msg_type;"
            " if (t === 'stream') out += m.content.text;"
            " else if (t === 'execute_result') out += m.content.data['text/plain'];"
            " else if (t === 'error') err = m.content.ename + ': ' + m.content.evalue; };"
            "const timer = new Promise((_, rej) => setTimeout(() => rej(new Error('kernel_exec timeout')), arg.ms));"
            "await Promise.race([f.done, timer]);"
            "return [out, err];", {"code": code, "ms": timeout * 1000})

    def value(self, expr, timeout=30):
        """``repr``-free evaluation: the kernel prints ``json.dumps(expr)``; returns the decoded value."""
        out, err = self.kernel_exec(f"import json as _j; print(_j.dumps({expr}))", timeout)
        if err:
            raise AssertionError(f"kernel error evaluating {expr!r}: {err}")
        return json.loads(out.strip().splitlines()[-1])

    # -- reading outputs ---------------------------------------------------------------------------------
    def outputs(self):
        """Every output of every code cell, from the notebook model (nbformat-like dicts, with cell index)."""
        return self.js(
            "const res = []; nb().content.widgets.forEach((c, i) => { if (c.model.type !== 'code') return;"
            " for (const o of c.model.outputs.toJSON()) { o.cell = i; res.push(o); } }); return res;")

    def error_outputs(self):
        """Error outputs: tracebacks (model and DOM) and stderr stream outputs shown in the page."""
        errors = []
        for o in self.outputs():
            if o.get("output_type") == "error":
                errors.append(f"cell {o['cell']}: {o.get('ename')}: {o.get('evalue')}\n"
                              + _strip_ansi("\n".join(o.get("traceback", []))))
            elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                errors.append(f"cell {o['cell']} stderr: {_text(o.get('text'))}")
        dom = self.js(
            "return Array.from(nb().node.querySelectorAll("
            "'.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')).map(e => e.innerText);")
        for t in dom:
            if not any(t.strip()[:60] in e for e in errors):
                errors.append(f"DOM stderr/traceback: {t}")
        return errors

    def widget_views(self):
        """Widget views rendered in output areas: their class, size and any loading/error text."""
        return self.js(
            """return Array.from(nb().node.querySelectorAll('.jp-OutputArea-output')).filter(o =>
                 !o.hasAttribute('data-mime-type') || o.getAttribute('data-mime-type') ===
                 'application/vnd.jupyter.widget-view+json').map(o => {
                   const r = o.getBoundingClientRect();
                   const cell = o.closest('.jp-Cell');
                   const cells = Array.from(nb().node.querySelectorAll('.jp-Notebook .jp-Cell'));
                   const inner = o.querySelector('.jupyter-widgets, .lm-Widget, .widget-box, canvas, svg');
                   const ir = inner ? inner.getBoundingClientRect() : r;
                   return {cell: cells.indexOf(cell), width: r.width, height: r.height,
                           innerWidth: ir.width, innerHeight: ir.height,
                           text: o.innerText.slice(0, 300), cls: o.className,
                           hasWidget: !!o.querySelector('.jupyter-widgets, .widget-box, .widget-inline-hbox, .lm-Widget')};
                 });""")

    def widget_view_count_in_model(self):
        """How many outputs in the notebook model are widget views (application/vnd.jupyter.widget-view+json)."""
        return sum(1 for o in self.outputs()
                   if "application/vnd.jupyter.widget-view+json" in (o.get("data") or {}))

    def assert_widgets_rendered(self, timeout=60):
        """Every widget-view output is in the page, rendered with a non-zero size, none loading/failed."""
        want = self.widget_view_count_in_model()

        def check():
            views = [v for v in self.widget_views() if v["hasWidget"] or "widget" in v["text"].lower()]
            problems = self.widget_problems()
            empty = [v for v in views if v["innerWidth"] <= 0 or v["innerHeight"] <= 0]
            return (len(views) >= want and not problems and not empty), views, problems, empty
        deadline = time.monotonic() + timeout
        while True:
            ok, views, problems, empty = check()
            if ok:
                return views
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.path}: widgets not all rendered after {timeout} s: {want} widget outputs in the model, "
                    f"{len(views)} rendered views; loading/errors: {problems}; zero-size: {empty}")
            time.sleep(0.5)

    def widget_problems(self):
        """Texts of widget views that failed or have not loaded (Loading widget..., Error displaying widget)."""
        return self.js(
            """return Array.from(nb().node.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerText)
                 .filter(t => /Loading widget|Error displaying widget|Model not found|Failed to load model/.test(t));""")


def _text(t):
    return "".join(t) if isinstance(t, list) else (t or "")


def _strip_ansi(s):
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", s)


def _outputs_text(outputs):
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream":
            parts.append(_text(o.get("text")))
        elif o.get("output_type") in ("execute_result", "display_data"):
            parts.append(_text(o.get("data", {}).get("text/plain")))
        elif o.get("output_type") == "error":
            parts.append(f"{o.get('ename')}: {o.get('evalue')}")
    return "".join(parts)


@pytest.fixture
def lab(request, jupyter_server, browser):
    """A fresh page on the session's JupyterLab; screenshot after the test; kernels shut down after it."""
    lab = Lab(jupyter_server, browser, request.node.name)
    try:
        yield lab
    finally:
        lab.screenshot(request.node.name)
        lab.close()
        jupyter_server.shutdown_kernels([n.path for n in lab.notebooks], wait=False)


@pytest.fixture
def tmp_notebook(jupyter_server, request):
    """Write an nbformat notebook into the server root: ``tmp_notebook(cells, name)`` -> Path."""
    import nbformat

    def make(cells, name=None):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(c) if isinstance(c, str) else c for c in cells]
        path = Path(jupyter_server.root) / (name or f"{_safe(request.node.name)}.ipynb")
        nbformat.write(nb, path)
        return path
    return make
