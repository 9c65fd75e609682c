"""Passage credits on real text: how often the v1 union of credits put one outlet's agency
on another outlet's passage, and what the v2 attribution says instead.

    .venv/bin/python bench/passage_credits.py [--texts 3000]

Reads the distinct texts of ../shared/data/semeval2022-dev/pairs.csv (plus the two seed
reports), cleans them with `pipeline.prepare` (credits found by `clean`), finds shared
passages and attributes them (`storyline.reuse.reuse`), and counts per copied stretch:
carriers, candidate agencies, agencies credited by *some but not all* carriers (which the v1
`agencies` field listed for every carrier), confirmed agencies and dated earliest carriers.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from storyline.model import Article  # noqa: E402
from web_load import PAIRS, real_reports  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=3000)
    args = parser.parse_args()
    if not PAIRS.exists():
        sys.exit(f"{PAIRS} is missing: this benchmark needs the shared data")
    from storyline.pipeline import prepare
    from storyline.reuse import reuse

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "reports.jsonl"
        data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                for r in real_reports(args.texts)), encoding="utf-8")  # fmt: skip
        items = list(prepare([str(data), str(ROOT / "examples")]))
    articles = [a for a in items if isinstance(a, Article)]
    _, passages, attributions, deps = reuse(articles)
    by_id = {a.id: a for a in articles}
    counts = {"articles": len(articles), "crediting_an_agency": sum(1 for a in articles if a.credits.agencies),
              "shared_passages": len(passages), "stretches": 0, "with_candidates": 0,
              "with_split_credits": 0, "v1_misattributed_credits": 0, "confirmed": 0,
              "dated_earliest": 0}  # fmt: skip
    for att in attributions:
        own = set(by_id[att.article].credits.agencies)
        for c in att.passages:
            counts["stretches"] += 1
            names = set(c.candidate_agencies)
            counts["with_candidates"] += bool(names)
            counts["with_split_credits"] += bool(names - set(c.confirmed))
            counts["v1_misattributed_credits"] += len(names - own)
            counts["confirmed"] += bool(c.confirmed)
            counts["dated_earliest"] += c.earliest is not None
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["load_average"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(counts, indent=2))


if __name__ == "__main__":
    main()
