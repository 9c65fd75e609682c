"""Story quality on a real stream: every text of the SemEval-2022 dev pairs, ingested as ONE
stream through the real ingest path (`pipeline.ingest`, as `storyline ingest` runs it).

    .venv/bin/python bench/stream_quality.py [--pairs PATH] [--limit N] [--dated [groups|dense]]
        [--db FILE] [--model use|e5] [--no-cache]

Each distinct text of ../shared/data/semeval2022-dev/pairs.csv becomes one JSONL record
(``text`` and a ``url`` naming its pair half: no title, no date, no language, no outlet),
plus the two seed reports of examples/. After the ingest the stored stories (and events)
are read back and every rated pair is checked:

* ``recall``: share of pairs rated Overall <= 1.5 (same story) whose texts share a story;
* ``false_joins``: share of pairs rated >= 3.5 (unrelated) whose texts share a story;
* ``middle_joined``: share of pairs rated 2..3 that share a story;
* ``stories_per_article`` and the seed pair (same story, same event);

overall, for same-language and cross-lingual pairs and per language pair, at the story and
at the event level. ``--dated`` gives the texts dates as the issue asks: the texts of a pair
within 2 days of each other, unrelated ones spread over weeks (texts connected by pairs rated
under 3.5 share a 2-day slot; slots are spread over 26 weeks, seeded), so time can help.
``--dated groups`` is the stricter variant: every connected group of rated pairs, the
unrelated pairs included, shares a slot (the unrelated pairs of this set meet within 2
days). ``--dated dense`` spreads the slots over 2 weeks instead of 26 (a crowded stream). Prints one JSON object. Skips (exit 0, ``{"skipped": ...}``) when the data is absent.

``--model e5`` ingests with ``storyline ingest --model e5`` (e5 vectors cached in
bench/out/e5_cache.npz as well). USE vectors are cached by the SHA-1 of the encoded text in
bench/out/use_cache.npz (the same cache bench/train_similarity.py fills), so a second run
skips the encoder (~0.1 s/article).
The similarity model was trained on these pairs (in-sample for the scores); the join
decision was calibrated on them under grouped cross-validation (bench/calibrate_join.py).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"
CACHE = ROOT / "bench" / "out" / "use_cache.npz"
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
SAME, UNRELATED = 1.5, 3.5
#: Days the 2-day slots of ``--dated`` are spread over, and of ``--dated dense``.
SPREAD_DAYS, DENSE_DAYS = 182, 14


def read_pairs(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows[:limit] if limit else rows


def halves(row: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, text, language) of both texts of a pair; the key is unique per distinct text."""
    out = []
    for n, aid in enumerate(row["pair_id"].split("_"), start=1):
        text = row[f"text{n}"]
        key = f"{aid}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"
        out.append((key, text, row[f"lang{n}"]))
    return out


def components(rows: list[dict[str, str]], below: float | None = None) -> dict[str, int]:
    """Text key -> connected group over the pairs (over the pairs rated under ``below`` only
    when it is given; every text gets a group)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        (a, _, _), (b, _, _) = halves(row)
        root_a, root_b = find(a), find(b)  # every text gets a group
        if below is None or float(row["Overall"]) < below:
            parent[root_a] = root_b
    roots = {k: find(k) for k in list(parent)}
    numbers = {r: n for n, r in enumerate(sorted(set(roots.values())))}
    return {k: numbers[r] for k, r in roots.items()}


def dates(
    rows: list[dict[str, str]], seed: int = 0, *, apart: bool = True, days: float = SPREAD_DAYS
) -> dict[str, datetime]:
    """A publication time per text, as the issue asks: the two texts of a pair within 2 days,
    unrelated ones spread over weeks. With ``apart`` (the default) the texts connected by
    pairs rated under 3.5 (same story and middle band) share a 2-day slot and the slots are
    spread over ``days`` (26 weeks), so the texts of a pair rated unrelated get independent
    slots (they still meet when their slots fall close: ~4% within the 96-hour window); two
    unrelated texts connected through related pairs stay close. Without it (``--dated
    groups``, the stricter variant measured before 2026-12-06) every connected group of rated
    pairs, unrelated pairs included, shares a slot. ``--dated dense`` is ``apart`` over 14
    days: the same stream 13 times as crowded in time (~180 texts a day, about half of the
    unrelated pairs within the window), as a wire desk's day is."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    group = components(rows, below=UNRELATED if apart else None)
    base = {g: start + timedelta(days=rng.uniform(0, days)) for g in sorted(set(group.values()))}
    return {k: base[g] + timedelta(hours=rng.uniform(0, 48)) for k, g in sorted(group.items())}


def write_stream(path: Path, rows: list[dict[str, str]], dated: str | None) -> int:
    """One JSONL record per distinct text; ``dated``: None, "pairs", "groups" or "dense" (see
    dates)."""
    days = DENSE_DAYS if dated == "dense" else SPREAD_DAYS
    when = dates(rows, apart=dated != "groups", days=days) if dated else {}
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            for key, text, _ in halves(row):
                if key in seen:
                    continue
                seen.add(key)
                record = {"text": text, "url": f"semeval:{key}"}
                if dated:
                    record["published"] = when[key].isoformat()
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(seen)


