"""Scoring helpers for the compare evaluations (entities, numbers, conflicts)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from storyline.evaluation import Score

__all__ = ["Score", "documents", "halves", "multiset_score", "read_jsonl"]


def read_jsonl(path: Path) -> list[dict]:
    """Records of a JSON-lines file; a bad line raises naming the file and line."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{n}: not JSON ({err}); fix or remove the line") from err
    return out


def multiset_score(pairs: Iterable[tuple[Sequence, Sequence]]) -> Score:
    """Score predicted against gold items per unit (e.g. sentence), as multisets."""
    tp = fp = fn = 0
    for gold, pred in pairs:
        g, p = Counter(map(tuple, gold)), Counter(map(tuple, pred))
        hit = sum((g & p).values())
        tp, fp, fn = tp + hit, fp + sum(p.values()) - hit, fn + sum(g.values()) - hit
    return Score(tp, fp, fn)


def documents(records: list[dict], size: int = 3) -> list[list[dict]]:
    """Consecutive gold sentences grouped into small documents (entity memory is per doc)."""
    return [records[i : i + size] for i in range(0, len(records), size)]


def halves(records: list[dict], size: int = 3) -> tuple[list[list[dict]], list[list[dict]]]:
    """(dev, test): alternate documents, so both halves cover every topic block."""
    docs = documents(records, size)
    return docs[0::2], docs[1::2]
