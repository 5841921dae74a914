"""How long a dashboard takes to answer in the browser: key press -> new picture, inside the page.

    python benchmarks/browser_latency.py notebooks/07_gated_cells_lstm_and_gru.ipynb \
        [--dashboard 1] [--presses 30]

Opens the notebook in JupyterLab in Chromium (as tests/test_browser.py does: Debian's chromium and
the playwright package, never playwright's own browser download), runs every cell, puts every
slider of the chosen dashboard at its maximum (End key) and every toggle at its first option,
then presses ArrowLeft and ArrowRight in turn on each slider. A probe in the page records
performance.now() at each keydown (capture phase) and, with a MutationObserver on the dashboard's
image, the first change of its src after it: that difference is the latency a learner feels,
kernel round trip and image decode included. It waits 0.4 s of quiet between presses. The last
line is JSON: {"sliders": {"<label>": {"median_ms", "p90_ms", "min_ms", "max_ms"}}, "all": {...}}
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_browser import CHROMIUM, CHROMIUM_ARGS, PANEL, jupyter_lab, run_all_cells  # noqa: E402

PROBE = """img => {
    window.__latency = {pressed: null, times: []};
    document.addEventListener("keydown", () => { window.__latency.pressed = performance.now(); },
                              true);
    new MutationObserver(() => {
        const l = window.__latency;
        if (l.pressed !== null) { l.times.push(performance.now() - l.pressed); l.pressed = null; }
    }).observe(img, {attributes: true, attributeFilter: ["src"]});
}"""


def summary(times):
    return {
        "presses": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(float(np.percentile(times, 90)), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
    }


def measure(page, dashboard, presses):
    image = dashboard.locator("img.widget-image")
    for slider in dashboard.locator(".widget-slider").all():  # the largest settings
        slider.locator(".noUi-handle").focus()
        page.keyboard.press("End")
        time.sleep(1.0)
    image.evaluate(PROBE)
    results, every = {}, []
    for slider in dashboard.locator(".widget-slider").all():
        name = slider.locator(".widget-label").inner_text()
        slider.locator(".noUi-handle").focus()
        for i in range(presses):
            page.keyboard.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
            time.sleep(0.4)  # quiet: the picture of this press is in before the next one
        times = page.evaluate("() => window.__latency.times.splice(0)")
        if times:
            results[name] = summary(times)
            every += times
        print(f"{name}: {results.get(name)}", flush=True)
    return {"sliders": results, "all": summary(every)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--dashboard", type=int, default=1, help="which dashboard, from 1")
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    notebook = args.notebook.resolve().relative_to(ROOT)
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as home,
        jupyter_lab(home) as lab,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{lab['base']}/lab/tree/{notebook.as_posix()}?reset&token={lab['token']}")
        page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
        page.wait_for_selector("text=| Idle", timeout=90_000)
        run_all_cells(page, timeout_s=600)
        dashboards = page.locator(f"{PANEL} .widget-vbox:has(img.widget-image)")
        dashboard = dashboards.nth(args.dashboard - 1)
        dashboard.scroll_into_view_if_needed()
        result = measure(page, dashboard, args.presses)
        browser.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
