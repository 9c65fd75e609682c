"""The view functions on their own: sentence columns, residue lines, pagination, bodies."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.model import UNIQUE, Article, Residue
from storyline.web import views
from tests.web.conftest import synthetic_articles, synthetic_comparisons


def test_columns_from_members_equal_columns_from_segmenting() -> None:
    articles = synthetic_articles()[:2]
    (_, comparison), _ = synthetic_comparisons()
    from_members = views.sentence_columns(articles, comparison.alignments)
    shared_only = [g for g in comparison.alignments if g.kind != UNIQUE]
    segmented = views.sentence_columns(articles, shared_only)
    assert from_members == segmented
    assert [r["paragraph"] for r in from_members["a1"]] == [False, True, True]


def test_columns_fall_back_when_members_do_not_match_the_text() -> None:
    article = synthetic_articles()[0]
    (_, comparison), _ = synthetic_comparisons()
    changed = Article(id="a1", source="x", raw="One. Two.", text="One. Two.")
    rows = views.sentence_columns([changed], comparison.alignments)["a1"]
    assert [r["text"] for r in rows] == ["One.", "Two."]
    assert rows[0]["kind"] == "verbatim" and article.text != changed.text


def test_raw_lines_match_residue_by_number_or_text() -> None:
    raw = "Logo\nBody line.\nShare on X\nShare on X"
    article = Article(id="x", source="s", raw=raw, text="Body line.",
                      removed=(Residue("Logo", "logo", 1), Residue("Share on X", "share", 99),
                               Residue("Share on X", "share", None)))  # fmt: skip
    reasons = [line["reason"] for line in views.raw_lines(article)]
    assert reasons == ["logo", None, "share", "share"]


def test_raw_lines_place_blank_residue_by_number() -> None:
    article = Article(id="x", source="s", raw="A.\n\nB.\n\nC.", text="A.\n\nB.\nC.",
                      removed=(Residue("", "blank", 4),))  # fmt: skip
    assert [line["reason"] for line in views.raw_lines(article)] == [
        None,
        None,
        None,
        "blank",
        None,
    ]


@given(st.integers(0, 500), st.integers(1, 60), st.integers(0, 600))
def test_pages_chain_without_gaps(total: int, limit: int, offset: int) -> None:
    page = views.page_dict(total, limit, offset)
    if page["next"] is not None:
        assert page["next"] == offset + limit < total
    else:
        assert offset + limit >= total
    if page["prev"] is not None:
        assert 0 <= page["prev"] < offset and offset - page["prev"] <= limit


@pytest.mark.parametrize(
    "body",
    [{"text": "a"}, [{"text": "a"}, {"text": "b"}], {"articles": [{"text": "a"}]}],
)
def test_json_bodies_become_jsonl(body: object) -> None:
    lines = views.body_items(json.dumps(body).encode()).decode().split("\n")
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert len(lines) == (len(body) if isinstance(body, list) else 1)


def test_parse_day_names_the_parameter() -> None:
    assert views.parse_day("since", "2023-09-13").isoformat() == "2023-09-13T00:00:00+00:00"
    assert views.parse_day("since", " ") is None
    with pytest.raises(views.BadRequest, match="until='13.9.'"):
        views.parse_day("until", "13.9.")


def test_passage_groups_gather_one_text_shared_by_many() -> None:
    from storyline.model import SharedPassage, Story
    from storyline.pipeline import StoryReport

    text = "Shared wire sentence here. Own words."
    arts = tuple(Article(id=i, source=i.upper(), raw=text, text=text) for i in ("x", "y", "z"))
    p = [SharedPassage(a, 0, 26, b, 0, 26, 4, 1.0) for a, b in [("x", "y"), ("x", "z"), ("y", "z")]]
    p.append(SharedPassage("out", 5, 31, "y", 0, 26, 4, 1.0))  # an article of another story
    p.append(SharedPassage("x", 27, 37, "z", 27, 37, 2, 1.0))
    report = StoryReport(Story("s", ("x", "y", "z")), arts, None,  # type: ignore[arg-type]
                         extras={"passages": tuple(p)})  # fmt: skip
    first, second = views.passage_groups(report)
    assert (first["text"], first["pairs"]) == ("Shared wire sentence here.", 4)
    assert [(c["article"], c["start"]) for c in first["articles"]] == [
        ("x", 0), ("y", 0), ("z", 0), ("out", 5)
    ]  # fmt: skip
    assert (second["text"], second["pairs"], len(second["articles"])) == ("Own words.", 1, 2)
