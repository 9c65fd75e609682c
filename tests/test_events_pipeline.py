"""Events inside stories through the pipeline, the store and the CLI (`--level event`)."""

from __future__ import annotations

import json

from .test_stories_pipeline import FLOOD, _corrected_db, _run, _seed_db, _write


def _events(db: str) -> list[dict]:
    code, out = _run("stories", "--level", "event", "--db", db, "--json")
    assert code == 0, out
    return json.loads(out)["events"]


def test_seed_pair_is_one_event_of_its_story(tmp_path):
    db, story = _seed_db(tmp_path)
    (event,) = _events(db)
    assert event["story"] == story and event["size"] == 2 and event["id"].startswith("ev-")
    code, out = _run("stories", "--level", "event", "--db", db)
    assert code == 0 and event["id"] in out


def test_events_follow_ingests_and_event_corrections_hold(tmp_path):
    db, seed_story, seeds, flood = _corrected_db(tmp_path)
    events = _events(db)
    assert {e["story"] for e in events} == {seed_story, flood} and len(events) == 2
    seed_event = next(e["id"] for e in events if e["story"] == seed_story)
    code, out = _run("story", "split", seed_event, seeds[1], "--level", "event", "--db", db)
    assert code == 0, out
    events = _events(db)
    in_seed = [e for e in events if e["story"] == seed_story]
    assert len(in_seed) == 2 and sorted(e["size"] for e in in_seed) == [1, 1]
    other = next(e["id"] for e in in_seed if e["id"] != seed_event)
    # a later ingest keeps the correction
    code, out = _run(
        "ingest", _write(tmp_path, "flood2", FLOOD + " Update."), "--db", db, "--quiet"
    )
    assert code == 0, out
    assert len([e for e in _events(db) if e["story"] == seed_story]) == 2
    code, out = _run("story", "merge", seed_event, other, "--level", "event", "--db", db)
    assert code == 0, out
    assert [e["size"] for e in _events(db) if e["story"] == seed_story] == [2]


def test_event_corrections_name_unknown_ids(tmp_path):
    db, _, seeds, _ = _corrected_db(tmp_path)
    code, out = _run("story", "move", seeds[0], "ev-nope", "--level", "event", "--db", db)
    assert code != 0 and "ev-nope" in out
    seed_event = next(e for e in _events(db) if seeds[0] in e["articles"])
    code, out = _run("story", "split", seed_event["id"], *seeds, "--level", "event", "--db", db)
    assert code != 0 and "at least one" in out
