"""How long a dashboard takes to answer in the browser: key press or click -> new picture.

    python benchmarks/browser_latency.py notebooks/04_vanishing_and_exploding_gradients.ipynb
    python benchmarks/browser_latency.py --all [--scale-factors 1,2] [--presses 12]

Opens each notebook in JupyterLab in Chromium (as tests/test_browser.py does: Debian's chromium and
the playwright package, never playwright's own browser download), 1024 px wide, once per device
pixel ratio (1: an ordinary screen, 2: HiDPI), runs every cell and then drives every dashboard of
the notebook, control by control:

- a slider's sweep ("sweep"): Home, then PageUp (five steps) until the maximum. In a fresh kernel
  most of these moves are first visits: a new axis range whose background has never been drawn;
- a slider at its maximum ("at max"): ArrowLeft and ArrowRight in turn;
- a toggle ("click"): each option clicked in turn.

A probe in the page records performance.now() at each keydown and mousedown (capture phase) and,
with a MutationObserver on the dashboard's image, every change of its src: latency = the first
change after the event, the time a learner waits, kernel round trip included. The next event
comes after 0.4 s without a change. Every event must change the picture exactly once: a second
change (a double redraw) is counted and reported.

Where the time goes (printed per dashboard, medians over all its events): in the page, keydown ->
the websocket message that carries the new value leaves, and the message that carries the new
picture arrives -> src changes -> the picture is decoded (img "load"); in the kernel (timestamps
from a second client attached to the same kernel, on the same clock), the message arrives ->
update() -> drawing -> PNG encoding (and its size) -> sent. The last line is JSON of every figure.
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    NARROW,
    NOTEBOOKS,
    PANEL,
    jupyter_lab,
    run_all_cells,
    shut_down_kernels,
)

QUIET_S = 0.4  # no new picture for this long: the event is answered
TIMEOUT_S = 10.0

# Installed before JupyterLab loads: timestamps (ms since the epoch, the kernel's clock too) of
# every websocket message the page sends and receives, with its size.
WEBSOCKET_LOG = """(() => {
    const now = () => performance.timeOrigin + performance.now();
    const log = window.__ws = [];
    const size = d => d.byteLength ?? d.size ?? d.length ?? 0;
    const Original = window.WebSocket;
    const send = Original.prototype.send;
    Original.prototype.send = function (data) { log.push(["send", now(), size(data)]);
                                                return send.call(this, data); };
    window.WebSocket = class extends Original {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", e => log.push(["recv", now(), size(e.data)]));
        }
    };
})();"""

PROBE = """img => {
    const now = () => performance.timeOrigin + performance.now();
    window.__probe = {events: [], changes: [], loads: []};
    const p = window.__probe;
    document.addEventListener("keydown", () => p.events.push(now()), true);
    document.addEventListener("mousedown", () => p.events.push(now()), true);
    new MutationObserver(() => p.changes.push(now()))
        .observe(img, {attributes: true, attributeFilter: ["src"]});
    img.addEventListener("load", () => p.loads.push(now()));
}"""

# Run in the kernel by a second client: wrap the methods a redraw goes through and keep a
# timestamp (ms, epoch) at each of their starts and ends.
KERNEL_PROBE = """
import time as _time
import ipywidgets as _ipw
import rnn_core.widgets as _rw
_rw._probe = []
def _stamp(name):
    _rw._probe.append((name, _time.time() * 1e3))
def _wrap(owner, name, label):
    original = owner.__dict__[name]
    def wrapped(*args, **kwargs):
        _stamp(label + " start")
        try:
            return original(*args, **kwargs)
        finally:
            _stamp(label + " end")
    setattr(owner, name, wrapped)
_wrap(_ipw.Widget, "set_state", "message")
for _cls in {c for c in _rw.Dashboard.__subclasses__()} | {_rw.Dashboard}:
    if "update" in _cls.__dict__:
        _wrap(_cls, "update", "update")
