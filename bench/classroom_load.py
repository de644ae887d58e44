"""A class on one server: K visitors open a lesson served by Voilà, press Play, watch, press Pause.

For each K it starts a fresh Voilà (127.0.0.1, a free port, the settings in ``classroom/voila.json``,
one BLAS/OpenMP thread per kernel),
opens K pages at once in headless Debian Chromium (one browser context each: one kernel per visitor),
and reports:

- time to dashboard: page requested -> the dashboard's Play button visible (median and max);
- it/s per page: the iteration counter each page shows, over ``--play-seconds`` of everyone playing;
- frames/s per page: frames the page drew in its raster canvas (its own draw counter);
- Pause latency, everyone clicking Pause at once: the page receiving the click -> the last change of that
  page's iteration counter (what the visitor sees), and -> its kernel going idle (CPU under 5 % of a
  core: the run stopped); and how long each click took to reach its page;
- kernel PSS per visitor (proportional set size: shared pages split between the kernels) at rest and at
  the start and end of Play; server RSS; kernels' CPU while everyone is paused (idle visitors);
- how busy each page's main thread was during Play (Chromium's own counters: tasks, script, layout);
- page errors, dashboards that never showed, Voilà's IOPub timeouts.

Bounded: at most ``--max-visitors`` pages, every phase has a timeout and each K a ``--budget``; the
Voilà server (in a session of its own, with its kernels) and Chromium are stopped on exit, on errors,
Ctrl-C and SIGTERM. The browsers run on the same machine as the server, so they take CPU from it.

    python bench/classroom_load.py [--visitors 1 5 10] [--play-seconds 20] [--notebook classroom/lesson.ipynb]
    python bench/classroom_load.py --visitors 10 --max-rate 1000   # everyone at a served pace
    python bench/classroom_load.py --visitors 10 --json test-artifacts/classroom-10.json --screenshot shot.png
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("PYMONN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1400, "height": 900}
CDN = "cdn.jsdelivr.net"   # Voilà's lab template links Font Awesome from it: offline that request fails, harmlessly

# Installed in every page before its scripts run: logs clicks and the iteration counter's changes. Frames
# are the raster's own draw counter (``data-frames`` on its canvas): no probe loop of requestAnimationFrame,
# which would make every page produce 60 frames a second and take the CPU the pages are measured on.
PROBE_JS = """(() => {
  const probe = window.__probe = {changes: [], click: {}};
  probe.frames = () => { const c = document.querySelector('.pymonn-raster-plot canvas');
    return c ? Number(c.dataset.frames || 0) : 0; };
  document.addEventListener('click', (e) => {
    const t = (e.target.closest('button') || e.target).innerText || '';
    probe.click[t.trim()] = Date.now(); }, true);
  probe.watch = () => {
    const el = document.querySelector('.pymonn-iteration');
    if (!el || probe.watching) return !!el;
    probe.watching = true;
    const note = () => probe.changes.push([Date.now(), el.innerText]);
    note();
    new MutationObserver(note).observe(el, {subtree: true, childList: true, characterData: true});
    return true;
  };
})();"""


def iteration_of(text):
    """The iteration number in the counter's text ("iteration 12,345"), or None."""
    m = re.search(r"iteration\D*?([\d,]+)", text or "") or re.search(r"([\d,]+)", text or "")
    return int(m.group(1).replace(",", "")) if m else None


