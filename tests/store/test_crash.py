"""Crash consistency: a real ``storyline ingest`` killed (SIGKILL) inside each stage, then run
again, leaves the same database as an uninterrupted run (bench/crash_soak.py kills at every
point of a larger run)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storyline.maintenance import check, content_digest
from storyline.pipeline import pending
from storyline.store import open_store

from .crash import ingest, inspect, kill, resume, trace, write_corpus

pytestmark = pytest.mark.slow

#: One point per stage, a bounded set (the soak covers every point).
POINTS = [
    ("ingest.clean", 3),
    ("ingest.stored", 1),
    ("assign.compare", 2),
    ("analysis.stored", 1),
    ("store.committed", 1),
]


@pytest.fixture(scope="module")
def world(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A base database (one earlier ingest) and the reference: base + a second ingest run
    without interruption, with the points that run reaches."""
    tmp = tmp_path_factory.mktemp("crash")
    pairs = shared_data / "semeval2022-dev" / "pairs.csv"
    first = write_corpus(pairs, tmp / "first.jsonl", 4)
    second = write_corpus(pairs, tmp / "second.jsonl", 4, skip=4)
    base = tmp / "base.db"
    assert ingest(base, [first]).returncode == 0
    ref = tmp / "ref.db"
    shutil.copy(base, ref)
    hits = trace(ref, [second], tmp / "trace.txt")
    return {"tmp": tmp, "base": base, "base_digest": content_digest(base), "second": second,
            "ref": content_digest(ref), "hits": hits}  # fmt: skip


def test_the_reference_run_reaches_every_stage(world: dict) -> None:
    reached = set(world["hits"])
    assert all(p in reached for p in POINTS), sorted(reached)


@pytest.mark.parametrize("point", POINTS, ids=[f"{n}:{k}" for n, k in POINTS])
def test_a_kill_inside_any_stage_leaves_the_database_before_or_after_the_batch(
    world: dict, point: tuple[str, int]
) -> None:
    db = world["tmp"] / f"{point[0]}-{point[1]}.db"
    shutil.copy(world["base"], db)
    outcome = kill(db, [world["second"]], point)
    assert outcome.killed
    assert outcome.integrity == "ok"
    assert outcome.stranded == 0
    after_commit = point == ("store.committed", 1)
    assert outcome.digest == (world["ref"] if after_commit else world["base_digest"])


def test_the_run_after_a_kill_ends_equal_to_an_uninterrupted_run(world: dict) -> None:
    point = ("assign.compare", 2)
    db = world["tmp"] / "resumed.db"
    shutil.copy(world["base"], db)
    outcome = resume(db, [world["second"]], kill(db, [world["second"]], point), world["ref"])
    assert outcome.killed and outcome.equal


def test_work_stranded_by_an_older_version_is_finished_by_the_next_ingest(
    world: dict,
) -> None:
    """What the issue saw: articles committed, stories never were (the old commit path).
    The next ingest, with nothing new, finishes them; check --repair would have too."""
    db = world["tmp"] / "stranded.db"
    shutil.copy(world["base"], db)
    from storyline.ingest import read
    from storyline.pipeline import clean_items

    with open_store(db) as store:
        store.add_articles(a for a in clean_items(read([world["second"]])) if hasattr(a, "id"))
        assert pending(store).unassigned == 4 and pending(store).unindexed == 4
        assert not check(store).ok
    assert inspect(db) == ("ok", 4)
    done = ingest(db, [world["second"]])
    assert done.returncode == 0
    assert "duplicate 4" in done.stdout and "interrupted run" in done.stdout
    assert content_digest(db) == world["ref"]


def test_check_repair_finishes_stories_without_analysis(world: dict) -> None:
    db = world["tmp"] / "unanalysed.db"
    shutil.copy(world["base"], db)
    import sqlite3

    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM story_analyses")
    conn.close()
    with open_store(db) as store:
        found = check(store)
        assert not found.ok and found.pending.unanalysed > 0
        repaired = check(store, repair=True)
        assert repaired.ok and repaired.repaired == found.pending
        assert check(store).ok
    assert content_digest(db) == content_digest(world["base"])
