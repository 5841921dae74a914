"""The static book of the series (tools/build_book.py), as a reader without a kernel sees it.

The book is built once (`python tools/build_book.py --all`), its HTML served on 127.0.0.1 by
http.server, and the index and every numbered notebook's page opened in Chromium, 1024 px wide.
On each page, with every closed answer opened:
- every formula typeset by MathJax: each Sphinx math element holds a MathJax rendering, with no
  MathJax error and no unknown macro, a page whose notebook writes $...$ has formulas, a display
  formula wider than the page scrolls sideways (not cut off), and no TeX is left in the text
  ("$$", "\\begin{", "$...\\macro...$") outside code;
- every <img> loaded, and at least one for each picture (image/png output) the notebook stores:
  the dashboards show their picture, never "VBox(...)" or a figure's "<Figure size ...>" text;
- no request to any host but 127.0.0.1 (MathJax is shipped with the book), none failed;
- every link to a page of the book answers HTTP 200, none of the book's text links to an .ipynb
  file, the index links to each notebook that README.md links to, and every page's table of
  contents lists every notebook.
The counts of pages, formulas, images and links are printed (pytest -s), and the failure messages
name the page and what is wrong on it. About 30 s: the build (about 10 s), then 2 s a page.

Needs jupyter-book < 2 and npm (`npm pack mathjax@3`, once: the build keeps it in _build/book),
Debian's Chromium at /usr/bin/chromium (or RNN_CORE_CHROMIUM) and the Python package playwright,
as tests/test_browser.py does. Without them the test is skipped, unless RNN_CORE_REQUIRE_BROWSER=1
(set by CI), which turns the skip into a failure. Playwright's own browser download is never used.
"""

import functools
import http.server
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, load_playwright
from test_browser import unavailable as browser_unavailable

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HTML = ROOT / "_build" / "book" / "_build" / "html"  # where tools/build_book.py puts the pages
MATHJAX = ROOT / "_build" / "book" / "source" / "_extra" / "_static" / "mathjax"  # its cache
PAGES = ["index.html"] + [f"notebooks/{path.stem}.html" for path in NOTEBOOKS]
NOT_RENDERED = ["VBox(", "HBox(", "<Figure size"]  # a widget's or a figure's text form
COUNTS = {}  # page -> what was checked on it, for the summary

# Run in the page once it has loaded: open every <details>, wait for MathJax, and collect.
READ_PAGE = """async () => {
    document.querySelectorAll("details").forEach(details => { details.open = true; });
    let typeset = !(window.MathJax && MathJax.startup);  // no MathJax on a page without math
    if (!typeset) {
        const timeout = new Promise(resolve => setTimeout(() => resolve(false), 30000));
        typeset = await Promise.race([MathJax.startup.promise.then(() => true), timeout]);
    }
    const article = document.querySelector("article") || document.body;
    const prose = article.cloneNode(true);
    prose.querySelectorAll("pre, code, script, style, mjx-container, .cell_output")
        .forEach(node => node.remove());
    return {
        mathjax: Boolean(window.MathJax && MathJax.startup),
        typeset,
        math: document.querySelectorAll(".math").length,
        rendered: document.querySelectorAll(".math mjx-container").length,
        unrendered: [...document.querySelectorAll(".math")]
            .filter(math => !math.querySelector("mjx-container"))
            .map(math => math.textContent.slice(0, 120)),
        // a display formula wider than the page must scroll, not stick out clipped on the left
        clipped: [...document.querySelectorAll("div.math")].filter(div => {
            const container = div.querySelector("mjx-container");
            const math = container && container.querySelector("mjx-math");
            if (!math) return false;
            container.scrollLeft = 0;
            const [d, c, m] = [div, container, math].map(node => node.getBoundingClientRect());
            return c.left < d.left - 1 || c.right > d.right + 1 || m.left < c.left - 1
                || container.scrollWidth < m.width - 1;
        }).map(div => div.textContent.slice(0, 120)),
        errors: [...document.querySelectorAll("mjx-merror")]
            .map(error => (error.closest(".math") || error).textContent.slice(0, 200)),
        // MathJax draws an unknown macro as its name in red (its MathML copy says so)
        undefined: [...document.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')]
            .map(text => text.textContent).filter(text => text.startsWith("\\\\")),
        prose: prose.textContent,
        text: document.body.innerText,
        images: [...document.images].map(image => ({
            src: image.getAttribute("src"), complete: image.complete, width: image.naturalWidth,
        })),
        outputImages: article.querySelectorAll(".cell_output img").length,
        links: [...document.querySelectorAll("a[href]")].map(a => a.href),
        articleLinks: [...article.querySelectorAll("a[href]")].map(a => a.getAttribute("href")),
    };
}"""


HOW = (
    "To run it: pip install 'jupyter-book<2' playwright, install npm and Debian's chromium "
    "(or set RNN_CORE_CHROMIUM to a Chromium binary); never `playwright install`."
)


def unavailable(reason):
    browser_unavailable(reason, HOW)


@pytest.fixture(scope="module")
def sync_api():
    return load_playwright("the book test", HOW)


