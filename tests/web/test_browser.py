"""What a person sees: the seed story in headless Chromium, an upload, and XSS payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import TOKEN
from tests.web.server import CHROMIUM, chromium, seed_store, serve

pytestmark = pytest.mark.browser

PAYLOAD_SCRIPT = "<script>window.__pwned=1</script>"
PAYLOAD_IMG = '<img src=x onerror="window.__pwned=1">'
PAYLOAD_TITLE = '<img src=x onerror="window.__pwned=1"><b>Bold claim</b>'


@pytest.fixture(scope="module")
def browser() -> Any:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: apt-get install -y chromium")
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path]) -> Any:
    store = seed_store(tmp_path_factory.mktemp("web") / "storyline.db", seed_paths)
    with serve(store) as url:
        yield url, store
    store.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def _seed_story(store: Any) -> str:
    ids = [a.id for a in store.articles()]
    story = next(s for s in store.stories() if set(ids[:2]) <= set(s.articles))
    return story.id


def test_seed_story_highlights_the_shared_lead_in_both_columns(site, page) -> None:
    url, store = site
    story_id = _seed_story(store)
    page.goto(url + "/")
    page.click(f'a[href="/stories/{story_id}"]')
    assert page.locator("section.col").count() == 2
    lead = page.locator("section.col").first.locator(".s[data-group]", has_text="Wladimir Putin")
    lead = lead.first
    group = lead.get_attribute("data-group")
    lead.hover()
    lit = page.locator(f'.s.hl[data-group="{group}"]')
    assert lit.count() == 2
    columns = {lit.nth(k).evaluate("e => e.closest('section.col').id") for k in range(2)}
    assert len(columns) == 2
    assert all("k-unique" not in (lit.nth(k).get_attribute("class") or "") for k in range(2))
    lead.click()
    assert page.locator(f'.s.sel[data-group="{group}"]').count() == 2
    assert page.locator(".s.hl:not([data-group='" + group + "'])").count() == 0
    assert page.errors == [], "no script errors and no Content-Security-Policy violations"


def test_upload_a_file_from_the_browser(site, page, tmp_path: Path) -> None:
    url, store = site
    before = store.count_articles()
    report = tmp_path / "report.txt"
    report.write_text(
        "Ein Gewitter legte am Dienstag den Bahnverkehr in Bern lahm.\n"
        "Mehrere Züge fielen aus, teilte die SBB mit.\n",
        encoding="utf-8",
    )
    page.goto(url + "/ingest")
    page.set_input_files("input[name=files]", str(report))
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector("#status:text('done')")
    assert "1 new article" in page.inner_text("#result")
    assert page.locator("#progress").evaluate("e => e.value") == 100
    assert store.count_articles() == before + 1


def evil_records() -> list[dict[str, str]]:
    """Two reports of one event whose shared passage, quote, speaker, numbers, outlet names
    and titles carry markup: they land in every section of the story page."""
    shared = (
        f"Officials of {PAYLOAD_IMG} met in Vostochny on Wednesday for four hours, "
        f"the ministry of {PAYLOAD_SCRIPT} said in a statement on the long talks. "
        f'Vladimir Putin said: "We welcome {PAYLOAD_IMG} and {PAYLOAD_SCRIPT} here."'
    )
    return [
        {"source": "Evil <i>Outlet</i>", "title": PAYLOAD_TITLE, "published": "2023-09-13",
         "text": f"{shared}\nA picture: {PAYLOAD_IMG} here. (dpa/<b>red</b>)"},
        {"source": "Other <b>Desk</b>", "title": f"Second {PAYLOAD_TITLE}",
         "published": "2023-09-14",
         "text": f"{shared}\nThe talks lasted five hours, says {PAYLOAD_SCRIPT}."},
    ]  # fmt: skip


def test_payloads_in_articles_never_run(site, page, tmp_path: Path) -> None:
    url, store = site
    upload = tmp_path / "evil.jsonl"
    upload.write_text("".join(json.dumps(r) + "\n" for r in evil_records()), encoding="utf-8")
    page.goto(url + "/ingest")
    page.set_input_files("input[name=files]", str(upload))
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector("#status:text('done')")
    article_id = page.locator("#result a[href^='/articles/']").first.inner_text()
    story = store.stories_of(article_id)[0]
    assert len(story.articles) == 2, "both evil reports form one story"
    paths = ["/", f"/stories/{story.id}", f"/articles/{article_id}", "/ingest", "/outlets"]
    for path in paths + [f"/articles/{a}" for a in story.articles]:
        page.goto(url + path)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("main img").count() == 0, path
        assert page.locator("main b, main i").count() == 0, path
    page.goto(url + f"/articles/{article_id}")
    body = page.inner_text("body")
    assert PAYLOAD_SCRIPT in body and PAYLOAD_IMG in body and PAYLOAD_TITLE in body
    page.goto(url + f"/stories/{story.id}")
    assert PAYLOAD_TITLE in page.inner_text("main")
    for section in ["#facts", "#reuse", "#quotes", "#membership"]:
        assert page.locator(section).count() == 1, section
    assert PAYLOAD_IMG in page.inner_text("#reuse"), "the shared passage is shown as text"
    assert PAYLOAD_IMG in page.inner_text("#quotes")
    page.goto(url + "/outlets")
    assert "Evil <i>Outlet</i>" in page.inner_text("main")
    assert page.dialogs == [] and page.errors == []


def test_oversized_upload_shows_the_limit(browser, tmp_path: Path) -> None:
    from storyline.store import MemoryStore

    big = tmp_path / "big.txt"
    big.write_text("Zu lang. " * 1000, encoding="utf-8")
    store = MemoryStore()
    with serve(store, max_upload=4000) as url:
        page = browser.new_page()
        page.goto(url + "/ingest")
        page.set_input_files("input[name=files]", str(big))
        page.fill("input[name=token]", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_selector("#status:text('failed')")
        assert "larger than the limit of 4,000 bytes" in page.inner_text("#result")
        assert page.inner_text("#status") == "failed (HTTP 413)"
        page.close()
    assert store.count_articles() == 0