def cached_encoder(cache: dict[str, np.ndarray], name: str = "use"):
    """USE (or e5) with a text -> vector cache (SHA-1 keys, train_similarity.cached);
    installed where the profiles get it."""
    from storyline.stories import encoders, similarity
    from train_similarity import cached

    setattr(similarity, f"encode_{name}", cached(getattr(encoders, f"encode_{name}"), cache))


def ingest_stream(
    db: Path, stream: Path, model: str | None = None
) -> tuple[dict[str, str], dict[str, str], dict, float]:
    """Ingest; returns (url -> story id, url -> event id, seed ids, seconds)."""
    from storyline.pipeline import ingest
    from storyline.store import open_store

    with open_store(db) as store:
        start = time.perf_counter()
        report = ingest(store, [stream, *SEEDS], model=model)
        took = time.perf_counter() - start
        if report.failures:
            print(f"{len(report.failures)} inputs failed: {report.failures[:3]}", file=sys.stderr)
        url = {a.id: (a.url or a.path or a.id) for a in store.articles()}
        story = {url[a]: s.id for s in store.stories() for a in s.articles}
        event = {url[a]: e.id for e in _events(store) for a in e.articles}
    return story, event, {str(p): p.name for p in SEEDS}, took


def _events(store) -> list:
    events = getattr(store, "events", None)
    return list(events()) if events else list(store.stories())


def joined_share(pairs: list[tuple[str, str]], group: dict[str, str]) -> dict[str, float | int]:
    found = [(a, b) for a, b in pairs if a in group and b in group]
    hits = sum(group[a] == group[b] for a, b in found)
    return {"pairs": len(found), "share": round(hits / len(found), 4) if found else None}


def measure(rows: list[dict[str, str]], group: dict[str, str]) -> dict[str, object]:
    """recall / false joins / middle band, overall and per language pair."""
    bands: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        (a, _, la), (b, _, lb) = halves(row)
        score = float(row["Overall"])
        band = "same" if score <= SAME else "unrelated" if score >= UNRELATED else None
        band = band or ("middle" if 2.0 <= score <= 3.0 else None)
        if band is None:
            continue
        pair = (f"semeval:{a}", f"semeval:{b}")
        for scope in ("overall", f"{la}-{lb}", "same_language" if la == lb else "cross_lingual"):
            bands[scope][band].append(pair)
    out: dict[str, object] = {}
    for scope, by in sorted(bands.items()):
        out[scope] = {
            "recall": joined_share(by["same"], group),
            "false_joins": joined_share(by["unrelated"], group),
            "middle_joined": joined_share(by["middle"], group),
        }
    return out


def run(
    rows: list[dict[str, str]], dated: str | None, db: Path | None, model: str | None = None
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "stream.jsonl"
        n = write_stream(stream, rows, dated)
        story, event, seeds, took = ingest_stream(db or Path(tmp) / "s.db", stream, model)
    seed_paths = [u for u in story if not u.startswith("semeval:")]
    seed = {
        "same_story": len({story[u] for u in seed_paths}) == 1 and len(seed_paths) == 2,
        "same_event": len({event.get(u) for u in seed_paths}) == 1 and len(seed_paths) == 2,
    }
    return {
        "dated": dated,
        "model": model or "the database's (use for a new one)",
        "texts": n,
        "ingest_seconds": round(took, 1),
        "stories_per_article": round(len(set(story.values())) / max(len(story), 1), 4),
        "events_per_article": round(len(set(event.values())) / max(len(event), 1), 4),
        "largest_story": max(Counter(story.values()).values(), default=0),
        "largest_event": max(Counter(event.values()).values(), default=0),
        "seed_pair": seed,
        "story": measure(rows, story),
        "event": measure(rows, event),
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--limit", type=int, default=None, help="first N pairs only")
    parser.add_argument(
        "--dated",
        nargs="?",
        const="pairs",
        choices=("pairs", "groups", "dense"),
        help="give the texts dates: a pair's texts within 2 days, unrelated ones spread over "
        "26 weeks (pairs, the default); the same over 2 weeks (dense); or every connected "
        "group of rated pairs within 2 days (groups, stricter)",
    )
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    parser.add_argument("--no-cache", action="store_true", help="do not cache USE vectors")
    parser.add_argument(
        "--model",
        choices=("use", "e5"),
        default=None,
        help="pair model (storyline ingest --model); e5 vectors are cached in "
        "bench/out/e5_cache.npz",
    )
    args = parser.parse_args(argv)
    if not args.pairs.exists():
        result: dict[str, object] = {"skipped": f"{args.pairs} not found"}
        print(json.dumps(result))
        return result
    caches = {}
    for name in ("use", "e5") if args.model == "e5" else ("use",):
        path = CACHE.with_name(f"{name}_cache.npz")
        caches[path] = {} if args.no_cache or not path.exists() else dict(np.load(path))
        cached_encoder(caches[path], name)
    result = run(read_pairs(args.pairs, args.limit), args.dated, args.db, args.model)
    if not args.no_cache:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        for path, cache in caches.items():
            np.savez(path, **cache)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
