"""Store at scale: N stories of 2 articles, both backends in the same run.

Prints CPU seconds (time.process_time) per operation and the sqlite/memory ratio.
Usage: python bench/store_scale.py [N=100000]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storyline.model import Article, Story
from storyline.store import open_store

WORDS = "Putin Kim Zug Gipfel Wetter Regen Wahl Börse Streik Minister Kosmodrom Rakete".split()
T0 = datetime(2020, 1, 1, tzinfo=UTC)


def corpus(n: int) -> tuple[list[Article], list[tuple[Story, None]]]:
    rng = random.Random(1)
    articles = [
        Article(
            f"a{i}",
            f"src{i % 50}",
            "",
            " ".join(rng.choices(WORDS, k=30)) + f" w{i}",
            title=f"t{i}",
            language=("de", "en", "fr")[i % 3],
            published=T0 + timedelta(minutes=rng.randrange(10**6)),
        )
        for i in range(2 * n)
    ]
    stories = [(Story(f"s{i}", (f"a{2 * i}", f"a{2 * i + 1}")), None) for i in range(n)]
    return articles, stories


def measure(path: Path | None, articles: list[Article], stories: list) -> list[tuple[str, float]]:
    n = len(stories)
    since = T0 + timedelta(days=300)
    with open_store(path) as s:
        steps = [
            (f"add_articles {len(articles):,}", lambda: s.add_articles(articles)),
            (f"put_stories {n:,}", lambda: s.put_stories(stories)),
            ("stories_page first 50", lambda: s.stories_page()),
            (f"stories_page offset {n // 2:,}", lambda: s.stories_page(offset=n // 2)),
            ("stories_page source=src7", lambda: s.stories_page(source="src7")),
            ("count_stories", lambda: s.count_stories()),
            ("count_stories source+since", lambda: s.count_stories(source="src7", since=since)),
            ("search rare word", lambda: s.search("w777")),
            ("search 2 common words", lambda: s.search("putin kim")),
            ("count_search prefix", lambda: s.count_search("rakete*")),
            ("stories_of", lambda: s.stories_of("a12345")),
        ]
        return [(label, timed(fn)) for label, fn in steps]


def timed(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    articles, stories = corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        memory = measure(None, articles, stories)
        sqlite = measure(Path(tmp) / "bench.db", articles, stories)
    print(f"{'operation (CPU s)':32}{'memory':>10}{'sqlite':>10}{'sqlite/memory':>15}")
    for (label, m), (_, q) in zip(memory, sqlite, strict=True):
        ratio = f"{q / m:.2f}" if m else "-"
        print(f"{label:32}{m:10.4f}{q:10.4f}{ratio:>15}")


if __name__ == "__main__":
    main()
