"""Save a screenshot of the seed story page to docs/screenshot-story.png, or (``desk``) of
1-, 2-, 30- and 100-article stories to docs/screenshot-story-{1,2,30,100}.png.

    .venv/bin/python -m tests.web.screenshot [OUT.png]
    .venv/bin/python -m tests.web.screenshot desk [FOLDER]

Ingests examples/*.txt into a temporary SQLite store with the real pipeline, serves the app
on a free local port and photographs the story page in headless Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.web.server import chromium, seed_store, serve

ROOT = Path(__file__).resolve().parents[2]


def screenshot(out: Path, *, width: int = 1400, height: int = 1000) -> Path:
    seeds = sorted((ROOT / "examples").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        store = seed_store(Path(tmp) / "storyline.db", seeds)
        story = max(store.stories(), key=lambda s: len(s.articles))
        with serve(store) as url, chromium() as browser:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}/stories/{story.id}")
            lead = page.locator("section.col").first.locator(".s[data-group]").first
            if lead.count():
                lead.click()
                page.mouse.move(0, 0)
            page.screenshot(path=str(out), full_page=False)
        store.close()
    return out


def desk_screenshots(folder: Path, *, width: int = 1200, height: int = 1150) -> list[Path]:
    """The story page of a 1-, 2- (the seeds, by the real pipeline), 30- and 100-article
    story (made from the seeds by tests/web/scale.py), above the fold, as small PNGs."""
    from tests.web.scale import add_story

    seeds = sorted((ROOT / "examples").glob("*.txt"))
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        store = seed_store(Path(tmp) / "storyline.db", seeds)
        pair = max(store.stories(), key=lambda s: len(s.articles)).id
        ids = {1: add_story(store, 1, "one"), 2: pair, 30: add_story(store, 30, "thirty"),
               100: add_story(store, 100, "hundred")}  # fmt: skip
        with serve(store) as url, chromium() as browser:
            page = browser.new_page(viewport={"width": width, "height": height})
            for n, story_id in ids.items():
                page.goto(f"{url}/stories/{story_id}")
                target = folder / f"screenshot-story-{n}.png"
                page.screenshot(path=str(target), full_page=False)
                out.append(target)
        store.close()
    return out


if __name__ == "__main__":
    if sys.argv[1:2] == ["desk"]:
        folder = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs"
        for path in desk_screenshots(folder):
            print(path, f"{path.stat().st_size // 1024} KB")
        sys.exit(0)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot-story.png"
    print(screenshot(target))
