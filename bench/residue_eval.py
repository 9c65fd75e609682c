"""Residue removal on residue-dev: storyline's cleaner against the raw dump and trafilatura.

Scoring (data README): a gold segment is present when it is a substring of the output after
collapsing whitespace; micro-averaged P/R/F1 over the 482 pages. Output of our cleaner =
kicker, title, teaser and cleaned body (what a reader sees). Also prints the held-out figures
(classifier trained on one half of the pages, scored on the other) and cleaning speed.

    .venv/bin/python bench/residue_eval.py [--data DIR] [--json] [--no-held-out]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from storyline.clean import clean
from storyline.clean.evaluate import Page, Score, evaluate, load_pages, page_article, reader_text
from storyline.model import Article
from train_residue import DATA, extracted, held_out

ROOT = Path(__file__).resolve().parents[1]


def _ours(page: Page) -> str:
    return reader_text(clean(page_article(page)))


def _html_then_ours(page: Page) -> str:
    return reader_text(clean(page_article(page, extracted(page), fmt="html")))


def _rules_only(page: Page) -> str:
    return reader_text(clean(page_article(page, fmt="html")))


SYSTEMS: dict[str, Callable[[Page], str]] = {
    "raw text dump": lambda p: p.text,
    "storyline rules only, text dump": _rules_only,
    "storyline clean, text dump": _ours,
    "trafilatura.extract, HTML": extracted,
    "trafilatura + storyline clean, HTML": _html_then_ours,
}


def speed(repeat: int = 500) -> float:
    """Articles per second cleaning the two seed reports ``repeat`` times each (one core)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    articles = [Article(id=str(i), source="s", raw=t, text=t) for i, t in enumerate(texts)]
    clean(articles[0])
    start = time.perf_counter()
    for _ in range(repeat):
        for article in articles:
            clean(article)
    return repeat * len(articles) / (time.perf_counter() - start)


def _row(name: str, s: Score, base: float) -> dict[str, object]:
    return {
        "system": name,
        "precision": round(s.precision, 3),
        "recall": round(s.recall, 3),
        "f1": round(s.f1, 3),
        "vs_raw": round(s.f1 / base, 3) if base else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--no-held-out", action="store_true", help="skip the 2x retraining")
    args = parser.parse_args()
    pages = load_pages(args.data)
    scores = {name: evaluate(pages, system) for name, system in SYSTEMS.items()}
    if not args.no_held_out:
        a_b, b_a, pooled = held_out(pages)
        scores |= {"held-out A->B": a_b, "held-out B->A": b_a, "held-out pooled": pooled}
    base = scores["raw text dump"].f1
    rows = [_row(name, s, base) for name, s in scores.items()]
    rate = speed()
    if args.json:
        print(json.dumps({"pages": len(pages), "rows": rows, "articles_per_s": round(rate)}))
        return
    print(f"residue-dev: {len(pages)} pages\n")
    print(f"| {'system':38} | P     | R     | F1    | F1 / raw |")
    print(f"|{'-' * 40}|-------|-------|-------|----------|")
    for r in rows:
        print(
            f"| {r['system']:38} | {r['precision']:.3f} | {r['recall']:.3f} "
            f"| {r['f1']:.3f} | {r['vs_raw']:.3f}    |"
        )
    print(f"\nclean() speed on the seed reports: {rate:,.0f} articles/s (one core)")


if __name__ == "__main__":
    main()
