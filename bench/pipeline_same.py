"""Do two databases hold the same decisions? Stories, comparisons, analyses, memberships.

    .venv/bin/python bench/pipeline_same.py BEFORE.db AFTER.db

For a before/after check of a speed change: ingest the same input with the old checkout
(``PYTHONPATH=OLD/src python -m storyline.cli ingest --db BEFORE.db FILE``) and the new one,
then compare. Floats are compared to 4 decimal places (vectors encoded in other batches
differ by float32 rounding). Prints one JSON object; exit status 1 when they differ.
"""

from __future__ import annotations

import json
import sys

from storyline.records import record_to_value
from storyline.store import open_store


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def decisions(path: str) -> dict[str, dict]:
    """Per story id: its articles, comparison and stored analysis with membership."""
    with open_store(path) as store:
        return {
            s.id: {
                "articles": list(s.articles),
                "comparison": _rounded(record_to_value(store.comparison(s.id))),
                "analysis": _rounded(record_to_value(store.stored_analysis(s.id))),
            }
            for s in store.stories()
        }


def main(argv: list[str]) -> int:
    before, after = decisions(argv[0]), decisions(argv[1])
    common = before.keys() & after.keys()
    out = {
        "stories": [len(before), len(after)],
        "same_stories": before.keys() == after.keys()
        and all(before[k]["articles"] == after[k]["articles"] for k in common),
        "same_comparisons": all(before[k]["comparison"] == after[k]["comparison"] for k in common),
        "same_analyses": all(before[k]["analysis"] == after[k]["analysis"] for k in common),
        "only_before": sorted(before.keys() - after.keys())[:10],
        "only_after": sorted(after.keys() - before.keys())[:10],
        "differing": sorted(k for k in common if before[k] != after[k])[:10],
    }
    print(json.dumps(out, indent=1))
    return 0 if out["same_stories"] and not out["differing"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
