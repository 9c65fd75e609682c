"""One contract, every backend: each test runs against MemoryStore and SQLiteStore."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.errors import StoreError
from storyline.model import (
    Alignment,
    Article,
    Comparison,
    Credits,
    Member,
    Residue,
    Share,
    Story,
)
from storyline.store import MemoryStore, Store, open_store

BACKENDS = ["memory", "sqlite"]
CEST = timezone(timedelta(hours=2))
T0 = datetime(2023, 9, 13, 12, 0, tzinfo=UTC)
FIXTURE_OK = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_ids = itertools.count()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    path = None if request.param == "memory" else tmp_path / "sub" / "store.db"
    with open_store(path) as s:
        yield s


def art(article_id: str, text: str = "", **fields) -> Article:
    return Article(id=article_id, source=fields.pop("source", "src"), raw=text, text=text, **fields)


def full_article() -> Article:
    return Article(
        id="a1",
        source="Epoch Times",
        raw="Putin trifft Kim\r\n\r\nTeilen auf Facebook\n(dpa/red)\n",
        text="Putin trifft Kim am Kosmodrom Wostotschny.",
        title="Putin trifft Kim",
        kicker="Russland",
        teaser="Ein Treffen im Fernen Osten.",
        author=None,
        url="https://example.org/a1",
        published=datetime(2023, 9, 13, 10, 30, tzinfo=CEST),
        language="de",
        credits=Credits(agencies=("dpa",), desk=("red",), lines=("(dpa/red)",)),
        removed=(Residue("Teilen auf Facebook", "share-widget", 3), Residue("x", "nav")),
        captions=("Foto: AP/dpa",),
        path="examples/004.txt",
        format="text",
        ingested=datetime(2023, 9, 14, 8, 0, 0, 123456),
    )


def comparison_for(story: Story) -> Comparison:
    members = tuple(Member(a, i, f"Satz {i}") for i, a in enumerate(story.articles))
    return Comparison(
        story=story.id,
        alignments=(Alignment("verbatim", members, 0.97), Alignment("unique", members[:1], 1.0)),
        shares=tuple(Share(a, 3, verbatim=2 / 3, unique=1 / 3) for a in story.articles),
    )


def stored(store: Store, *articles: Article) -> None:
    store.add_articles(articles)


# articles


def test_add_articles_reports_new_and_is_idempotent(store: Store) -> None:
    assert store.add_articles([art("a"), art("b"), art("a")]) == [True, True, False]
    assert store.add_articles([art("b", "other text"), art("c")]) == [False, True]
    assert store.count_articles() == 3
    assert store.article("b") == art("b")


def test_article_round_trip_is_exact(store: Store) -> None:
    article = full_article()
    store.add_articles([article])
    back = store.article("a1")
    assert back == article
    assert back.published.utcoffset() == timedelta(hours=2)
    assert back.ingested.tzinfo is None
    assert type(back.removed) is tuple and type(back.credits.agencies) is tuple
    assert store.article("missing") is None


def test_articles_in_ingest_order_or_in_given_order(store: Store) -> None:
    stored(store, *(art(f"x{i}") for i in range(7)), art("a"))
    assert [a.id for a in store.articles()] == [*(f"x{i}" for i in range(7)), "a"]
    assert [a.id for a in store.articles(["a", "nope", "x3", "a"])] == ["a", "x3", "a"]
    assert list(store.articles([])) == []


@st.composite
def articles(draw) -> Article:
    opt = st.none() | st.text()
    seconds = st.integers(-23 * 3600, 23 * 3600)
    offsets = seconds.map(lambda s: timedelta(seconds=s))
    zones = st.none() | st.just(UTC) | offsets.map(timezone)
    when = st.none() | st.datetimes(timezones=zones)
    strs = st.lists(st.text(), max_size=3).map(tuple)
    residue = st.builds(Residue, st.text(), st.text(), st.none() | st.integers(0, 10**6))
    return Article(
        id=f"h{next(_ids)}",
        source=draw(st.text()),
        raw=draw(st.text()),
        text=draw(st.text()),
        title=draw(opt),
        kicker=draw(opt),
        url=draw(opt),
        published=draw(when),
        ingested=draw(when),
        language=draw(opt),
        credits=Credits(*(draw(strs) for _ in range(6))),
        removed=tuple(draw(st.lists(residue, max_size=3))),
        captions=draw(strs),
        format=draw(st.sampled_from(["text", "html", "jsonl"])),
    )


@FIXTURE_OK
@given(article=articles())
def test_any_article_round_trips(store: Store, article: Article) -> None:
    assert store.add_articles([article]) == [True]
    back = store.article(article.id)
    assert back == article
    for name in ("published", "ingested"):
        a, b = getattr(article, name), getattr(back, name)
        assert (a is None) == (b is None)
        if a is not None:
            assert a.utcoffset() == b.utcoffset()
    assert next(store.articles([article.id])) == article


# atomicity


def test_failed_add_stores_nothing_of_that_call(store: Store) -> None:
    stored(store, art("old"))
    bad = art("bad", credits=Credits(agencies=(object(),)))  # cannot be serialised
    with pytest.raises(StoreError, match="'bad'"):
        store.add_articles([art("new1"), bad, art("new2")])
    assert store.count_articles() == 1
    assert store.article("new1") is None
    assert store.add_articles([art("new1")]) == [True]


def test_add_from_a_failing_generator_stores_nothing(store: Store) -> None:
    def feed() -> Iterator[Article]:
        yield art("g1", "Putin")
        raise RuntimeError("reader broke")

    with pytest.raises(RuntimeError):
        store.add_articles(feed())
    assert store.count_articles() == 0
    assert store.search("Putin") == []


def test_bad_datetime_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="published"):
        store.add_articles([art("a", published="2023-09-13")])
    odd = timezone(timedelta(microseconds=1))
    with pytest.raises(StoreError, match="ingested"):
        store.add_articles([art("a", ingested=datetime(2000, 1, 1, tzinfo=odd))])
    assert store.count_articles() == 0


def test_failed_put_stories_keeps_previous_stories(store: Store) -> None:
    stored(store, art("a"), art("b"))
    s1 = Story("s1", ("a",))
    store.put_stories([(s1, comparison_for(s1))])
    s2, s3 = Story("s2", ("b",)), Story("s3", ("a", "ghost"))
    with pytest.raises(StoreError, match="ghost"):
        store.put_stories([(s2, None), (s3, None)])
    nan = replace(comparison_for(s2), alignments=(Alignment("verbatim", (), float("nan")),))
    with pytest.raises(StoreError, match="s2"):
        store.put_stories([(s2, nan)])
    with pytest.raises(StoreError, match="appears twice"):
        store.put_stories([(s2, None), (s2, None)])
    with pytest.raises(StoreError, match="pair each story"):
        store.put_stories([(s2, comparison_for(s1))])
    assert store.stories() == [s1]
    assert store.comparison("s1") == comparison_for(s1)


def test_failed_put_story_changes_nothing(store: Store) -> None:
    stored(store, art("a"))
    s1 = Story("s1", ("a",), title="first")
    store.put_story(s1, comparison_for(s1))
    with pytest.raises(StoreError):
        store.put_story(Story("s1", ("a", "ghost")), None)
    assert store.story("s1") == s1
    assert store.comparison("s1") == comparison_for(s1)


# stories


def test_put_stories_replaces_everything(store: Store) -> None:
    stored(store, art("a"), art("b"), art("c"))
    first = [Story("s1", ("a", "b"), "T1"), Story("s2", ("c",))]
    store.put_stories((s, comparison_for(s)) for s in first)
    assert {s.id for s in store.stories()} == {"s1", "s2"}
    second = Story("s3", ("c", "a", "b"), "T3", method="stories.group.v2")
    store.put_stories([(second, None)])
    assert store.stories() == [second]
    assert store.story("s1") is None and store.comparison("s1") is None
    assert store.comparison("s3") is None
    store.put_stories([])
    assert store.stories() == [] and store.count_stories() == 0


def test_story_and_comparison_round_trip(store: Store) -> None:
    stored(store, art("b"), art("a"))
    story = Story("s", ("b", "a", "b"), title=None, method="stories.group.v9")
    comparison = comparison_for(story)
    store.put_stories([(story, comparison)])
    assert store.story("s") == story
    assert store.comparison("s") == comparison
    assert type(store.comparison("s").alignments[0].members) is tuple
    assert store.story("nope") is None and store.comparison("nope") is None


def test_put_story_and_delete_story(store: Store) -> None:
    stored(store, art("a", published=T0), art("b", published=T0 + timedelta(days=1)))
    s1, s2 = Story("s1", ("a",)), Story("s2", ("b",))
    store.put_story(s1, comparison_for(s1))
    store.put_story(s2)
    assert store.stories() == [s2, s1]
    moved = Story("s1", ("a", "b"), title="now newest too")
    store.put_story(moved, None)
    assert store.story("s1") == moved and store.comparison("s1") is None
    assert store.stories() == [moved, s2]  # same latest time: by id
    assert store.delete_story("s1") is True
    assert store.delete_story("s1") is False
    assert store.stories() == [s2]


def test_stories_newest_first_by_latest_article_time(store: Store) -> None:
    stored(
        store,
        art("early", published=datetime(2023, 9, 13, 10, 0, tzinfo=CEST)),  # 08:00 UTC
        art("mid", published=datetime(2023, 9, 13, 9, 0, tzinfo=UTC)),
        art("ingest", ingested=datetime(2023, 9, 13, 9, 30, tzinfo=UTC)),
        art("late", published=datetime(2023, 9, 14, tzinfo=UTC), ingested=T0),
        art("never"),
    )
    pairs = [
        Story("none", ("never",)),
        Story("A", ("early",)),
        Story("B", ("mid", "early")),
        Story("C", ("ingest",)),
        Story("D", ("early", "late", "never")),
        Story("empty", ()),
    ]
    store.put_stories((s, None) for s in pairs)
    assert [s.id for s in store.stories()] == ["D", "C", "B", "A", "empty", "none"]
    assert [s.id for s in store.stories_of("early")] == ["D", "B", "A"]
    assert store.stories_of("unknown") == []


def _many(store: Store, n: int = 30) -> list[Story]:
    langs, sources = ["de", "en", "fr"], ["sda", "epoch", "bbc", "nzz"]
    stored(
        store,
        *(
            art(
                f"a{i}",
                f"Bericht {i}",
                source=sources[i % 4],
                language=langs[i % 3],
                published=T0 + timedelta(hours=i),
            )
            for i in range(n)
        ),
    )
    stories = [Story(f"s{i:02d}", (f"a{i}", f"a{(i * 7) % n}")) for i in range(n)]
    store.put_stories((s, None) for s in stories)
    return stories


def test_pages_cover_all_stories_once_in_order(store: Store) -> None:
    _many(store)
    everything = store.stories()
    pages = [store.stories_page(limit=7, offset=o) for o in range(0, 35, 7)]
    assert [s for page in pages for s in page] == everything
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert store.stories_page(offset=100) == []
    assert store.count_stories() == 30
    assert everything == store.stories_page(limit=1000)
    assert store.stories_page(limit=0) == []
    with pytest.raises(ValueError, match="offset"):
        store.stories_page(offset=-1)
    with pytest.raises(ValueError, match="limit"):
        store.search("bericht", limit=-2)


@pytest.mark.parametrize(
    "filters",
    [
        {"source": "epoch"},
        {"language": "fr"},
        {"source": "bbc", "language": "de"},
        {"since": T0 + timedelta(hours=20)},
        {"until": T0 + timedelta(hours=20)},
        {"since": T0 + timedelta(hours=5), "until": T0 + timedelta(hours=9), "source": "sda"},
        {"since": datetime(2023, 9, 13, 14, 0)},  # naive: taken as UTC
        {"source": "nobody"},
    ],
)
def test_filters_match_their_definition(store: Store, filters: dict) -> None:
    stories = _many(store)
    by_id = {a.id: a for a in store.articles()}

    def keep(story: Story) -> bool:
        arts = [by_id[a] for a in story.articles]
        latest = max(a.published for a in arts)
        since = filters.get("since")
        since = since.replace(tzinfo=UTC) if since and since.tzinfo is None else since
        return (
            all(
                filters.get(f) in (None, *(getattr(a, f) for a in arts))
                for f in ("source", "language")
            )
            and (since is None or latest >= since)
            and ("until" not in filters or latest < filters["until"])
        )

    expected = [s for s in store.stories() if keep(s)]
    assert len(expected) < len(stories)
    assert store.stories_page(limit=100, **filters) == expected
    assert store.count_stories(**filters) == len(expected)
    assert store.stories_page(limit=2, offset=1, **filters) == expected[1:3]


def test_time_filters_drop_stories_without_time(store: Store) -> None:
    stored(store, art("a"), art("b", published=T0))
    store.put_stories([(Story("untimed", ("a",)), None), (Story("timed", ("b",)), None)])
    assert [s.id for s in store.stories_page(until=T0 + timedelta(1))] == ["timed"]
    assert [s.id for s in store.stories_page(since=T0 - timedelta(1))] == ["timed"]
    assert store.count_stories(until=T0) == 0


# search


@pytest.fixture
def news(store: Store) -> Store:
    stored(
        store,
        art("p1", "Putin empfängt Kim am Kosmodrom Wostotschny.", title="Gipfel", published=T0),
        art("p2", "Kim Jong Un reist mit dem Zug.", title="Zugreise", published=T0),
        art(
            "w1",
            "Das Wetter: Regen AND Wind OR Sonne.",
            title="Wetter",
            published=T0 - timedelta(1),
        ),
        art("u1", "Nothing here.", title="Überschrift Café"),
    )
    store.put_stories(
        [
            (Story("summit", ("p1", "p2")), None),
            (Story("weather", ("w1",)), None),
            (Story("misc", ("u1",)), None),
        ]
    )
    return store


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kim", ["summit"]),
        ("kim putin", ["summit"]),  # all words, within one article
        ("putin zug", []),  # words in different articles of one story: no match
        ("wostotschny", ["summit"]),
        ("EMPFANGT", ["summit"]),  # case and diacritics folded
        ("kosmo*", ["summit"]),
        ("kosmo", []),
        ("gipfel", ["summit"]),  # title is searched
        ("cafe uberschrift", ["misc"]),
        ("and or", ["weather"]),  # operators are plain words
        ("regen OR xyz", []),
        ("", []),
    ],
)
def test_search_finds_words(news: Store, query: str, expected: list[str]) -> None:
    assert [s.id for s in news.search(query)] == expected
    assert news.count_search(query) == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND OR",
        "*",
        "'; DROP TABLE articles; --",
        "NEAR(",
        "a:b",
        "^x",
        "(((",
        "-",
        "\x00",
        'Kim"*',
    ],
)
def test_hostile_queries_never_fail(news: Store, query: str) -> None:
    assert isinstance(news.search(query), list)
    assert news.count_articles() == 4
    assert len(news.stories()) == 3


def test_search_pages_and_filters(news: Store) -> None:
    assert [s.id for s in news.search("das OR kim", limit=10)] == []
    assert [s.id for s in news.search("Kim", source="src")] == ["summit"]
    assert news.search("Kim", source="other") == []
    assert news.search("Kim", since=T0 + timedelta(1)) == []
    stored(news, art("p3", "Kim again", published=T0 - timedelta(2)))
    news.put_story(Story("old", ("p3",)))
    assert [s.id for s in news.search("kim")] == ["summit", "old"]
    assert [s.id for s in news.search("kim", limit=1, offset=1)] == ["old"]


VOCAB = ["Kim", "kím", "Putin", "Zug", "zugreise", "Ölpreis", "olpreis", "a_b", "x2", "İstanbul"]


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(st.lists(st.sampled_from(VOCAB + [" ", ",", "'", '"']), max_size=6), max_size=6),
    query=st.lists(st.sampled_from(VOCAB + ["*", '"', "OR", "kim*", "zug*"]), max_size=3),
)
def test_backends_find_the_same_stories(tmp_path_factory, texts, query) -> None:
    found = []
    for path in (None, tmp_path_factory.mktemp("db") / "s.db"):
        with open_store(path) as s:
            s.add_articles(art(f"t{i}", " ".join(t)) for i, t in enumerate(texts))
            s.put_stories((Story(f"s{i}", (f"t{i}",)), None) for i in range(len(texts)))
            found.append([x.id for x in s.search(" ".join(query), limit=None)])
    assert found[0] == found[1]


# lifecycle


def test_closed_store_says_so(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count_articles()


def test_store_satisfies_protocol_and_context_manager(store: Store) -> None:
    assert isinstance(store, Store)
    with store as same:
        same.add_articles([art("a")])
    with pytest.raises(StoreError):
        store.article("a")


def test_store_can_be_used_from_threads(store: Store) -> None:
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            store.add_articles(art(f"t{k}-{i}") for i in range(20))
            store.stories_page()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count_articles() == 80


def test_open_store_memory() -> None:
    assert isinstance(open_store(), MemoryStore)
    assert isinstance(open_store(":memory:"), MemoryStore)


# --- reuse: put_reuse, passages_of, dup_groups, attribution, outlet_dependency ---


def _reuse_update(**fields):
    from storyline.reuse import ReuseUpdate

    return ReuseUpdate(**fields)


def _passage(a: str, b: str, start: int = 0, words: int = 12):
    from storyline.model import SharedPassage

    return SharedPassage(a, start, start + 60, b, start, start + 60, words, 1.0)


def _attribution(article: str, *others: str, agencies: tuple[str, ...] = ()):
    from storyline.model import AgencyCredit, Attribution, CopiedPassage

    credits = tuple(AgencyCredit(ag, article, "outlet") for ag in agencies)
    copied = (CopiedPassage(0, 60, others, others[0] if others else article, credits),)
    return Attribution(article, copied, 0.5, False, (), not agencies, 0.5 if agencies else 0.0)


def test_put_reuse_stores_passages_once_and_replaces_groups(store: Store) -> None:
    from storyline.model import DupGroup

    stored(store, art("a", "x" * 120, source="A"), art("b", "y" * 120, source="B"), art("c"))
    old = DupGroup("near-1", "near", ("a", "b"), 0.9)
    update = _reuse_update(groups=(old,), passages=(_passage("a", "b"),),
                           attributions=(_attribution("a", "b"),))  # fmt: skip
    store.put_reuse(update, b"state-1")
    store.put_reuse(update)  # the same again: nothing doubles, state kept
    assert store.count_passages() == 1
    assert store.passages_of("b") == [_passage("a", "b")] == store.passages_of("a")
    assert store.passages_of("c") == []
    assert store.reuse_state() == b"state-1"
    new = DupGroup("near-2", "near", ("a", "b", "c"), 0.8)
    store.put_reuse(_reuse_update(groups=(new,), replaced=("near-1",)), b"state-2")
    assert store.dup_groups() == [new]
    assert store.dup_group_of("c") == new and store.dup_group_of("zz") is None
    assert store.attribution("a") == _attribution("a", "b")
    assert store.attribution("b") is None
    assert store.reuse_state() == b"state-2"


def test_passages_of_in_text_order(store: Store) -> None:
    stored(store, art("a"), art("b"), art("c"))
    late, early = _passage("a", "b", start=100), _passage("c", "a", start=5)
    store.put_reuse(_reuse_update(passages=(late, early)))
    assert store.passages_of("a") == [early, late]


def test_failed_put_reuse_stores_nothing(store: Store) -> None:
    stored(store, art("a"), art("b"))
    bad = _reuse_update(passages=(_passage("a", "b"),), attributions=(_attribution("nope", "a"),))
    with pytest.raises(StoreError, match="'nope'"):
        store.put_reuse(bad, b"state")
    assert store.count_passages() == 0
    assert store.reuse_state() is None and store.attribution("nope") is None
    nan = _reuse_update(passages=(replace(_passage("a", "b"), similarity=float("nan")),))
    with pytest.raises(StoreError):
        store.put_reuse(nan)
    assert store.count_passages() == 0


def test_put_reuse_appends_segments_in_order(store: Store) -> None:
    stored(store, art("a"), art("b"))
    assert store.reuse_segments() == []
    store.put_reuse(_reuse_update(passages=(_passage("a", "b"),)), b"head-1", b"seg-1")
    store.put_reuse(_reuse_update(), segment=b"seg-2\x00\xff")
    store.put_reuse(_reuse_update(), b"head-2")  # no segment: none appended
    assert store.reuse_segments() == [b"seg-1", b"seg-2\x00\xff"]
    assert store.reuse_state() == b"head-2" and store.count_passages() == 1


def test_failed_put_reuse_appends_no_segment(store: Store) -> None:
    stored(store, art("a"), art("b"))
    store.put_reuse(_reuse_update(), segment=b"seg-1")
    bad = _reuse_update(passages=(_passage("a", "nope"),))
    with pytest.raises(StoreError, match="'nope'"):
        store.put_reuse(bad, b"head", b"seg-2")
    assert store.reuse_segments() == [b"seg-1"] and store.reuse_state() is None


def test_restart_replaces_every_stored_segment(store: Store) -> None:
    stored(store, art("a"), art("b"))
    store.put_reuse(_reuse_update(), segment=b"seg-1")
    store.put_reuse(_reuse_update(), segment=b"seg-2")
    store.put_reuse(_reuse_update(), segment=b"rebuilt", restart=True)
    assert store.reuse_segments() == [b"rebuilt"]


def test_outlet_dependency_from_stored_attributions(store: Store) -> None:
    stored(store, art("a", "x" * 120, source="A"), art("b", "y" * 120, source="B"),
           art("c", "z" * 100, source="B"))  # fmt: skip
    store.put_reuse(_reuse_update(attributions=(_attribution("b", "a", agencies=("dpa",)),)))
    deps = {d.source: d for d in store.outlet_dependency()}
    assert deps["A"].articles == 1 and deps["A"].wire_share == 0.0
    assert deps["B"].articles == 2
    assert deps["B"].wire_share == round(0.5 * 120 / 220, 4)
    assert deps["B"].by_agency == (("dpa", round(60 / 220, 4)),)


# --- corrections (docs/stories.md) ---


def test_corrections_round_trip_in_order(store: Store) -> None:
    from storyline.model import Correction

    made = [
        Correction("move", "s1", ("a1",), at=T0),
        Correction(
            "split", "s2", ("a2", "a3"), other="s9", at=datetime(2023, 9, 13, 14, tzinfo=CEST)
        ),
        Correction("merge", "s1", (), other="s2"),
    ]
    assert store.corrections() == []
    for c in made:
        store.add_correction(c)
    assert store.corrections() == made


def test_unreplayable_correction_is_refused(store: Store) -> None:
    from storyline.errors import InputError
    from storyline.model import Correction

    for bad in (Correction("rename", "s1", ("a1",)), Correction("move", "s1"),
                Correction("merge", "s1")):  # fmt: skip
        with pytest.raises(InputError):
            store.add_correction(bad)
    assert store.corrections() == []


def test_story_profiles_keep_first_row_in_order(store: Store) -> None:
    store.add_articles([art("p1", "one"), art("p2", "two")])
    assert store.story_profiles() == []
    store.add_story_profiles([("p2", 0, b"\x00two"), ("p1", 1, b"one")])
    store.add_story_profiles([("p2", 5, b"again")])
    assert store.story_profiles() == [("p2", 0, b"\x00two"), ("p1", 1, b"one")]
    with pytest.raises(StoreError):
        store.add_story_profiles([("p1", 0, b"x"), ("nope", 0, b"y")])
    assert len(store.story_profiles()) == 2


def test_profiles_by_id_count_and_article_ids(store: Store) -> None:
    store.add_articles([art("p1", "one"), art("p2", "two"), art("p3", "three")])
    assert store.article_ids() == ["p1", "p2", "p3"]
    store.add_story_profiles([("p3", 0, b"3"), ("p1", 0, b"1"), ("p2", 1, b"2")])
    assert store.count_story_profiles() == 3
    assert store.story_profiles(["p2", "p3", "nope"]) == [("p3", 0, b"3"), ("p2", 1, b"2")]
    assert store.story_profiles([]) == []


def test_save_assignment_is_atomic_and_replaces_state(store: Store) -> None:
    from storyline.model import AssignerState, Assignment

    store.add_articles([art("p1", "one"), art("p2", "two")])
    assert store.assigner_state() is None
    first = Assignment(
        (("p1", 0, b"1"),), AssignerState(1, 0, b"state-1"), ((Story("s1", ("p1",), "One"), None),)
    )
    store.save_assignment(first)
    assert store.assigner_state() == AssignerState(1, 0, b"state-1")
    second = Assignment(
        (("p2", 0, b"2"),),
        AssignerState(2, 0, b"state-2"),
        ((Story("s2", ("p1", "p2"), "Both"), None),),
        removed=("s1",),
    )
    store.save_assignment(second)
    assert [s.id for s in store.stories()] == ["s2"]
    assert store.assigner_state() == AssignerState(2, 0, b"state-2")
    bad = Assignment(
        (("nope", 0, b"x"),), AssignerState(3, 0, b"bad"), ((Story("s3", ("p1",), "x"), None),)
    )
    with pytest.raises(StoreError):
        store.save_assignment(bad)
    assert store.assigner_state() == AssignerState(2, 0, b"state-2")
    assert [s.id for s in store.stories()] == ["s2"] and store.count_story_profiles() == 2


def test_analysis_is_kept_with_its_story_and_dropped_when_it_changes(store: Store) -> None:
    from storyline.model import Analysis, Membership, Quote

    store.add_articles([art("p1", "one"), art("p2", "two")])
    story = Story("s1", ("p1",), "One")
    store.put_stories([(story, None)])
    quote = Quote("p1", 0, "Wir kommen", "Putin", True, "sagte", "PER:putin", 3, 13)
    analysis = Analysis("s1", (), (), (quote,), (), (), (), (), (), ())
    members = (Membership("s1", "p1", "founded", notes=("undated",)),)
    store.put_analysis("s1", analysis, members)
    assert store.stored_analysis("s1") == (analysis, members)
    with pytest.raises(StoreError):
        store.put_analysis("nope", analysis, members)
    store.put_story(Story("s1", ("p1", "p2"), "One"))
    assert store.stored_analysis("s1") is None
    store.put_analysis("s1", analysis, members)
    store.delete_story("s1")
    assert store.stored_analysis("s1") is None
