"""The classroom page in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

The browser may reach 127.0.0.1 only: its resolver maps every other host to nowhere, and every
request is recorded (and any beyond 127.0.0.1 aborted), so "the page renders fully" here means it
renders offline. ``.ci/run`` installs Chromium; elsewhere these tests skip when it is missing,
except under CI, where a missing browser fails.
"""

import base64
import gzip
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import ROOT, SCENARIOS

ARTEFACTS = ROOT / "test-artifacts"
OPTIMISM = "#c-actors-russia-beliefs-victory"
LOCAL = re.compile(r"^(http://127\.0\.0\.1:\d+/|file://|data:|blob:|about:)")

pytestmark = pytest.mark.slow


def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), args=["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    """``negsim serve`` as a user starts it, on a free port; yields the URL it prints."""
    process = subprocess.Popen([sys.executable, "-m", "sim.cli", "serve", "scenarios/baseline.yaml"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        process.kill()
        pytest.fail(f"negsim serve printed no URL: {line!r} {process.stderr.read()}")
    yield match.group(0)
    process.terminate()
    process.wait(timeout=30)


class Requests:
    """Every request a page makes; any beyond 127.0.0.1 (or the file itself) is aborted and kept."""

    def __init__(self, page):
        self.seen, self.outside = [], []
        page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        self.seen.append(url)
        if LOCAL.match(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


def updates(page, at_least: int) -> None:
    page.wait_for_function(f"Number(document.body.dataset.updates) >= {at_least}", timeout=120_000)


def curve(page) -> list[float]:
    return page.evaluate("document.getElementById('curve').data.at(-1).y")


def test_moving_a_slider_moves_the_curve_and_the_proposal_offline(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    requests = Requests(page)
    page.goto(server)
    updates(page, 1)
    # rendered fully: both plots drawn, a story told, no error
    assert page.locator("#curve .main-svg").count() > 0 and page.locator("#bargain .main-svg").count() > 0
    assert page.inner_text("#story").startswith("Scenario 'baseline', world 0")
    assert page.is_hidden("#message")
    before, proposal = curve(page), page.get_attribute("#bargain", "data-proposal")
    assert before == page.evaluate("document.getElementById('curve').data[2].y")  # settings as written

    width = page.evaluate("document.getElementById('controls').getBoundingClientRect().width")
    started = time.perf_counter()
    page.fill(OPTIMISM, "0.1")  # Russia far less sure of victory
    updates(page, 2)
    # laid out for reading: the controls keep their width, the story wraps instead of running off the
    # right edge, and the bargain chart's legend sits below its plot, clear of plotly's toolbar
    assert page.evaluate("document.getElementById('controls').getBoundingClientRect().width") == width
    assert page.evaluate("(s => s.scrollWidth <= s.clientWidth)(document.getElementById('story'))")
    legend, plot = (page.locator(f"#bargain {part}").first.bounding_box() for part in (".legend", ".nsewdrag"))
    assert legend["y"] >= plot["y"] + plot["height"]
    latency = time.perf_counter() - started
    after = curve(page)
    assert after != before and after[-1] > before[-1]
    assert page.get_attribute("#bargain", "data-proposal") != proposal
    assert "actors.russia.beliefs.victory=0.1" in page.inner_text("#command")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "classroom.png"), full_page=True)
    print(f"one user's update: {latency:.2f} s (curve, bargain and story)")

    assert requests.outside == [] and all(LOCAL.match(u) for u in requests.seen)
    assert any(u.endswith("/plotly.min.js") for u in requests.seen)
    page.close()


def test_a_bad_value_gets_a_message_in_the_page(browser, server):
    page = browser.new_page()
    page.goto(server)
    updates(page, 1)
    page.fill(OPTIMISM + " + input[type=number]", "1.5")
    page.dispatch_event(OPTIMISM + " + input[type=number]", "change")
    page.wait_for_selector("#message:not([hidden])", timeout=60_000)
    text = page.inner_text("#message")
    assert "actors.russia.beliefs.victory" in text and "[0, 1]" in text and "1.5" in text
    assert "Traceback" not in text
    page.close()


def test_show_me_a_world_where_peace_comes_and_the_lesson_links(browser, server):
    page = browser.new_page()
    page.goto(server)
    updates(page, 1)
    peaceful = page.evaluate("state.forecast.peace_worlds")
    page.click("#peace")
    world = peaceful[0]
    page.wait_for_function(f"document.getElementById('story').textContent.includes(', world {world} (')",
                           timeout=60_000)
    assert page.input_value("#world") == str(world)
    assert "agreed" in page.inner_text("#story")  # a ceasefire or settlement comes in the story
    href = page.locator(".control[data-key='actors.russia.beliefs.victory'] a").get_attribute("href")
    assert href == "/lessons/02-private-information.md"
    lesson = page.request.get(server.rstrip("/") + href)
    assert lesson.ok and lesson.text().startswith("# Lesson 2")
    page.close()


def test_the_exported_page_opens_from_disk_and_its_slider_moves_the_curve(browser, tmp_path):
    from sim.web.app import plotly_js
    from sim.web.export import export_page

    out = tmp_path / "page.html"
    with ThreadPoolExecutor(2) as executor:
        count = export_page(str(SCENARIOS / "baseline.yaml"), out, executor,
                            vary={"actors.russia.beliefs.victory": [0.1, 0.5]}, worlds=100)
    assert count == 2
    page = browser.new_page()
    requests = Requests(page)
    page.goto(out.as_uri())
    updates(page, 1)
    before = curve(page)
    page.fill(OPTIMISM, "0")  # the grid's first value, 0.1
    updates(page, 2)
    assert curve(page) != before
    assert page.is_hidden("#message")
    # nothing but the file itself and the scripts it unpacks into blob: URLs of its own
    assert requests.outside == [] and all(u.startswith(("file://", "blob:")) for u in requests.seen)
    page.close()
    packed_plotly = re.search(r'id="negsim-plotly">([^<]+)<', out.read_text()).group(1)   # plotly.js is inside
    assert gzip.decompress(base64.b64decode(packed_plotly)) == plotly_js().read_bytes()
