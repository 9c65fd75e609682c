"""The stable JSON form of the records, used by the store, the CLI --json and the web API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import KINDS, Alignment, Article, Comparison, Credits, Member, Share, Story
from storyline.store import codec, terms


def test_article_dict_is_plain_json() -> None:
    article = Article(
        "a",
        "sda",
        "raw",
        "text",
        published=datetime(2023, 9, 13, 10, 0, tzinfo=timezone(timedelta(hours=2))),
        credits=Credits(agencies=("sda", "Reuters"), desk=("mdl",)),
        captions=("Foto",),
    )
    data = codec.article_to_dict(article)
    assert data["published"] == "2023-09-13T10:00:00+02:00"
    assert data["credits"]["agencies"] == ["sda", "Reuters"]
    assert data["captions"] == ["Foto"] and data["removed"] == []
    assert list(data) == list(Article.__slots__)
    assert codec.article_from_dict(json.loads(json.dumps(data))) == article


def test_alignment_dict_shape() -> None:
    alignment = Alignment("verbatim", (Member("a", 0, "Satz."), Member("b", 3, "Satz.")), 0.98)
    assert codec.alignment_to_dict(alignment) == {
        "kind": "verbatim",
        "score": 0.98,
        "members": [
            {"article": "a", "sentence": 0, "text": "Satz."},
            {"article": "b", "sentence": 3, "text": "Satz."},
        ],
    }


members = st.builds(Member, st.text(), st.integers(0, 10**4), st.text())
alignments = st.builds(
    Alignment,
    st.sampled_from(KINDS),
    st.lists(members, max_size=4).map(tuple),
    st.floats(0, 1),
)
shares = st.builds(Share, st.text(), st.integers(0, 500), *(st.floats(0, 1) for _ in range(4)))


@given(
    story=st.text(),
    aligned=st.lists(alignments, max_size=4).map(tuple),
    shared=st.lists(shares, max_size=4).map(tuple),
    method=st.text(),
)
def test_comparison_round_trips_through_json_text(story, aligned, shared, method) -> None:
    comparison = Comparison(story, aligned, shared, method)
    text = codec.dumps(codec.to_json(comparison))
    assert codec.from_json(Comparison, json.loads(text)) == comparison


@given(
    st.builds(Story, st.text(), st.lists(st.text()).map(tuple), st.none() | st.text(), st.text())
)
def test_story_round_trips(story: Story) -> None:
    assert codec.from_json(Story, json.loads(codec.dumps(codec.to_json(story)))) == story


def test_to_json_refuses_unknown_types() -> None:
    with pytest.raises(TypeError, match="dict"):
        codec.to_json({})


def test_time_key_sorts_by_instant() -> None:
    berlin = datetime(2023, 9, 13, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    london = datetime(2023, 9, 13, 9, 0, tzinfo=UTC)
    assert codec.time_key(berlin) < codec.time_key(london)
    assert codec.time_key(datetime(2023, 9, 13, 9, 0)) == codec.time_key(london)
    assert codec.time_key(None) == ""


@settings(deadline=None)
@given(st.text())
def test_query_never_contains_fts_syntax(query: str) -> None:
    expression = terms.fts_query(terms.parse_query(query))
    for token in expression.split():
        word = token.removesuffix("*")
        assert word.startswith('"') and word.endswith('"') and '"' not in word[1:-1]


def test_words_fold_case_and_diacritics() -> None:
    assert terms.words("Ölpreis, İstanbul & CAFÉ_bar ß") == [
        "olpreis",
        "istanbul",
        "cafe",
        "bar",
        "ss",
    ]


@settings(deadline=None)
@given(st.text())
def test_fold_drops_exactly_the_combining_marks(text: str) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    expected = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert terms.fold(text) == expected
