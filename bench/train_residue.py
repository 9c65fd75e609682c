"""Train the residue line classifier on residue-dev and write src/storyline/data/*.json.

Labels per text-dump line: body when trafilatura's extraction of the page's HTML contains it
(weak label), overridden by the gold segments (a line inside a ``without`` segment is residue,
inside a ``with`` segment body). Two logistic-regression stages (scikit-learn, training only);
stage 2 sees out-of-fold stage-1 scores of the neighbours. Reports held-out figures: trained on
one half of the pages, scored on the other, both ways.

    .venv/bin/python bench/train_residue.py [--data /work/shared/data/residue-dev] [--write]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from storyline.clean.cleaner import clean, mark
from storyline.clean.evaluate import (
    Page,
    Score,
    collapse,
    evaluate,
    halves,
    load_pages,
    page_article,
    reader_text,
    score_output,
)
from storyline.clean.features import METHOD, content_scores, document_matrix, stage_two
from storyline.clean.residue import is_blank
from storyline.clean.structure import mark_captions, mark_head

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "residue-dev"
OUT = ROOT / "src" / "storyline" / "data" / "residue_classifier.json"
HEAD = ("kicker", "title", "teaser")
CACHE = Path.home() / ".cache" / "storyline" / "trafilatura"


def extracted(page: Page) -> str:
    """trafilatura.extract on the page's HTML, cached on disk (it takes ~15 s for all pages)."""
    import trafilatura

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{page.id}.txt"
    if not path.exists():
        html = page.html.read_text(encoding="utf-8", errors="replace") if page.html else ""
        path.write_text(trafilatura.extract(html) or "", encoding="utf-8")
    return path.read_text(encoding="utf-8")


def _label(line: str, weak: str, weak_lines: set[str], page: Page) -> int:
    c = collapse(line)
    if any(c in collapse(s) or collapse(s) in c for s in page.drop):
        return 0
    if any((len(c) >= 25 and c in collapse(s)) or collapse(s) in c for s in page.keep):
        return 1
    return int(c in weak_lines or (len(c) >= 25 and c in weak))


def page_rows(page: Page) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and a rule-free mask for the non-blank lines of one page."""
    marks = mark(page.text, classifier=False)
    idx = [i for i, line in enumerate(marks.lines) if not is_blank(line)]
    lines = [marks.lines[i] for i in idx]
    weak = extracted(page)
    weak_lines = {collapse(x) for x in weak.split("\n")}
    flat = collapse(weak)
    y = np.array([_label(x, flat, weak_lines, page) for x in lines])
    free = np.array([marks.reasons[i] is None for i in idx])
    return document_matrix(lines), y, free


def _fit(x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    lr = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    return {
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": lr.coef_[0].round(6).tolist(),
        "intercept": round(float(lr.intercept_[0]), 6),
    }


def _apply(stage: dict[str, object], x: np.ndarray) -> np.ndarray:
    from storyline.clean.features import apply_stage

    return apply_stage(stage, x)


def train(pages: list[Page]) -> dict[str, object]:
    """Fit both stages on ``pages`` and pick the threshold that maximises F1 on them."""
    rows = [page_rows(p) for p in pages]
    groups = np.concatenate([np.full(len(r[1]), k) for k, r in enumerate(rows)])
    x = np.vstack([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows])
    free = np.concatenate([r[2] for r in rows])
    first = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=3).split(x, y, groups):
        fold = tr[free[tr]]
        first[te] = _apply(_fit(x[fold], y[fold]), x[te])
    stage1 = _fit(x[free], y[free])
    starts = np.cumsum([0] + [len(r[1]) for r in rows])
    x2 = np.vstack(
        [stage_two(r[0], first[a:b]) for r, a, b in zip(rows, starts, starts[1:], strict=False)]
    )
    model = {"method": METHOD, "stage1": stage1, "stage2": _fit(x2[free], y[free])}
    model["threshold"] = _best_threshold(pages, model)
    return model


def _scan_page(page: Page, model: dict[str, object]) -> tuple[list[str], list[str], np.ndarray]:
    """Head lines, candidate lines and their content scores, as :func:`clean` computes them."""
    marks = mark(page.text, classifier=False)
    reasons = marks.reasons
    mark_captions(marks.lines, reasons)
    mark_head(marks.lines, reasons)
    head = [x for x, r in zip(marks.lines, reasons, strict=True) if r in HEAD]
    idx = [i for i, line in enumerate(marks.lines) if not is_blank(line)]
    scores = content_scores([marks.lines[i] for i in idx], model)
    kept = [(marks.lines[i], p) for i, p in zip(idx, scores, strict=True) if reasons[i] is None]
    return head, [x for x, _ in kept], np.array([p for _, p in kept])


def _best_threshold(pages: list[Page], model: dict[str, object]) -> float:
    scans = [(p, _scan_page(p, model)) for p in pages]
    best = (-1.0, 0.5)
    for t in np.arange(0.2, 0.75, 0.05):
        total = Score(0, 0, 0)
        for page, (head, lines, scores) in scans:
            out = "\n".join(head + [x for x, p in zip(lines, scores, strict=True) if p >= t])
            total = total + score_output(out, page.keep, page.drop)
        best = max(best, (total.f1, round(float(t), 2)))
    return best[1]


def held_out(pages: list[Page]) -> tuple[Score, Score, Score]:
    """Train on each half, score on the other; return (A->B, B->A, pooled)."""
    a, b = halves(pages)
    scores = []
    for train_pages, test_pages in ((a, b), (b, a)):
        model = train(train_pages)
        scores.append(
            evaluate(test_pages, lambda p, m=model: reader_text(clean(page_article(p), model=m)))
        )
    return scores[0], scores[1], scores[0] + scores[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--write", action="store_true", help=f"write the model to {OUT}")
    args = parser.parse_args()
    pages = load_pages(args.data)
    for name, s in zip(("A->B", "B->A", "held-out"), held_out(pages), strict=True):
        print(f"{name:9} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
    model = train(pages)
    s = evaluate(pages, lambda p: reader_text(clean(page_article(p), model=model)))
    print(
        f"all (in-sample) P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} t={model['threshold']}"
    )
    if args.write:
        OUT.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
