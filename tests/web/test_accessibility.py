"""Accessibility in headless Chromium: axe-core on the list, story, article and outlet pages
(0 serious or critical violations), and the sentence highlighting by keyboard alone.

axe-core 4.14.1 (MPL-2.0, Deque Systems) is vendored as tests/web/vendor/axe.min.js, its
licence beside it: a test asset, never served by the app. Pages load it through Playwright
in a context that bypasses the page's CSP (the app itself only allows its own scripts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.scale import add_story
from tests.web.server import CHROMIUM, chromium, seed_store, serve

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def browser() -> Any:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: apt-get install -y chromium")
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path]) -> Any:
    store = seed_store(tmp_path_factory.mktemp("a11y") / "storyline.db", seed_paths)
    add_story(store, 12, "wide")
    add_story(store, 1, "single")
    with serve(store) as url:
        yield url, store
    store.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def _pages(store: Any) -> list[str]:
    seed = next(s for s in store.stories() if not s.id.startswith(("wide", "single")))
    outlet = store.article(seed.articles[0]).source
    return ["/", "/?singletons=true&sort=recent", f"/stories/{seed.id}", "/stories/wide",
            "/stories/single", f"/articles/{seed.articles[0]}", "/outlets",
            "/outlets?sort=wire", f"/outlets/{outlet}"]  # fmt: skip


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return list(result)


def test_axe_finds_no_serious_or_critical_violation(site, page) -> None:
    url, store = site
    found = {}
    for path in _pages(store):
        page.goto(url + path)
        bad = [v for v in _axe(page) if v["impact"] in ("serious", "critical")]
        if bad:
            found[path] = bad
    assert found == {}


def test_sentence_highlighting_by_keyboard_alone(site, page) -> None:
    url, store = site
    page.goto(url + "/stories/wide")
    first = page.locator("section.col").first.locator(".s[data-group]").first
    for _ in range(400):  # Tab through the page until a shared sentence has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.s[data-group]')"):
            break
    else:
        pytest.fail("no shared sentence can be reached with Tab")
    focused = page.evaluate_handle("document.activeElement")
    group = focused.get_attribute("data-group")
    assert page.locator(f'.s.hl[data-group="{group}"]').count() >= 2, "focus highlights"
    page.keyboard.press("Enter")
    selected = page.locator(f'.s.sel[data-group="{group}"][aria-pressed="true"]')
    assert selected.count() >= 2
    page.keyboard.press("n")  # the same sentence in the next article
    other = page.evaluate_handle("document.activeElement")
    assert other.get_attribute("data-group") == group
    assert other.evaluate("e => e.closest('section.col').id") != focused.evaluate(
        "e => e.closest('section.col').id"
    )
    page.keyboard.press("j")  # the next shared sentence in that article
    assert page.evaluate("document.activeElement.getAttribute('data-group')") != group
    page.keyboard.press("Escape")
    assert page.locator(".s.sel").count() == 0
    assert page.locator('.s[aria-pressed="true"]').count() == 0
    assert first.count() == 1