# --------------------------------------------------------------------------------------------------------
# processes
# --------------------------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Voila:
    """A Voilà server serving one notebook, in a process session of its own (its kernels included)."""

    def __init__(self, notebook: Path, config_dir: Path, logdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.logfile = logdir / f"voila-{self.port}.log"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [env.get("PYTHONPATH")] if p])
        env["JUPYTER_RUNTIME_DIR"] = str(logdir / "runtime")
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")   # kernels inherit it: one thread per visitor
        cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser", "--Voila.ip=127.0.0.1",
               f"--port={self.port}", "--Voila.port_retries=0", f"--Voila.config_file_paths={config_dir}"]
        self._log = open(self.logfile, "w")
        self.proc = subprocess.Popen(cmd, cwd=notebook.parent, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.server = psutil.Process(self.proc.pid)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voilà exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Voilà not listening after {timeout} s:\n{self.log_tail()}")

    def log_tail(self, n=3000):
        return self.logfile.read_text(errors="replace")[-n:]

    def kernels(self):
        try:
            return [p for p in self.server.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        except psutil.Error:
            return []

    def memory(self):
        """(kernel PSS in GB, one per kernel; server RSS in GB)."""
        pss = []
        for k in self.kernels():
            try:
                pss.append(k.memory_full_info().pss / 1e9)
            except psutil.Error:
                pass
        try:
            rss = self.server.memory_info().rss / 1e9
        except psutil.Error:
            rss = float("nan")
        return pss, rss

    def kernel_process(self, kernel_id):
        """The kernel process whose connection file names ``kernel_id``, or None."""
        for k in self.kernels():
            try:
                if kernel_id and kernel_id in " ".join(k.cmdline()):
                    return k
            except psutil.Error:
                pass
        return None

    def kernel_cpu_seconds(self):
        total = 0.0
        for k in self.kernels():
            try:
                t = k.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


# --------------------------------------------------------------------------------------------------------
# one visitor
# --------------------------------------------------------------------------------------------------------
class Visitor:
    def __init__(self, index, context, page):
        self.index, self.context, self.page = index, context, page
        self.errors: list[str] = []
        self.dashboard_s: float | None = None
        self.kernel_id: str | None = None
        self.clicked: dict[str, float] = {}   # button -> time.time() when the page received the click
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
                and self.errors.append(f"console: {m.text}"))
        page.on("requestfailed", lambda r: CDN not in r.url and self.errors.append(f"request failed: {r.url}"))

    def button(self, name):
        return self.page.get_by_role("button", name=name, exact=True).first

    async def main_thread(self):
        """Chromium's counters of the page's main-thread work (seconds): Task, Script, Layout, RecalcStyle."""
        try:
            if not hasattr(self, "_cdp"):
                self._cdp = await self.context.new_cdp_session(self.page)
                await self._cdp.send("Performance.enable")
            metrics = await asyncio.wait_for(self._cdp.send("Performance.getMetrics"), 30)
        except Exception:  # noqa: BLE001 - a diagnostic only
            return None
        names = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
        m = {x["name"]: x["value"] for x in metrics["metrics"]}
        return {n: m.get(n, 0.0) for n in names}

    async def open(self, url, timeout):
        t0 = time.monotonic()
        try:
            await self.page.goto(url, wait_until="commit", timeout=timeout * 1000)
            await self.button("Play").wait_for(state="visible", timeout=max(1, timeout - (time.monotonic() - t0)) * 1000)
            await self.page.wait_for_function("() => window.__probe.watch()", timeout=10_000)
            self.dashboard_s = time.monotonic() - t0
            self.kernel_id = await self.js("() => { const e = document.getElementById('jupyter-config-data');"
                                           " return e ? JSON.parse(e.textContent).kernelId : null; }")
        except Exception as exc:  # noqa: BLE001 - a page that never shows its dashboard is a result
            self.errors.append(f"no dashboard after {time.monotonic() - t0:.0f} s: {type(exc).__name__}")

    async def js(self, code, arg=None, timeout=30.0):
        """``page.evaluate(code, arg)``; None (and an error noted) when the page does not answer in time."""
        try:
            return await asyncio.wait_for(self.page.evaluate(code, arg), timeout)
        except Exception as exc:  # noqa: BLE001 - a page too busy to answer is a result
            self.errors.append(f"page did not answer in {timeout:.0f} s: {type(exc).__name__}")
            return None

    async def reading(self):
        """(page clock ms, iteration shown, raster frames painted so far), or Nones."""
        r = await self.js("() => { const p = window.__probe; const c = p.changes[p.changes.length - 1];"
                          " return [Date.now(), c ? c[1] : '', p.frames()]; }")
        return (None, None, None) if r is None else (r[0], iteration_of(r[1]), r[2])

    async def set_max_rate(self, rate):
        """Type ``rate`` into the run controls' "max it/s" field (as an instructor's pace would set it)."""
        box = self.page.locator(".widget-inline-hbox", has=self.page.locator("label", has_text="max it/s"))
        await box.locator("input").fill(str(rate))
        await box.locator("input").press("Enter")

    async def press(self, name, timeout=60.0):
        """Click button ``name``; returns the seconds until the page received the click (None: it never did)."""
        issued = time.time()
        try:
            await self.button(name).click(timeout=timeout * 1000, force=True)
            received = await self.js("(n) => window.__probe.click[n] || null", name)
        except Exception as exc:  # noqa: BLE001 - a page too busy to take a click is a result
            self.errors.append(f"{name} click not taken in {timeout:.0f} s: {type(exc).__name__}")
            return None
        if received is None:
            return None
        self.clicked[name] = received / 1000
        return max(0.0, received / 1000 - issued)

    async def changes_since(self, name):
        """(page clock ms, click time ms, changes of the counter after that click), or Nones."""
        r = await self.js("(n) => { const p = window.__probe; const t = p.click[n];"
                          " return [Date.now(), t, p.changes.filter(c => c[0] >= t)]; }", name)
        return r or (None, None, None)

    async def pause_latency(self, quiet=2.0, timeout=60.0):
        """Seconds from the Pause click to the counter's last change (the run stopped; 0 when it never
        moved again); None when it still moved ``timeout`` s later."""
        deadline = time.monotonic() + timeout
        while True:
            now, click, changes = await self.changes_since("Pause")
            if click is not None:
                last = changes[-1][0] if changes else click
                if now - last >= quiet * 1000:
                    return max(0.0, (last - click) / 1000)
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.2)