_wrap(_rw.Dashboard, "redraw", "redraw")
if hasattr(_rw, "_PngWriter"):
    _wrap(_rw._PngWriter, "__call__", "encode")
else:  # an older rnn_core, measured for comparison
    _wrap(_rw.Dashboard, "_encode_png", "encode")
_image_setattr = _ipw.Image.__setattr__
def _setattr(self, name, value):  # the new picture: its size, and how long sending it takes
    if name != "value":
        return _image_setattr(self, name, value)
    _rw._probe.append(("png bytes", len(value)))
    _stamp("send start")
    _image_setattr(self, name, value)
    _stamp("send end")
_ipw.Image.__setattr__ = _setattr
_result = '"installed"'
"""


def summary(times):
    times = [t for t in times if t is not None]
    if not times:
        return None
    return {
        "events": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(float(np.percentile(times, 90)), 1),
        "max_ms": round(max(times), 1),
    }


def kernel_client(home, lab):
    """A jupyter_client attached to the notebook's kernel (its connection file is in the
    server's runtime directory), or None."""
    from jupyter_client import BlockingKernelClient

    sessions = json.load(urllib.request.urlopen(f"{lab['base']}/api/sessions?token={lab['token']}"))
    if not sessions:
        return None
    kernel_id = sessions[0]["kernel"]["id"]
    files = list(Path(home).rglob(f"kernel-{kernel_id}.json"))
    if not files:
        return None
    client = BlockingKernelClient(connection_file=str(files[0]))
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=30)
    return client


def run_in_kernel(client, code):
    """Run code in the kernel; return the value of the expression `_result` (a JSON string)."""
    reply = client.execute_interactive(
        code, user_expressions={"r": "_result"}, timeout=60, output_hook=lambda msg: None
    )
    value = reply["content"]["user_expressions"]["r"]
    if value.get("status") != "ok":
        raise RuntimeError(f"kernel probe failed: {value}")
    return json.loads(eval(value["data"]["text/plain"]))  # a repr of a str


def install_kernel_probe(client):
    return run_in_kernel(client, KERNEL_PROBE)


def kernel_stamps(client):
    code = "import json as _json\n_result = _json.dumps(_rw._probe)\n_rw._probe.clear()\n"
    return run_in_kernel(client, code)


def split_redraws(stamps):
    """The kernel's stamps, one dict per redraw: {label: ms}, "png bytes": n."""
    redraws, current = [], {}
    for label, value in stamps:
        if label == "message start":
            current = {"message start": value}
        elif label == "png bytes":
            current["png bytes"] = value
        else:
            current.setdefault(label, value)  # the first start, the last end below
            if label.endswith(" end"):
                current[label] = value
            if label == "redraw end":
                redraws.append(current)
                current = {}
    return redraws


