"""Raster frame rate in headless Chromium with ~1,000 and ~100,000 spikes in the raster's window.

The page is instrumented before JupyterLab loads: every ``drawImage`` / ``putImageData`` / ``fillRect``
on a canvas inside ``.pymonn-raster-plot`` and every DOM mutation inside it marks the raster dirty; a
``requestAnimationFrame`` loop counts the painted frames in which the raster changed. Frames/s = those
frames / measured seconds. The network spikes at a rate the test sets live (``RATE['p']``).
"""
import json
import re
import time

import pytest
from browser_harness import button, log, poll, write_artifact_json
from dashboard_notebooks import HIGH_RATE

pytestmark = pytest.mark.browser

SIZE = 10_000
WINDOW = 500          # iterations shown by the raster (Dashboard(window=...))
MEASURE_S = 4.0
CASES = [("1k", 1_000), ("100k", 100_000)]

_INSTRUMENT = """
(() => {
  const st = window.__raster = {frames: [], dirty: false, raf: 0, drawMs: 0, draws: 0, observing: false};
  const inRaster = (c) => !!(c && c.closest && c.closest('.pymonn-raster-plot'));
  for (const name of ['drawImage', 'putImageData', 'fillRect']) {
    const orig = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
      if (!inRaster(this.canvas)) return orig.apply(this, args);
      const t0 = performance.now();
      const r = orig.apply(this, args);
      st.drawMs += performance.now() - t0; st.draws++; st.dirty = true;
      return r;
    };
  }
  for (const proto of [WebGLRenderingContext.prototype, (window.WebGL2RenderingContext || {}).prototype].filter(Boolean)) {
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
      const orig = proto[name];
      if (!orig) continue;
      proto[name] = function (...args) { if (inRaster(this.canvas)) { st.dirty = true; st.draws++; } return orig.apply(this, args); };
    }
  }
  const observe = () => {
    const root = document.querySelector('.pymonn-raster-plot');
    if (!root || st.observing) return;
    st.observing = true;
    new MutationObserver(() => { st.dirty = true; }).observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  };
  const loop = (ts) => {
    st.raf++;
    observe();
    if (st.dirty) { st.frames.push(ts); st.dirty = false; }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
})();
"""


# Kernel side: how many raster updates the dashboard sent (tells a slow sender from a slow page).
# Optional: counts only if the raster has a ``push`` method; None otherwise.
_COUNT_PUSHES = """\
PUSHES = [None]
_raster = getattr(dash, 'raster', None)
if _raster is not None and callable(getattr(_raster, 'push', None)):
    PUSHES[0] = 0
    _orig_push = _raster.push

    def _counting_push(*args, **kwargs):
        PUSHES[0] += 1
        return _orig_push(*args, **kwargs)
    _raster.push = _counting_push
"""


def _window_spikes(nb):
    return nb.value(f"int((net['spike.t', 0] > net.iteration - {WINDOW}).sum())")


def test_raster_frame_rate(lab, tmp_notebook):
    lab.page.add_init_script(_INSTRUMENT)
    path = tmp_notebook([
        HIGH_RATE.replace("SIZE", str(SIZE)),
        f"from pymonn_widgets import Dashboard\ndash = Dashboard(net, window={WINDOW})\ndash",
        _COUNT_PUSHES,
    ], "raster_fps.ipynb")
    nb = lab.open(path)
    nb.run_all(timeout=180)
    assert nb.error_outputs() == []
    page = lab.page
    poll(lambda: page.locator(".pymonn-raster-plot").count() >= 1, 30, 0.2, "the raster in the page")
    results = {}
    try:
        for name, spikes in CASES:
            p = spikes / (SIZE * WINDOW)
            nb.kernel_exec(f"RATE['p'] = {p!r}")
            if nb.value("dash.controller.is_running") is not True:
                button(page, "Play").click()
            start = nb.value("net.iteration")
            poll(lambda start=start: nb.value("net.iteration") > start + WINDOW + 20, 120, 0.25,
                 f"{WINDOW} iterations at the {name} rate")
            page.evaluate("() => { window.__raster.frames = []; window.__raster.raf = 0;"
                          " window.__raster.drawMs = 0; window.__raster.draws = 0; }")
            it0, in_window0, pushes0 = nb.value("net.iteration"), _window_spikes(nb), nb.value("PUSHES[0]")
            t0 = time.monotonic()
            time.sleep(MEASURE_S)
            st = page.evaluate("() => ({frames: window.__raster.frames.slice(), raf: window.__raster.raf,"
                               " drawMs: window.__raster.drawMs, draws: window.__raster.draws})")
            seconds = time.monotonic() - t0
            it1, in_window1, pushes1 = nb.value("net.iteration"), _window_spikes(nb), nb.value("PUSHES[0]")
            frames = st["frames"]
            span = (frames[-1] - frames[0]) / 1000 if len(frames) > 1 else 0
            title = page.locator(".pymonn-raster-plot").first.inner_text()
            shown = re.findall(r"([\d,]+)\s+spikes", title)
            results[name] = {
                "target_spikes_in_window": spikes,
                "spikes_in_window_kernel": [in_window0, in_window1],
                "spikes_in_window_shown": int(shown[0].replace(",", "")) if shown else None,
                "raster_frames_per_s": round(len(frames) / seconds, 1),
                "raster_frames": len(frames),
                "raster_updates_sent_per_s": None if pushes0 is None else round((pushes1 - pushes0) / seconds, 1),
                "seconds": round(seconds, 2),
                "page_animation_frames_per_s": round(st["raf"] / seconds, 1),
                "canvas_draw_ms_per_frame": round(st["drawMs"] / max(len(frames), 1), 2),
                "iterations_per_s": round((it1 - it0) / seconds, 1),
                "window_iterations": WINDOW,
                "neurons": SIZE,
                "max_gap_ms": round(max((b - a for a, b in zip(frames, frames[1:])), default=0), 1),
                "first_to_last_frame_s": round(span, 2),
            }
            log(f"raster {name}: {json.dumps(results[name])}")
            lab.screenshot(f"raster_fps_{name}")
    finally:
        nb.kernel_exec("dash.pause()")
        if results:
            write_artifact_json("raster_fps.json", results)
    for name, spikes in CASES:
        r = results[name]
        # the window really held about that many spikes (within a factor 2: Bernoulli noise, window edges)
        assert spikes / 2 <= r["spikes_in_window_kernel"][1] <= spikes * 2, r
        # the raster kept redrawing during the run. Not a speed goal: with the kernel, the server and
        # Chromium on 2 shared cores this measured 4.5-9.0 frames/s (the page's own animation rate is
        # 15-28/s); a raster that stalls, or redraws only now and then, gives 0-2.
        assert r["raster_frames_per_s"] >= 3, f"raster {name}: only {r['raster_frames_per_s']} frames/s: {r}"
