"""Fuzzing (hypothesis) over every reader and over clean/compare: hostile input never raises,
every failure is one ``error: INPUT: reason`` naming its input, and the good inputs of the
same batch are still ingested. bench/fuzz_readers.py runs >= 100,000 such inputs."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.clean import clean_batch
from storyline.cli import main
from storyline.compare import compare
from storyline.ingest import read_text
from storyline.model import Article, Failure, Story
from storyline.pipeline import ingest
from storyline.store import open_store
from tests.fuzzgen import FORMATS, GOOD_TEXT, generate, good

READERS = st.sampled_from([*FORMATS, "auto"])
NAMES = st.sampled_from(["in.txt", "in.html", "in.jsonl", "in.csv", "in.tsv", "in", "in.xml"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)
FIELDS = st.sampled_from(["text", "html", "title", "source", "published", "date", "url", "x"])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_read(items: list[Article | Failure], name: str) -> None:
    """Every item is an Article or a Failure that names this input and gives a reason."""
    for item in items:
        assert isinstance(item, Article | Failure)
        if isinstance(item, Failure):
            assert item.input.startswith(name) and item.reason.strip()


@FUZZ
@given(seed=st.integers(0, 2**32 - 1))
def test_generated_hostile_inputs_never_raise(seed: int) -> None:
    _kind, name, data, fmt = generate(random.Random(seed))
    assert_read(read_text(data, name=name, format=fmt), name)


@FUZZ
@given(data=st.binary(max_size=3000), fmt=READERS, name=NAMES)
def test_random_bytes_never_raise(data: bytes, fmt: str, name: str) -> None:
    assert_read(read_text(data, name=name, format=fmt), name)


@FUZZ
@given(text=st.text(max_size=2000), fmt=READERS, name=NAMES)
def test_random_text_never_raises(text: str, fmt: str, name: str) -> None:
    assert_read(read_text(text, name=name, format=fmt), name)


@FUZZ
@given(records=st.lists(JSON | st.dictionaries(FIELDS, JSON), min_size=1, max_size=5))
def test_json_lines_of_any_shape_never_raise(records: list[object]) -> None:
    data = "\n".join(json.dumps(r) for r in records)
    items = read_text(data, name="in.jsonl", format="jsonl")
    assert_read(items, "in.jsonl")
    assert len(items) == len(records)  # one Article or Failure per line


@FUZZ
@given(rows=st.lists(st.lists(st.text(max_size=30), max_size=5), max_size=6), delim=READERS)
def test_csv_of_any_quoting_never_raises(rows: list[list[str]], delim: str) -> None:
    sep = {"text": ",", "html": ";", "jsonl": "\t", "csv": "|"}.get(delim, ",")
    data = "text,title\n" + "\n".join(sep.join(row) for row in rows)
    assert_read(read_text(data, name="in.csv", format="csv"), "in.csv")


def test_deep_nesting_and_a_huge_line_are_failures_or_articles_quickly() -> None:
    deep = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert [type(x) for x in read_text(deep, name="d.jsonl")] == [Failure]
    assert "nested too deeply" in read_text(deep, name="d.jsonl")[0].reason  # type: ignore[union-attr]
    quotes = "(" * 200_000 + GOOD_TEXT + '"' * 200_000
    assert_read(read_text(quotes, name="q.csv"), "q.csv")
    bad_header = '"text" "x",title\n'
    assert "malformed CSV header" in read_text(bad_header, name="h.csv")[0].reason  # type: ignore[union-attr]


@settings(max_examples=10, deadline=None)
@given(seeds=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=4))
def test_good_inputs_of_a_batch_are_ingested_beside_hostile_ones(
    seeds: list[int], tmp_path_factory
) -> None:
    folder = tmp_path_factory.mktemp("batch")
    for fmt in FORMATS:  # one good input per reader
        (folder / f"good.{ {'text': 'txt'}.get(fmt, fmt) }").write_bytes(good(fmt))
    for i, seed in enumerate(seeds):
        _kind, name, data, _fmt = generate(random.Random(seed))
        (folder / f"bad{i}-{name}").write_bytes(data)
    with open_store(None) as store:
        report = ingest(store, [folder])
        stored = set(store.article_ids())
    for fmt in FORMATS:  # by content: a hostile input may hold the same article (a duplicate)
        expected = read_text(good(fmt), name=f"good.{fmt}")
        assert all(isinstance(a, Article) and a.id in stored for a in expected), fmt
    for f in report.failures:
        assert f.input.startswith(str(folder)) and f.reason


def test_the_cli_prints_each_bad_input_as_one_error_line_and_ingests_the_rest(
    tmp_path: Path,
) -> None:
    (tmp_path / "good.txt").write_bytes(good("text"))
    (tmp_path / "bad.jsonl").write_bytes(b'{"text": [[[[' + b"\xff\xfe" * 10 + b"\n[1, 2]\n")
    (tmp_path / "bad.csv").write_bytes(b'text,title\n"unclosed,x\n')
    db = tmp_path.parent / f"{tmp_path.name}.db"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 3, result.output  # bad.jsonl: two lines
    assert all(ln.startswith(f"error: {tmp_path}/bad.") for ln in errors)
    assert "ingested 1," in result.output and "Traceback" not in result.output


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(st.text(max_size=300), min_size=1, max_size=12), source=st.text(max_size=8))
def test_cleaning_any_text_never_raises(lines: list[str], source: str) -> None:
    text = "\n".join(lines)
    items = read_text(text or "x", name="in.txt", source=source or None)
    articles = [a for a in items if isinstance(a, Article)]
    for cleaned in clean_batch(articles):
        assert isinstance(cleaned, Article) and cleaned.raw == articles[0].raw


@settings(max_examples=30, deadline=None)
@given(texts=st.lists(st.text(min_size=1, max_size=600), min_size=1, max_size=3))
def test_comparing_any_texts_never_raises(texts: list[str]) -> None:
    articles = []
    for i, text in enumerate(texts):
        items = read_text(f"{text}\n{GOOD_TEXT}", name=f"a{i}.txt", source=f"s{i}")
        articles += [a for a in clean_batch(x for x in items if isinstance(x, Article))]
    unique = list({a.id: a for a in articles}.values())
    comparison = compare(Story("st-fuzz", tuple(a.id for a in unique)), unique)
    assert comparison.story == "st-fuzz"


def test_an_article_over_the_size_limit_fails_alone_naming_its_input() -> None:
    from storyline.pipeline import MAX_ARTICLE_CHARS, clean_items

    huge = "Wort " * (MAX_ARTICLE_CHARS // 5 + 1)
    items = [*read_text(huge, name="huge.txt"), *read_text(good("text"), name="good.txt")]
    out = list(clean_items(items))
    failures = [x for x in out if isinstance(x, Failure)]
    assert [f.input for f in failures] == ["huge.txt"]
    assert failures[0].reason.startswith("text too long: 100,005 characters > 100,000")
    assert [a.path for a in out if isinstance(a, Article)] == ["good.txt"]


def test_the_encoders_read_at_most_their_limit_of_a_text(monkeypatch) -> None:
    import storyline.embed as embed

    seen: list[int] = []

    class Model:
        def encode(self, texts: list[str]) -> list[list[float]]:
            seen.extend(len(t) for t in texts)
            return [[1.0] * 512 for _ in texts]

    monkeypatch.setattr(embed, "_use_model", lambda: Model())
    embed._use_batch(["kurz", "x" * 50_000])
    assert seen == [4, embed.MAX_ENCODE_CHARS]
