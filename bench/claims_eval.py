"""Conflicts, numbers and speed of compare.analysis, against naive alternatives.

* conflicts: tests/data/claims_pairs.jsonl (tuning set) and claims_heldout.jsonl; the
  alternative flags any two different numbers in a pair of aligned sentences.
* numbers: tests/data/numbers_test.jsonl and numbers_heldout.jsonl; the alternative
  reads digits with Python's float() after dropping thousands separators of the text's
  language.
* speed: analyse() on a 20-article story built from the seeds (alignment timed apart).
Run: .venv/bin/python bench/claims_eval.py
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from storyline.compare.claims import text_conflicts
from storyline.compare.evaluation import Score, read_jsonl
from storyline.compare.numbers import find_quantities

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def naive_conflict(a: str, b: str) -> bool:
    na = set(re.findall(r"\d+(?:[.,]\d+)?", a))
    nb = set(re.findall(r"\d+(?:[.,]\d+)?", b))
    return bool(na and nb and na != nb)


def conflict_score(name: str, detector) -> Score:
    tp = fp = fn = 0
    for r in read_jsonl(DATA / name):
        pred = detector(r)
        tp += pred and r["conflict"]
        fp += pred and not r["conflict"]
        fn += (not pred) and r["conflict"]
    return Score(tp, fp, fn)


def number_ok(r: dict, values: list[tuple[float, str, str]]) -> bool:
    for value, unit, norm in values:
        if isinstance(r["value"], str):
            if norm == r["value"] and unit == r["unit"]:
                return True
        elif unit == r["unit"] and abs(value - r["value"]) <= 1e-6 * max(1, abs(r["value"])):
            return True
    return False


def naive_numbers(text: str, lang: str) -> list[tuple[float, str, str]]:
    thousands = "," if lang == "en" else "."
    out = []
    for m in re.finditer(r"\d[\d.,]*\d|\d", text):
        s = m.group().replace(thousands, "").replace(",", ".")
        try:
            out.append((float(s), "count", s))
        except ValueError:
            pass
    return out


def ours(text: str, lang: str) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.normalized) for q in find_quantities(text, lang)]


def speed() -> tuple[float, float, int]:
    from storyline.compare.align import compare
    from storyline.compare.analysis import analyse
    from storyline.model import Article, Credits, Story

    base = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    arts = []
    for k in range(20):
        paras = base[k % 2].split("\n\n")
        text = "\n\n".join(paras[k % 3 :] + paras[: k % 3]).replace("1500", str(1500 + k))
        arts.append(
            Article(
                f"a{k:02d}",
                f"outlet{k}",
                text,
                text,
                language="de",
                credits=Credits(agencies=("dpa",)),
            )
        )
    warm = Story("w", ("a00",))
    analyse(warm, arts[:1], compare(warm, arts[:1]))
    story = Story("s", tuple(a.id for a in arts))
    t0 = time.perf_counter()
    comparison = compare(story, arts)
    t1 = time.perf_counter()
    analyse(story, arts, comparison)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, sum(len(g.members) for g in comparison.alignments)


def main() -> None:
    print(f"{'conflicts':26} {'set':9} {'P':>6} {'R':>6} {'F1':>6}")
    for name, label in (("claims_pairs.jsonl", "tuning"), ("claims_heldout.jsonl", "held-out")):
        for system, det in (
            ("compare.claims.v1", lambda r: bool(text_conflicts(r["a"], r["la"], r["b"], r["lb"]))),
            ("naive: numbers differ", lambda r: naive_conflict(r["a"], r["b"])),
        ):
            s = conflict_score(name, det)
            print(f"{system:26} {label:9} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    print(f"\n{'numbers':26} {'set':9} {'correct':>8}")
    for name, label in (("numbers_test.jsonl", "tuning"), ("numbers_heldout.jsonl", "held-out")):
        rows = read_jsonl(DATA / name)
        for system, fn in (("compare.numbers.v1", ours), ("naive: float()", naive_numbers)):
            ok = sum(number_ok(r, fn(r["text"], r["lang"])) for r in rows)
            print(f"{system:26} {label:9} {ok / len(rows):8.3f}  ({ok}/{len(rows)})")
    align_s, analyse_s, n = speed()
    print(f"\nspeed, 20 articles / {n} sentences: align {align_s:.2f} s, analyse {analyse_s:.2f} s")


if __name__ == "__main__":
    main()
