"""Save a screenshot of the seed story page to docs/screenshot-story.png.

    .venv/bin/python -m tests.web.screenshot [OUT.png]

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


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot-story.png"
    print(screenshot(target))