# --------------------------------------------------------------------------------------------------------
# one K
# --------------------------------------------------------------------------------------------------------
async def kernel_activity(processes, clicked, quiet=2.0, busy=0.05, timeout=70.0):
    """Sample the kernels' CPU every 0.25 s until ``clicked`` is set and every kernel has used less than
    ``busy`` of a core for ``quiet`` s; return, per kernel, the time.time() its last busy interval ended
    (None: still busy at ``timeout``, or no process)."""
    previous = time.time()
    deadline = time.monotonic() + timeout

    def cpu(p):
        try:
            t = p.cpu_times()
            return t.user + t.system
        except (psutil.Error, AttributeError):
            return None
    last = [cpu(p) for p in processes]
    busy_until = [previous] * len(processes)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        now = time.time()
        for i, p in enumerate(processes):
            c = cpu(p)
            if c is not None and last[i] is not None and (c - last[i]) / (now - previous) > busy:
                busy_until[i] = now
            last[i] = c
        previous = now
        if clicked.is_set() and all(now - b >= quiet for b in busy_until):
            return [b if p is not None else None for b, p in zip(busy_until, processes)]
    return [None] * len(processes)


def summary(values, fmt="{:.2f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


async def run_k(browser, k, args, logdir, result):
    """Measure ``k`` visitors into ``result`` (filled as it goes: a K cut short keeps what it measured)."""
    result.update(visitors=k, notebook=str(args.notebook), max_rate=args.max_rate, load_average=os.getloadavg()[0])
    voila = Voila(args.notebook, args.config_dir, logdir)
    visitors = []
    try:
        voila.wait_ready()
        for i in range(k):
            context = await browser.new_context(viewport=VIEWPORT)
            await context.add_init_script(PROBE_JS)
            visitors.append(Visitor(i, context, await context.new_page()))
        await asyncio.gather(*(v.open(voila.url, args.load_timeout) for v in visitors))
        shown = [v for v in visitors if v.dashboard_s is not None]
        result["dashboards"] = len(shown)
        result["dashboard_s"] = sorted(v.dashboard_s for v in shown)
        pss, rss = voila.memory()
        result["rest_pss_gb"], result["rest_server_rss_gb"] = pss, rss
        if not shown:
            return result

        if args.max_rate:
            await asyncio.gather(*(v.set_max_rate(args.max_rate) for v in shown))
        result["play_click_s"] = list(await asyncio.gather(*(v.press("Play") for v in shown)))
        await asyncio.sleep(args.warmup)
        start = await asyncio.gather(*(v.reading() for v in shown))
        work0 = await asyncio.gather(*(v.main_thread() for v in shown))
        cpu0, tcpu = voila.kernel_cpu_seconds(), time.monotonic()
        pss_start, _ = voila.memory()
        samples = [sum(pss_start) / max(1, len(pss_start))]
        t_end = time.monotonic() + args.play_seconds
        while time.monotonic() < t_end:
            await asyncio.sleep(min(args.play_seconds / 4, max(0.0, t_end - time.monotonic())))
            p, _ = voila.memory()
            samples.append(sum(p) / max(1, len(p)))
        end = await asyncio.gather(*(v.reading() for v in shown))
        work1 = await asyncio.gather(*(v.main_thread() for v in shown))
        elapsed = time.monotonic() - tcpu
        result["page_busy_percent"] = [None if a is None or b is None else
                                       {k.replace("Duration", ""): 100 * (b[k] - a[k]) / elapsed for k in a}
                                       for a, b in zip(work0, work1)]
        result["play_cpu_percent"] = 100 * (voila.kernel_cpu_seconds() - cpu0) / (time.monotonic() - tcpu) / len(shown)
        pss_end, rss_end = voila.memory()
        rates, fps = [], []
        for (t0, i0, f0), (t1, i1, f1) in zip(start, end):
            if None in (t0, t1, i0, i1) or t1 <= t0:
                rates.append(None)
                fps.append(None)
                continue
            seconds = (t1 - t0) / 1000
            rates.append((i1 - i0) / seconds)
            fps.append((f1 - f0) / seconds)
        result.update(play_seconds=args.play_seconds, it_per_s=rates, frames_per_s=fps, play_pss_gb=[pss_start, pss_end],
                      play_pss_mean_gb=samples, play_server_rss_gb=rss_end)
        if args.screenshot:
            try:
                await shown[0].page.screenshot(path=str(args.screenshot), timeout=60_000)
            except Exception as exc:  # noqa: BLE001 - a screenshot must not cost the measurements
                shown[0].errors.append(f"screenshot failed: {type(exc).__name__}")

        clicked = asyncio.Event()
        trace = asyncio.create_task(kernel_activity([voila.kernel_process(v.kernel_id) for v in shown], clicked))
        result["pause_click_s"] = list(await asyncio.gather(*(v.press("Pause") for v in shown)))
        clicked.set()
        result["pause_s"] = list(await asyncio.gather(*(v.pause_latency() for v in shown)))
        busy_until = await trace
        result["kernel_pause_s"] = [None if b is None or "Pause" not in v.clicked else max(0.0, b - v.clicked["Pause"])
                                    for v, b in zip(shown, busy_until)]
        cpu0, t0 = voila.kernel_cpu_seconds(), time.monotonic()
        await asyncio.sleep(3)
        result["idle_cpu_percent"] = 100 * (voila.kernel_cpu_seconds() - cpu0) / (time.monotonic() - t0) / len(shown)
        return result
    finally:
        result["errors"] = {v.index: v.errors for v in visitors if v.errors}
        for v in visitors:
            try:
                await v.context.close()
            except Exception:  # noqa: BLE001 - closing what is left; the result stands
                pass
        log = voila.log_tail(10**7)
        result["iopub_timeouts"] = log.count("Timeout waiting for IOPub")
        voila.stop()


def report(r, file=sys.stdout):
    k = r["visitors"]
    print(f"\n== {k} visitor(s): {r.get('dashboards', 0)}/{k} dashboards shown (load average {r.get('load_average', 0):.1f}"
          + (f", max it/s {r['max_rate']:g}" if r.get("max_rate") else "") + ")", file=file)
    print(f"  time to dashboard s     {summary(r.get('dashboard_s', []), '{:.1f}')}", file=file)
    print(f"  it/s per page           {summary(r.get('it_per_s', []), '{:,.0f}')}", file=file)
    print(f"  raster frames/s         {summary(r.get('frames_per_s', []), '{:.1f}')}", file=file)
    print(f"  click -> page got it s  Play {summary(r.get('play_click_s', []))}, Pause {summary(r.get('pause_click_s', []))}",
          file=file)
    print(f"  Pause -> kernel idle s  {summary(r.get('kernel_pause_s', []))} (its CPU under 5 % of a core)", file=file)
    pauses = r.get("pause_s", [])
    stuck = sum(p is None for p in pauses)
    stuck = f", {stuck} not stopped 60 s after the click or never clicked" if stuck else ""
    print(f"  Pause -> page stopped s {summary(pauses)}{stuck}", file=file)
    rest = r.get("rest_pss_gb") or []
    print(f"  kernel PSS GB at rest   {summary(rest, '{:.3f}')} (sum {sum(rest):.2f})", file=file)
    if "play_pss_mean_gb" in r:
        m = r["play_pss_mean_gb"]
        growth = 60e3 * (m[-1] - m[0]) / max(1e-9, r.get("play_seconds", 0))
        print(f"  kernel PSS GB, Play     mean {m[0]:.3f} -> {m[-1]:.3f}, {growth:+.0f} MB/min, max "
              f"{max(r['play_pss_gb'][1], default=float('nan')):.3f} (samples {', '.join(f'{x:.3f}' for x in m)})", file=file)
        print(f"  server RSS GB           {r.get('rest_server_rss_gb', float('nan')):.3f} at rest, "
              f"{r['play_server_rss_gb']:.3f} playing", file=file)
    busy = [b for b in r.get("page_busy_percent", []) if b]
    if busy:
        parts = ", ".join(f"{k} {statistics.median(b[k] for b in busy):.0f}" for k in busy[0])
        print(f"  page main thread, Play  % of the time busy (median): {parts}", file=file)
    if "play_cpu_percent" in r:
        print(f"  kernel CPU, playing     {r['play_cpu_percent']:.0f} % of a core per visitor", file=file)
    if "idle_cpu_percent" in r:
        print(f"  kernel CPU, paused      {r['idle_cpu_percent']:.1f} % of a core per visitor", file=file)
    print(f"  Voilà IOPub timeouts    {r.get('iopub_timeouts', 0)}", file=file)
    for i, errors in r.get("errors", {}).items():
        print(f"  page {i}: " + "; ".join(e[:160] for e in errors[:3]), file=file)


async def main_async(args, logdir):
    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for k in args.visitors:
                r = {}
                try:
                    await asyncio.wait_for(run_k(browser, k, args, logdir, r), args.budget)
                except asyncio.TimeoutError:
                    r.setdefault("errors", {})["all"] = [f"budget of {args.budget:.0f} s spent: measurements cut short"]
                report(r)
                results.append(r)
        finally:
            await browser.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--notebook", type=Path, default=REPO / "classroom" / "lesson.ipynb")
    parser.add_argument("--config-dir", type=Path, default=REPO / "classroom", help="where voila.json is")
    parser.add_argument("--play-seconds", type=float, default=20.0, help="measured Play window")
    parser.add_argument("--warmup", type=float, default=3.0, help="Play before the window starts")
    parser.add_argument("--max-rate", type=float, default=0, help="type this into each page's max it/s (0: leave it)")
    parser.add_argument("--load-timeout", type=float, default=240.0, help="s for each page's dashboard")
    parser.add_argument("--budget", type=float, default=600.0, help="s for one K, all phases")
    parser.add_argument("--max-visitors", type=int, default=40)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--screenshot", type=Path, help="a screenshot of the first page during Play")
    args = parser.parse_args()
    if any(k < 1 or k > args.max_visitors for k in args.visitors):
        parser.error(f"--visitors: each must be 1..{args.max_visitors} (--max-visitors), got {args.visitors}")
    args.notebook = args.notebook.resolve()
    args.config_dir = args.config_dir.resolve()
    print(f"classroom load, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}, notebook {args.notebook.name}, Play window {args.play_seconds:.0f} s")
    loop = asyncio.new_event_loop()
    with tempfile.TemporaryDirectory(prefix="classroom-load-") as logdir:
        task = loop.create_task(main_async(args, Path(logdir)))
        for sig in (signal.SIGINT, signal.SIGTERM):   # cancel: every finally stops what it started
            loop.add_signal_handler(sig, task.cancel)
        try:
            results = loop.run_until_complete(task)
        except asyncio.CancelledError:
            print("interrupted: Voilà, its kernels and Chromium are stopped", file=sys.stderr)
            sys.exit(130)
        finally:
            loop.close()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
