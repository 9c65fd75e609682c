"""The story and article pages name each candidate agency with the outlet that credits it
(#17 item 4): Alpha News credits dpa, Beta Post Reuters, and they share their lead."""

from __future__ import annotations

from tests.web.conftest import Client


def test_api_passage_group_has_candidates_per_outlet(client: Client) -> None:
    (group,) = client.get("/api/stories/s1").json()["passage_groups"]
    assert {(k["agency"], k["source"]) for k in group["candidates"]} == {
        ("dpa", "Alpha News"), ("Reuters", "Beta Post")
    }  # fmt: skip
    assert group["confirmed"] == [] and group["earliest"] == "a1"


def test_story_page_never_shows_one_outlets_credit_as_anothers(client: Client) -> None:
    html = client.get("/stories/s1").text
    reuse = html[html.index('id="reuse"') : html.index('id="membership"')]
    assert "dpa <small>(credited by Alpha News)</small>" in reuse
    assert "Reuters <small>(credited by Beta Post)</small>" in reuse
    assert "confirmed:" not in reuse and "earliest: Alpha News" in reuse


def test_article_page_lists_candidates_with_their_outlet(client: Client) -> None:
    html = client.get("/articles/a2").text
    reuse = html[html.index('id="reuse"') :]
    assert "<dt>candidate agencies</dt>" in reuse
    assert "dpa <small>(credited by Alpha News)</small>" in reuse
