"""Entity recognition on the German gold set (tests/data/entities_gold.jsonl): P/R/F1.

Compares the default rules with the lexicon-only baseline a user might pick (gazetteer
look-up, no rules), and with hanta's proper-noun tags when hanta is installed.
Run: .venv/bin/python bench/entities_eval.py [--errors]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from storyline.compare.entities import RuleRecogniser, gazetteer, open_recogniser, tokens
from storyline.compare.evaluation import halves, multiset_score, read_jsonl

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "entities_gold.jsonl"


class GazetteerOnly:
    method = "gazetteer-only"

    def spans(self, text, language, memory):
        out = []
        for t in tokens(text):
            hit = gazetteer([t.text])
            if hit:
                out.append((t.start, t.end, hit[0]))
        return out


def predict(recogniser, docs):
    pairs = []
    for doc in docs:
        memory: dict[str, str] = {}
        for rec in doc:
            spans = recogniser.spans(rec["text"], "de", memory)
            pred = [(rec["text"][s:e], k) for s, e, k in spans]
            pairs.append((rec["entities"], pred, rec["text"]))
    return pairs


def main() -> None:
    records = read_jsonl(GOLD)
    dev, test = halves(records)
    systems = [("rules (default)", RuleRecogniser()), ("gazetteer only", GazetteerOnly())]
    try:
        systems.append(("rules + hanta", open_recogniser("hanta")))
    except Exception as err:  # noqa: BLE001
        print(f"hanta not available: {err}")
    print(f"gold: {sum(len(r['entities']) for r in records)} entities, {len(records)} sentences")
    print(f"{'system':18} {'half':5} {'P':>6} {'R':>6} {'F1':>6} {'ms':>6}")
    base = None
    for name, rec in systems:
        for half, docs in (("dev", dev), ("test", test), ("all", dev + test)):
            t = time.perf_counter()
            pairs = predict(rec, docs)
            ms = (time.perf_counter() - t) * 1000
            s = multiset_score((g, p) for g, p, _ in pairs)
            print(f"{name:18} {half:5} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {ms:6.0f}")
            if half == "all":
                base = base or s.f1
    print("F1 ratio rules / gazetteer-only: see rows above (gazetteer-only is the alternative)")
    if "--errors" in sys.argv:
        for g, p, text in predict(RuleRecogniser(), dev):
            gs, ps = {tuple(x) for x in g}, {tuple(x) for x in p}
            if gs != ps:
                print(text, "\n  missed:", sorted(gs - ps), "\n  extra:", sorted(ps - gs))


if __name__ == "__main__":
    main()