def wait_quiet(page, before, timeout_s=TIMEOUT_S):
    """Wait until the picture has changed at least once and then stayed put for QUIET_S."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        changes = page.evaluate("() => window.__probe.changes.slice(-1)[0] ?? 0")
        count = page.evaluate("() => window.__probe.changes.length")
        wall = page.evaluate("() => performance.timeOrigin + performance.now()")
        if count > before and wall - changes >= QUIET_S * 1e3:
            return count
        time.sleep(0.05)
    return page.evaluate("() => window.__probe.changes.length")


def events_of_a_dashboard(page, dashboard, presses):
    """Drive every control; yield (control label, kind, do) for each event, in order."""
    for slider in dashboard.locator(".widget-slider").all():
        # textContent: the innerText of a label not yet laid out (below the viewport) is empty
        label = slider.locator(".widget-label").text_content().strip()
        handle = slider.locator(".noUi-handle")

        def press(key, handle=handle):
            handle.focus()
            page.keyboard.press(key)

        yield label, "sweep", lambda press=press: press("Home")
        while handle.get_attribute("aria-valuenow") != handle.get_attribute("aria-valuemax"):
            yield label, "sweep", lambda press=press: press("PageUp")
        for i in range(presses):
            key = "ArrowLeft" if i % 2 == 0 else "ArrowRight"
            yield label, "at max", lambda press=press, key=key: press(key)
    for buttons in dashboard.locator(".widget-toggle-buttons").all():
        label = buttons.locator(".widget-label").text_content().strip() or "toggle"
        for _ in range(presses):
            idle = buttons.locator("button:not(.mod-active)").first
            yield label, "click", lambda idle=idle: idle.click()


def measure_dashboard(page, dashboard, presses):
    image = dashboard.locator("img.widget-image")
    image.evaluate(PROBE)
    page.evaluate("() => window.__ws.splice(0)")
    records = []
    for label, kind, do in events_of_a_dashboard(page, dashboard, presses):
        before = page.evaluate("() => window.__probe.changes.length")
        events_before = page.evaluate("() => window.__probe.events.length")
        do()
        count = wait_quiet(page, before)
        probe = page.evaluate("() => window.__probe")
        ws = page.evaluate("() => window.__ws.splice(0)")
        event = probe["events"][events_before] if len(probe["events"]) > events_before else None
        changes = probe["changes"][before:]
        if event is None or not changes:
            records.append({"control": label, "kind": kind, "changes": 0})
            continue
        loads = [t for t in probe["loads"] if t >= changes[0]]
        sends = [t for name, t, _ in ws if name == "send" and t >= event]
        big = [(t, n) for name, t, n in ws if name == "recv" and t >= event and n > 2000]
        records.append(
            {
                "control": label,
                "kind": kind,
                "changes": count - before,
                "event": event,
                "latency_ms": changes[0] - event,
                "send": sends[0] if sends else None,
                "image_recv": big[-1][0] if big else None,
                "ws_bytes": big[-1][1] if big else None,
                "src": changes[0],
                "load": loads[0] if loads else None,
            }
        )
    return records


def profile(records, redraws):
    """Medians of each stage, page and kernel stamps joined press by press (same clock)."""
    stages = {}

    def add(name, value):
        if value is not None:
            stages.setdefault(name, []).append(value)

    answered = [r for r in records if r["changes"]]
    stamps = ("message start", "redraw start", "update start", "update end", "encode start")
    stamps += ("encode end", "send start", "send end")
    for record, kernel in zip(answered, redraws, strict=False):
        if not all(name in kernel for name in stamps):
            continue
        sent = record["send"]
        add("page: keydown/click -> value sent", sent and sent - record["event"])
        add("server: value sent -> kernel has it", sent and kernel["message start"] - sent)
        add("kernel: message -> redraw starts", kernel["redraw start"] - kernel["message start"])
        add("kernel: update()", kernel["update end"] - kernel["update start"])
        drawing = kernel["encode start"] - kernel["update end"]
        add("kernel: draw (background or blit)", drawing)
        add("kernel: PNG encode", kernel["encode end"] - kernel["encode start"])
        add("kernel: send (comm message)", kernel["send end"] - kernel["send start"])
        add("PNG size (KB)", kernel.get("png bytes", 0) / 1024)
        image = record["image_recv"]
        add("server: sent -> page has the picture", image and image - kernel["send start"])
        add("page: message -> src changes", image and record["src"] - image)
        add("page: src -> decoded (load)", record["load"] and record["load"] - record["src"])
        add("kernel total: message -> sent", kernel["send end"] - kernel["message start"])
    return {name: round(statistics.median(values), 1) for name, values in stages.items()}


def open_notebook(context, lab, notebook):
    page = context.new_page()
    relative = notebook.resolve().relative_to(ROOT).as_posix()
    page.goto(f"{lab['base']}/lab/tree/{relative}?reset&token={lab['token']}")
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
    page.wait_for_selector("text=| Idle", timeout=90_000)
    run_all_cells(page, timeout_s=600)
    return page


def measure_notebook(context, lab, home, notebook, presses):
    """{dashboard name: {"controls": {...}, "all": {...}, "profile": {...}}}"""
    page = open_notebook(context, lab, notebook)
    results = {}
    try:
        client = kernel_client(home, lab)
        if client is not None:
            install_kernel_probe(client)
        dashboards = page.locator(f"{PANEL} .widget-vbox:has(img.widget-image)")
        for i in range(dashboards.count()):
            dashboard = dashboards.nth(i)
            dashboard.scroll_into_view_if_needed()
            if client is not None:
                kernel_stamps(client)  # drop what came before
            records = measure_dashboard(page, dashboard, presses)
            redraws = split_redraws(kernel_stamps(client)) if client is not None else []
            name = f"{notebook.name[:2]}#{i + 1}"
            controls = {}
            for record in records:
                key = f"{record['control']}: {record['kind']}"
                controls.setdefault(key, []).append(record.get("latency_ms"))
            every = [r.get("latency_ms") for r in records]
            results[name] = {
                "controls": {key: summary(times) for key, times in controls.items()},
                "all": summary(every),
                "unanswered": sum(r["changes"] == 0 for r in records),
                "double_redraws": sum(r["changes"] > 1 for r in records),
                "kernel_redraws": len(redraws),
                "events": len(records),
                "profile": profile(records, redraws),
            }
            print(f"  {name}: {json.dumps(results[name]['all'])}", flush=True)
            for key, value in results[name]["controls"].items():
                print(f"      {key:38s} {json.dumps(value)}", flush=True)
            print(f"      redraws: {len(redraws)} in the kernel for {len(records)} events, "
                  f"{results[name]['double_redraws']} events with more than one new picture, "
                  f"{results[name]['unanswered']} without one", flush=True)  # fmt: skip
            for stage, value in results[name]["profile"].items():
                print(f"      {stage:42s} {value:8.1f}", flush=True)
        if client is not None:
            client.stop_channels()
    finally:
        page.close()
        shut_down_kernels(lab)
    return results


def lab_server(stack, reference=None):
    """(home, lab): a JupyterLab serving this checkout's notebooks, whose kernels import rnn_core
    from `reference` (a directory with another version of the package) if one is given."""
    home = stack.enter_context(tempfile.TemporaryDirectory())
    previous = os.environ.get("PYTHONPATH")
    if reference is not None:  # the server's kernels inherit it: it comes before site-packages
        os.environ["PYTHONPATH"] = str(Path(reference).resolve())
    try:
        lab = stack.enter_context(jupyter_lab(home))
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous
    return home, lab


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path, nargs="*")
    parser.add_argument("--all", action="store_true", help="every notebook with a dashboard")
    parser.add_argument("--scale-factors", default="1,2", help="device pixel ratios, e.g. 1,2")
    parser.add_argument("--presses", type=int, default=12, help="per slider at max, per toggle")
    parser.add_argument(
        "--reference",
        type=Path,
        help="a directory holding another rnn_core (e.g. `git archive HEAD rnn_core | tar -x -C "
        "DIR`): each notebook is measured with it and with this checkout's, in turn",
    )
    args = parser.parse_args()
    notebooks = args.notebooks
    if args.all:
        notebooks = [n for n in NOTEBOOKS if "Dashboard(" in n.read_text()]
    if not notebooks:
        parser.error("name a notebook, or --all")
    from playwright.sync_api import sync_playwright

    results = {}
    with contextlib.ExitStack() as stack:
        servers = {"": lab_server(stack)}
        if args.reference is not None:
            servers = {" reference": lab_server(stack, args.reference), **servers}
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for factor in (float(f) for f in args.scale_factors.split(",")):
            context = browser.new_context(viewport=NARROW, device_scale_factor=factor)
            context.add_init_script(WEBSOCKET_LOG)
            for notebook in notebooks:
                for which, (home, lab) in servers.items():
                    print(f"{notebook.name}, device pixel ratio {factor:g}{which}:", flush=True)
                    measured = measure_notebook(context, lab, home, notebook, args.presses)
                    for name, value in measured.items():
                        results[f"{name} dpr{factor:g}{which}"] = value
            context.close()
        browser.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
