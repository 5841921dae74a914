"""Every notebook in JupyterLab, in a real browser; those with dashboards run from a fresh kernel,
every control moved.

nbval (the notebook tests) runs the kernel side only. This test opens each notebook the way a
learner does, in JupyterLab in Chromium. A notebook with a dashboard gets "Restart Kernel and Run
All Cells", then every slider of every dashboard is moved with the keyboard and every toggle
clicked, checking that the picture changed exactly once and then stayed put. A notebook without
one (its cells are nbval's to run) is checked as JupyterLab shows it: every cell with its stored
execution count, every stored picture rendered, no error output. A screenshot of each notebook and
of each of its dashboards is saved in `screenshots/` (ignored by git) for a person to look at.

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`; another path can be given
in RNN_CORE_CHROMIUM) and the Python package playwright (in requirements-dev.txt). Without them the
test is skipped, unless RNN_CORE_REQUIRE_BROWSER=1 (set by CI), which turns the skip into a failure.
Playwright's own browser download is never used.
"""

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WITH_DASHBOARDS = [path for path in NOTEBOOKS if "Dashboard(" in path.read_text()]
WITHOUT_DASHBOARDS = [path for path in NOTEBOOKS if path not in WITH_DASHBOARDS]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("RNN_CORE_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("RNN_CORE_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show, not a restored tab
SETTLE_SECONDS = 0.7  # a picture must stay unchanged this long to count as settled
SETTINGS = {  # no news pop-up in screenshots; never write the notebook back to disk
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


HOW = (
    "To run it: apt-get install chromium (or set RNN_CORE_CHROMIUM to a Chromium binary) "
    "and pip install playwright; never `playwright install`."
)


def unavailable(reason, how=HOW):
    """Skip, saying what is missing and how to get it; under RNN_CORE_REQUIRE_BROWSER=1, fail."""
    if REQUIRED:
        pytest.fail(f"{reason}. {how}")
    pytest.skip(f"{reason}. {how}")


def load_playwright(test="the browser test", how=HOW):
    """playwright's sync API, once Chromium and playwright are both there (else `unavailable`)."""
    try:
        from playwright import sync_api
    except ImportError:
        unavailable(f"{test} needs the Python package playwright", how)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"{test} needs Chromium at {CHROMIUM}", how)
    return sync_api


@pytest.fixture(scope="module")
def sync_api():
    return load_playwright()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_lab(home, root=ROOT):
    """JupyterLab on 127.0.0.1 serving `root`, with its own config, runtime, IPython, matplotlib
    and settings directories under `home`; yields {"base": url, "token": token}."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))}
    for name in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
    ):
        (home / name.lower()).mkdir()
        env[name] = str(home / name.lower())
    for relative, values in SETTINGS.items():
        path = home / "jupyterlab_settings_dir" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(home / "server.log", "w")  # noqa: SIM115 (open while the server runs, closed below)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "JupyterLab did not start:\n" + (home / "server.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield {"base": base, "token": token}
    finally:
        server.terminate()  # by its PID, whatever happened above
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def lab(sync_api, tmp_path_factory):
    with jupyter_lab(tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


@pytest.fixture(scope="module")
def browser(sync_api):
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def api(lab, method, path):
    request = urllib.request.Request(f"{lab['base']}{path}?token={lab['token']}", method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def shut_down_kernels(lab):
    for session in api(lab, "GET", "/api/sessions"):
        api(lab, "DELETE", f"/api/sessions/{session['id']}")


def run_all_cells(page, timeout_s=180):
    """Restart the kernel, run every cell, and wait until every code cell shows [n]: and is idle."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.click('[data-command="runmenu:restart-and-run-all"]')
    page.click(".jp-Dialog-button.jp-mod-accept")  # "Restart kernel?"
    deadline = time.monotonic() + timeout_s
    prompts = page.locator(f"{PANEL} .jp-CodeCell .jp-InputArea-prompt")
    errors = page.locator(f"{PANEL} [data-mime-type='application/vnd.jupyter.stderr']")
    time.sleep(1.0)  # let the restart begin, so that the old prompts are not mistaken for the new
    while time.monotonic() < deadline:
        # textContent, not innerText: JupyterLab renders cells outside the viewport lazily, and
        # the innerText of a cell that is not laid out is empty
        texts = [t.strip() for t in prompts.all_text_contents()]
        idle = page.locator("#jp-main-statusbar").inner_text().find("| Idle") >= 0
        if idle and errors.count():  # run-all stops at an error: report it now
            raise AssertionError(
                f"a cell failed or wrote to stderr:\n{errors.first.inner_text()[:3000]}"
            )
        if idle and texts and all(re.fullmatch(r"\[\d+\]:", t) for t in texts):
            return len(texts)
        time.sleep(0.25)
    raise AssertionError(f"cells still running or unrun after {timeout_s} s: {texts}")


def watch_images(page, dashboard):
    """Count every change of the dashboard's picture from now on (a MutationObserver on its src)."""
    dashboard.locator("img.widget-image").evaluate(
        """img => {
            img.dataset.changes = "0";
            const count = () => { img.dataset.changes = String(Number(img.dataset.changes) + 1); };
            new MutationObserver(count).observe(img, {attributes: true, attributeFilter: ["src"]});
        }"""
    )


def wait_settled(image, previous_changes, timeout_s=30):
    """Wait until the picture has changed at least once and then stayed the same for a while."""
    deadline = time.monotonic() + timeout_s
    last, stable_since = None, time.monotonic()
    while time.monotonic() < deadline:
        changes = int(image.get_attribute("data-changes"))
        if changes != last:
            last, stable_since = changes, time.monotonic()
        elif changes > previous_changes and time.monotonic() - stable_since >= SETTLE_SECONDS:
            return changes
        time.sleep(0.05)
    raise AssertionError(f"the picture did not change and settle (changes: {last})")


def move_every_control(page, dashboard):
    """Move each slider one step with the keyboard and click each toggle; one redraw each."""
    image = dashboard.locator("img.widget-image")
    watch_images(page, dashboard)
    moved, changes = [], 0
    for slider in dashboard.locator(".widget-slider").all():
        name = slider.locator(".widget-label").inner_text()
        readout = slider.locator(".widget-readout")
        before = readout.inner_text()
        slider.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        new_changes = wait_settled(image, changes)
        assert readout.inner_text() != before, f"slider {name!r}: the readout did not move"
        assert new_changes == changes + 1, (
            f"slider {name!r}: {new_changes - changes} redraws for one step"
        )
        changes = new_changes
        moved.append(name)
    for buttons in dashboard.locator(".widget-toggle-buttons").all():
        idle = buttons.locator("button:not(.mod-active)").first
        label = idle.inner_text()
        idle.click()
        new_changes = wait_settled(image, changes)
        assert new_changes == changes + 1, (
            f"toggle {label!r}: {new_changes - changes} redraws for a click"
        )
        changes = new_changes
        moved.append(label)
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the picture did not load"
    return moved


NARROW = {"width": 1024, "height": 900}  # a laptop window, with the file browser open beside
SHORTEST_TRACK_PX = 150  # a slider track shorter than this is hard to set to a chosen value


def check_narrow_window(page, dashboards, stem):
    """At 1024 px with the file browser open, every control is whole and usable."""
    page.set_viewport_size(NARROW)
    browser_panel = page.locator("#filebrowser")
    if not browser_panel.is_visible():
        page.click(".jp-SideBar [data-id='filebrowser']")
        browser_panel.wait_for(state="visible")
    time.sleep(0.5)  # let the notebook column take its new width
    for i in range(dashboards.count()):
        dashboard = dashboards.nth(i)
        dashboard.scroll_into_view_if_needed()
        area = dashboard.bounding_box()
        for track in dashboard.locator(".widget-slider .noUi-target").all():
            width = track.bounding_box()["width"]
            assert width >= SHORTEST_TRACK_PX, f"dashboard {i + 1}: a slider track of {width} px"
        for control in dashboard.locator(".widget-slider, .widget-toggle-buttons button").all():
            box = control.bounding_box()
            assert box["x"] + box["width"] <= area["x"] + area["width"] + 1, (
                f"dashboard {i + 1}: a control is cut off at the right edge at 1024 px"
            )
        dashboard.screenshot(path=SCREENSHOTS / f"{stem}_dashboard_{i + 1}_1024px.png")


def open_notebook(lab, browser, notebook, kernel=True):
    """A new page with `notebook` open in JupyterLab, and its kernel idle (kernel=True) or not
    waited for."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    url = f"{lab['base']}/lab/tree/notebooks/{notebook.name}?reset&token={lab['token']}"
    page.goto(url)
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
    if kernel:
        page.wait_for_selector("text=| Idle", timeout=90_000)
    return page


CELLS_SHOWN = """async ([scroller, cells]) => {
    const shown = {};
    for (let step = 0, y = 0; step < 400; step++, y = scroller.scrollTop + scroller.clientHeight) {
        scroller.scrollTo(0, y);
        // two frames: the cells that came into view are put in the page and rendered
        for (let frame = 0; frame < 2; frame++) {
            await new Promise(resolve => requestAnimationFrame(resolve));
        }
        for (const cell of scroller.querySelectorAll(".jp-Cell")) {
            const prompt = cell.querySelector(".jp-CodeCell .jp-InputArea-prompt");
            shown[cell.dataset.windowedListIndex] = [
                cell.classList.contains("jp-CodeCell") ? prompt.textContent : null,
                cell.querySelectorAll(".jp-RenderedImage img").length,
                cell.querySelectorAll("[data-mime-type='application/vnd.jupyter.stderr']").length,
            ];
        }
        if (Object.keys(shown).length >= cells) {  // at the end, some cells' heights were guesses
            break;
        }
    }
    scroller.scrollTo(0, 0);  // back to the top, for the screenshot
    return Object.keys(shown).map(Number).sort((a, b) => a - b).map(i => shown[i]);
}"""


def every_cell_as_shown(page, cells):
    """[(prompt text or None for a text cell, pictures, stderr outputs)] of every cell, in order,
    once all `cells` have been seen (or fewer, after 400 windows). JupyterLab puts only the cells
    near the viewport in the page: the notebook is scrolled from top to bottom, a window at a
    time, and each cell read while it is there."""
    scroller = page.locator(f"{PANEL} .jp-WindowedPanel-outer").element_handle()
    return page.evaluate(CELLS_SHOWN, [scroller, cells])


def test_there_are_notebooks_and_dashboards():
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    assert WITH_DASHBOARDS, "no notebook in notebooks/ shows a dashboard"


@pytest.mark.parametrize("notebook", WITHOUT_DASHBOARDS, ids=[p.stem for p in WITHOUT_DASHBOARDS])
def test_notebook_without_a_dashboard_opens_in_jupyterlab_with_its_outputs(lab, browser, notebook):
    """A notebook without widgets is opened and its stored outputs shown, not run again: running
    it is nbval's part (the same kernel, the same outputs compared); what only the browser shows is
    how JupyterLab renders them."""
    cells = json.loads(notebook.read_text())["cells"]
    counts = [f"[{c['execution_count']}]:" for c in cells if c["cell_type"] == "code"]
    images = sum(
        "image/png" in output.get("data", {}) for c in cells for output in c.get("outputs", [])
    )
    page = open_notebook(lab, browser, notebook, kernel=False)
    try:
        shown = every_cell_as_shown(page, len(cells))
        assert len(shown) == len(cells), (len(shown), len(cells))
        assert [prompt.strip() for prompt, *_ in shown if prompt is not None] == counts
        assert sum(pictures for _, pictures, _ in shown) == images
        assert sum(errors for *_, errors in shown) == 0, "a stored output went to stderr"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.set_viewport_size(NARROW)
        page.screenshot(path=SCREENSHOTS / f"{notebook.stem}_1024px.png")
    finally:
        page.close()
        shut_down_kernels(lab)


@pytest.mark.parametrize("notebook", WITH_DASHBOARDS, ids=[p.stem for p in WITH_DASHBOARDS])
def test_notebook_runs_in_jupyterlab_and_its_dashboards_respond(lab, browser, notebook):
    page = open_notebook(lab, browser, notebook)
    try:
        cells = run_all_cells(page)
        assert cells > 0
        errors = page.locator(f"{PANEL} [data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, f"errors or stderr output:\n{errors.first.inner_text()[:2000]}"

        dashboards = page.locator(f"{PANEL} .widget-vbox:has(img.widget-image)")
        SCREENSHOTS.mkdir(exist_ok=True)
        for i in range(dashboards.count()):
            dashboard = dashboards.nth(i)
            dashboard.scroll_into_view_if_needed()
            controls = dashboard.locator(".widget-slider, .widget-toggle-buttons")
            assert controls.count() > 0, "a dashboard rendered without its controls"
            moved = move_every_control(page, dashboard)
            assert moved
            dashboard.screenshot(path=SCREENSHOTS / f"{notebook.stem}_dashboard_{i + 1}.png")
        page.screenshot(path=SCREENSHOTS / f"{notebook.stem}.png")
        check_narrow_window(page, dashboards, notebook.stem)
        assert errors.count() == 0, (
            f"errors after moving the controls:\n{errors.first.inner_text()[:2000]}"
        )
    finally:
        page.close()
        shut_down_kernels(lab)
