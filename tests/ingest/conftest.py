"""Shared helpers for the ingest tests: inputs are generated in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.model import Article, Failure

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

BODY = (
    "Russlands Präsident Wladimir Putin hat den nordkoreanischen Machthaber Kim Jong Un auf "
    "dem Weltraumbahnhof Wostotschny empfangen. Für Kim ist es der zweite Besuch in Russland."
)
HTML = f"""<!DOCTYPE html><html><head><title>Putin trifft Kim | Der Bund</title>
<meta property="og:site_name" content="Der Bund">
<meta property="og:title" content="Putin trifft Kim">
<meta name="author" content="Hans Muster">
<meta property="article:published_time" content="2023-09-13T08:30:00+02:00">
<link rel="canonical" href="https://www.derbund.ch/putin-kim-123">
</head><body><nav><a href="/">Home</a> <a href="/ausland">Ausland</a></nav>
<article><h1>Putin trifft Kim</h1><p>{BODY}</p>
<p>Nach dem Kremlchef traf am Mittwochmorgen auch der Machthaber aus Pjöngjang am dortigen
Bahnhof ein, wie die staatliche russische Nachrichtenagentur Tass berichtete.</p></article>
<footer>Impressum Datenschutz</footer></body></html>"""


def articles(items: list[Article | Failure]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def failures(items: list[Article | Failure]) -> dict[str, str]:
    return {item.input: item.reason for item in items if isinstance(item, Failure)}


@pytest.fixture
def write(tmp_path: Path):
    """write(relative_name, content) -> Path; str is written as UTF-8."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _write
