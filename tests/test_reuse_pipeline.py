"""Reuse wired into the pipeline, the SQLite store and the CLI (``ingest``, ``show``,
``article``, ``outlets``, ``compare --json``, ``bench dedup``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.pipeline import ingest
from storyline.store import open_store

from .conftest import SEED_CH, SEED_ET


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _copier(tmp_path: Path) -> Path:
    """A third report that copies the seed's second paragraph between its own sentences."""
    paragraph = SEED_CH.read_text(encoding="utf-8").split("\n\n")[1].strip()
    path = tmp_path / "copier.txt"
    path.write_text(
        "Ein Lokalblatt berichtet heute über das Wetter und den Verkehr in der Stadt.\n\n"
        f"{paragraph}\n\nDie Redaktion ergänzt eigene Einschätzungen zu den Folgen.\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "reuse.db")


def test_ingest_twice_stores_the_seed_passage_once(db: str) -> None:
    with open_store(db) as store:
        ingest(store, [SEED_CH, SEED_ET])
        first = (store.count_passages(), store.reuse_state(), store.dup_groups())
        report = ingest(store, [SEED_CH, SEED_ET])
        assert report.ingested == ()
        assert (store.count_passages(), store.reuse_state(), store.dup_groups()) == first
        ids = [a.id for a in store.articles()]
        (passage,) = store.passages_of(ids[0])
        attribution = store.attribution(ids[1])
    assert first[0] == 1 and first[2] == []
    assert passage.words == 22 and {passage.a, passage.b} == set(ids)
    assert attribution is not None and "dpa" in attribution.passages[0].candidate_agencies


def test_a_new_copying_article_adds_only_its_passages(db: str, tmp_path: Path) -> None:
    with open_store(db) as store:
        ingest(store, [SEED_CH, SEED_ET])
        old = {p for a in store.articles() for p in store.passages_of(a.id)}
        report = ingest(store, [_copier(tmp_path)])
        (new_id,) = report.ingested
        now = {p for a in store.articles() for p in store.passages_of(a.id)}
        attribution = store.attribution(new_id)
    added = now - old
    assert old < now and added
    assert all(new_id in (p.a, p.b) for p in added)
    assert max(p.words for p in added) >= 30
    assert attribution is not None and attribution.copied_share > 0.5


def test_reuse_is_rebuilt_for_a_store_without_index_state(db: str, tmp_path: Path) -> None:
    with open_store(db) as store:
        ingest(store, [SEED_CH, SEED_ET])
        store.put_reuse(_empty(), b"")  # as a store whose index was too big to keep
        ingest(store, [_copier(tmp_path)])
        assert len(store.reuse_state() or b"") > 0
        counted = store.count_passages()
    fresh = str(tmp_path / "fresh.db")
    with open_store(fresh) as store:
        ingest(store, [SEED_CH, SEED_ET, _copier(tmp_path)])
        assert store.count_passages() == counted


def _empty():
    from storyline.reuse import ReuseUpdate

    return ReuseUpdate()


def test_article_command_shows_passages_and_attribution(db: str) -> None:
    code, out = run("ingest", str(SEED_CH), str(SEED_ET), "--db", db, "--quiet")
    assert code == 0, out
    with open_store(db) as store:
        et = next(a for a in store.articles() if a.source == "Epoch Times")
    code, out = run("article", et.id, "--db", db, "--json")
    assert code == 0, out
    shown = json.loads(out)
    assert shown["article"]["credits"]["agencies"] == ["dpa"]
    assert shown["article"]["removed"]
    (passage,) = shown["passages"]
    assert passage["words"] == 22 and passage["text"].startswith(et.text[:20])
    assert shown["dup_group"] is None and shown["attribution"]["copied_share"] > 0
    code, out = run("article", et.id, "--db", db)
    assert code == 0 and "1 shared passages" in out and "removed" in out
    code, out = run("article", "nope", "--db", db)
    assert code != 0 and "no article 'nope'" in out


def test_outlets_command(db: str) -> None:
    run("ingest", str(SEED_CH), str(SEED_ET), "--db", db, "--quiet")
    code, out = run("outlets", "--db", db, "--json")
    assert code == 0, out
    outlets = {o["source"]: o for o in json.loads(out)["outlets"]}
    et = outlets["Epoch Times"]
    assert et["articles"] == 1 and 0 < et["wire_share"] < 1 and "dpa" in et["by_agency"]
    code, out = run("outlets", "--db", db)
    assert code == 0 and "Epoch Times" in out and "dpa" in out


def test_outlets_command_sorts_names_naturally_or_by_articles(db: str, tmp_path: Path) -> None:
    topics = ["Bahn", "Schule", "Wetter", "Hafen", "Museum", "Wahl"]
    rows = [(source, f"In {source} berichtet man über {topic}: " + f"{topic} {k} neu. " * 30)
            for k, (source, topic) in enumerate(zip(["o10", "o2", "o2", "o1", "o2", "o10"],
                                                    topics, strict=True))]  # fmt: skip
    feed = tmp_path / "outlets.jsonl"
    feed.write_text("".join(json.dumps({"source": s, "text": t}) + "\n" for s, t in rows))
    assert run("ingest", str(feed), "--db", db, "--quiet")[0] == 0
    names = {}
    for sort in ("name", "articles"):
        code, out = run("outlets", "--db", db, "--json", "--sort", sort)
        assert code == 0, out
        names[sort] = [o["source"] for o in json.loads(out)["outlets"]]
    assert names == {"name": ["o1", "o2", "o10"], "articles": ["o2", "o10", "o1"]}
    code, out = run("outlets", "--db", db)  # the table: natural order by default
    assert code == 0 and out.index("o2") < out.index("o10")


def test_show_prints_copied_passages(db: str) -> None:
    run("ingest", str(SEED_CH), str(SEED_ET), "--db", db, "--quiet")
    code, out = run("stories", "--db", db, "--json")
    story_id = json.loads(out)["stories"][0]["id"]
    code, out = run("show", story_id, "--db", db)
    assert code == 0 and "copied passages" in out and "22 words" in out
    code, out = run("show", story_id, "--db", db, "--json")
    story = json.loads(out)["stories"][0]
    assert len(story["passages"]) == 1 and len(story["attribution"]) == 2


def test_compare_json_has_passages_and_attribution() -> None:
    code, out = run("compare", str(SEED_CH), str(SEED_ET), "--json")
    assert code == 0, out
    story = json.loads(out)["stories"][0]
    (passage,) = story["passages"]
    assert passage["words"] == 22 and story["dup_groups"] == []
    by_source = {a["source"]: a["id"] for a in story["articles"]}
    et = story["attribution"][by_source["Epoch Times"]]
    lead = et["passages"][0]
    credited = {(k["agency"], k["source"]) for k in lead["candidates"]}
    assert ("dpa", "Epoch Times") in credited and ("Reuters", "Epoch Times") not in credited
    assert lead["confirmed"] == [] and lead["earliest"] is None  # the seeds carry no dates
    assert {"alignments", "shares", "unique"} <= set(story)


def test_bench_group_lists_dedup() -> None:
    code, out = run("bench", "--help")
    assert code == 0 and "dedup" in out


def test_a_damaged_index_segment_is_rebuilt_with_a_warning(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "r.db"
    with open_store(db) as store:
        ingest(store, [SEED_CH])
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reuse_segments SET data = ?", (b"PK\x03\x04 damaged",))
    with open_store(db) as store, pytest.warns(UserWarning, match="rebuilt from the stored"):
        ingest(store, [SEED_ET])
    with open_store(db) as store:
        assert store.count_passages() == 1  # the shared dpa lead, found after the rebuild
        assert len(store.reuse_segments()) == 2  # the damaged one is gone