@pytest.fixture(scope="module")
def book():
    """Build the book once; returns the build's time in seconds."""
    if importlib.util.find_spec("jupyter_book") is None:
        unavailable("the book test needs jupyter-book < 2")
    if not (MATHJAX / "tex-mml-chtml.js").is_file() and shutil.which("npm") is None:
        unavailable("the book test needs npm to fetch MathJax (npm pack mathjax@3)")
    start = time.perf_counter()
    built = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_book.py"), "--all"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    if built.returncode != 0:
        pytest.fail(f"tools/build_book.py failed:\n{built.stdout[-5000:]}\n{built.stderr[-5000:]}")
    print(f"\nbook built in {seconds:.0f} s")
    return seconds


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass  # no line on stderr for each file served


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-download
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def site(book):
    """The built HTML on 127.0.0.1, served by a thread; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser(sync_api):
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1024, "height": 900})
        yield context
        context.close()
        chromium.close()


def notebook_sources(name):
    """What the page of notebooks/NAME.html must show: does its Markdown write math, and how many
    pictures (image/png outputs) does it store."""
    notebook = json.loads((ROOT / "notebooks" / f"{Path(name).stem}.ipynb").read_text())
    markdown = "".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    pictures = sum(
        "image/png" in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )
    return "$" in markdown, pictures


def local(url):
    """A request that stays on this machine: to 127.0.0.1, or data held by the page itself."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1"


def status(url):
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, method="HEAD"), timeout=10
        ) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("name", PAGES)
def test_page(name, site, browser):
    start = time.perf_counter()
    page = browser.new_page()
    requests, failed = [], []

    def answered(response):
        if response.status >= 400:
            failed.append(f"{response.url} ({response.status})")

    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", answered)
    # a request to another host is recorded above and stopped here: nothing leaves the machine,
    # and a page offline does not wait for a CDN
    page.route(
        "**/*", lambda route: route.continue_() if local(route.request.url) else route.abort()
    )
    try:
        page.goto(site + name, wait_until="load", timeout=60_000)
        seen = page.evaluate(READ_PAGE)
    finally:
        page.close()
    where = f"{name}: "

    foreign = [url for url in requests if not local(url)]
    assert not foreign, where + f"requests to other hosts than 127.0.0.1: {foreign}"
    assert not failed, where + f"requests that failed: {failed}"

    # formulas
    if name == "index.html":
        has_math, pictures = "$" in seen["prose"], 0
    else:
        has_math, pictures = notebook_sources(name)
    assert not seen["unrendered"], where + f"formulas MathJax did not typeset: {seen['unrendered']}"
    assert not seen["errors"], where + f"MathJax errors: {seen['errors']}"
    assert not seen["undefined"], where + f"macros MathJax does not know: {seen['undefined']}"
    assert not seen["clipped"], where + f"wide formulas cut off, not scrolling: {seen['clipped']}"
    if has_math:
        assert seen["mathjax"], where + "the notebook writes math, but MathJax did not load"
        assert seen["typeset"], where + "MathJax did not finish typesetting in 30 s"
        assert seen["rendered"] > 0, where + "the notebook writes math, but no formula is typeset"
    raw_tex = re.findall(r"\$\$|\\begin\{|\$[^$\n]*\\[A-Za-z]+[^$\n]*\$", seen["prose"])
    assert not raw_tex, where + f"TeX left in the text: {raw_tex[:5]}"

    # pictures
    broken = [
        image["src"] for image in seen["images"] if not image["complete"] or not image["width"]
    ]
    assert not broken, where + f"images that did not load: {broken}"
    assert seen["outputImages"] >= pictures, (
        where + f"{seen['outputImages']} pictures among the outputs, the notebook stores {pictures}"
    )
    for text in NOT_RENDERED:
        assert text not in seen["text"], where + f"{text!r} shown instead of a picture"

    # links
    relative = [h for h in seen["articleLinks"] if "://" not in h]  # not Binder's, for one
    to_ipynb = [h for h in relative if h.split("#")[0].endswith(".ipynb")]
    assert not to_ipynb, where + f"links to notebook files, not to their pages: {to_ipynb}"
    linked = {link.split("#")[0] for link in seen["links"] if link.startswith(site)}
    missing = [site + page for page in PAGES if site + page not in linked and page != name]
    assert not missing, where + f"the table of contents does not link to {missing}"
    if name == "index.html":
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        in_readme = re.findall(r"\]\(notebooks/([^)#\s]+)\.ipynb", readme)
        assert in_readme, "README.md links to no notebook"
        article = {urllib.parse.urljoin(site, h).split("#")[0] for h in seen["articleLinks"]}
        absent = [stem for stem in in_readme if f"{site}notebooks/{stem}.html" not in article]
        assert not absent, where + f"README.md links to notebooks the index does not: {absent}"
    answers = {url: status(url) for url in sorted(linked)}
    bad = {url: code for url, code in answers.items() if code != 200}
    assert not bad, where + f"links that do not answer 200: {bad}"

    COUNTS[name] = {
        "formulas": seen["rendered"],
        "images": len(seen["images"]),
        "links": len(linked),
        "seconds": time.perf_counter() - start,
    }
    counts = COUNTS[name]
    print(
        f"\n{name}: {counts['formulas']} formulas, {counts['images']} images, "
        f"{counts['links']} links, {counts['seconds']:.1f} s"
    )


def test_summary(book):
    """The totals over the pages checked above (run last, by its place in the file)."""
    formulas = sum(c["formulas"] for c in COUNTS.values())
    images = sum(c["images"] for c in COUNTS.values())
    links = sum(c["links"] for c in COUNTS.values())
    browsing = sum(c["seconds"] for c in COUNTS.values())
    print(
        f"\nbook: {len(COUNTS)} of {len(PAGES)} pages checked, {formulas} formulas, {images} "
        f"images, {links} links; built in {book:.0f} s, pages read in {browsing:.0f} s"
    )
    if len(COUNTS) == len(PAGES):
        assert formulas > 0 and images > 0, f"{formulas} formulas and {images} images in the book"
