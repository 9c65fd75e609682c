"""Where same-story recall is lost on the real stream: the pair model or the assignment.

    .venv/bin/python bench/stream_losses.py [--db bench/out/stream.db] [--threshold 2.5]

Input: the database ``bench/stream_quality.py --db bench/out/stream.db`` leaves (every
SemEval-2022 dev text ingested as one undated stream, profiles stored). Every rated pair is
scored out of fold (5 folds grouped by connected texts, as ``bench/calibrate_join.py``).
Prints one JSON object:

* ``pair_level``: per threshold, the share of same-story pairs (Overall <= 1.5) and of
  unrelated pairs (>= 3.5) whose own out-of-fold score is at most the threshold: what a
  perfect assignment of that score would join; and the recall at 5% unrelated.
* ``losses``: the same-story pairs scoring at most ``--threshold`` that the undated replay
  leaves in two stories, by cause: ``not_candidate`` (the later article never scored the
  earlier one: neither the rare-term index nor the open stories' centroids proposed it) or
  ``best_elsewhere`` (it joined another, better-scoring story).
* ``variants``: the replayed stream (recall, false joins, middle band, cross-lingual recall)
  with more candidates rescored (``rescore``) and more index terms per article (``terms``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from calibrate_join import (  # noqa: E402
    components,
    fit_fold,
    fold_of,
    install_fold_scores,
    load_rated,
    measure,
)

GRID = (2.1, 2.3, 2.5, 2.7)
VARIANTS = ({"rescore": 8, "terms": 12}, {"rescore": 32, "terms": 12}, {"rescore": 8, "terms": 24})


def replay(order, profiles, threshold: float, spy: set | None = None, **options):
    from storyline.stories.stream import StoryAssigner

    assigner = StoryAssigner(join_below=threshold, event_below=threshold, **options)
    for article, prof in zip(order, profiles, strict=True):
        assigner.assign(replace(article, published=None), prof)
    story = {a.id: assigner.story_id(a.id) for a in order}
    links = {}
    for a in order:
        idx = assigner.index_[a.id]
        best = assigner.best_[idx]
        links[a.id] = (assigner.ids_[best], float(assigner.score_[idx])) if best >= 0 else None
    return story, links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "stream.db")
    parser.add_argument("--threshold", type=float, default=2.5)
    args = parser.parse_args()
    from storyline.stories import similarity

    names, rows, order, profiles, prof_of, url_to_id, pairs, x, y = load_rated(args.db)
    fold = np.array([fold_of(p[4], 5) for p in pairs])
    models = {k: fit_fold(x, y, list(np.flatnonzero(fold != k)), names) for k in range(5)}
    oof = np.zeros(len(y))
    for k in range(5):
        oof[fold == k] = models[k].predict(x[fold == k])
    same, unrelated = y <= 1.5, y >= 3.5
    cross = np.array([p[3] for p in pairs])
    at5 = np.sort(oof[unrelated])[int(0.05 * unrelated.sum())]
    out: dict = {"pairs": {"same": int(same.sum()), "unrelated": int(unrelated.sum())}}
    out["pair_level"] = {
        str(t): {"recall": round(float((oof[same] <= t).mean()), 3),
                 "cross_recall": round(float((oof[same & cross] <= t).mean()), 3),
                 "unrelated_below": round(float((oof[unrelated] <= t).mean()), 3)}
        for t in GRID
    }  # fmt: skip
    out["pair_level"]["recall_at_5pct_unrelated"] = {
        "threshold": round(float(at5), 3), "recall": round(float((oof[same] < at5).mean()), 3)}  # fmt: skip

    text_fold = {}
    for t, g in components(rows).items():
        if f"semeval:{t}" in url_to_id:
            text_fold[id(prof_of[url_to_id[f"semeval:{t}"]])] = fold_of(g, 5)
    install_fold_scores(models, text_fold)
    scored: set[tuple[int, int]] = set()
    inner = similarity.pair_scores

    def spy(candidates, variant="use"):
        scored.update((id(a), id(b)) for a, b in candidates)
        return inner(candidates, variant)

    similarity.pair_scores = spy  # type: ignore[assignment]
    story, links = replay(order, profiles, args.threshold)
    arrival = {a.id: i for i, a in enumerate(order)}
    causes = {"joined": 0, "not_candidate": 0, "best_elsewhere": 0}
    for i, (a, b, *_rest) in enumerate(pairs):
        if not same[i] or oof[i] > args.threshold:
            continue
        first, later = sorted((a, b), key=arrival.__getitem__)
        if story[a] == story[b]:
            causes["joined"] += 1
        elif (id(prof_of[later]), id(prof_of[first])) not in scored:
            causes["not_candidate"] += 1
        else:
            causes["best_elsewhere"] += 1
    out["losses"] = {"threshold": args.threshold, **causes}
    everything = list(range(len(pairs)))
    out["variants"] = []
    for options in VARIANTS:
        for t in (2.1, 2.3, 2.5):
            m = measure(pairs, everything, replay(order, profiles, t, **options)[0])
            out["variants"].append({**options, "threshold": t, **{
                k: round(m.get(k, 0.0), 3) for k in ("same", "unrelated", "middle", "same_cross")}})  # fmt: skip
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
