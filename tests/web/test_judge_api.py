"""POST /api/judge: the sentence judge over HTTP (in-process)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Client


def test_judge_answers_one_judgement_per_pair(client: Client, store) -> None:
    before = (len(list(store.articles())), len(store.stories()))
    body = {"pairs": [
        {"sentence1": "Company profits rose in the third quarter.",
         "sentence2": "Company profits fell in the third quarter.", "language": "en"},
        {"sentence1": "Putin empfing Kim.", "sentence2": "Putin empfing Kim."},
    ]}  # fmt: skip
    r = client.post("/api/judge", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["method"] == "compare.judge.v1"
    first, second = out["judgements"]
    assert first["kind"] == "conflict"
    assert first["conflicts"] == [{"kind": "direction", "words": ["rose", "fell"]}]
    assert set(first["evidence"]) >= {"cosine", "overlap", "a_in_b", "b_in_a", "same"}
    assert second["kind"] == "verbatim" and second["score"] == 1.0
    assert (len(list(store.articles())), len(store.stories())) == before  # nothing stored


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "pairs"),
        ({"pairs": []}, "pairs"),
        ({"pairs": [{"sentence1": "x"}]}, "sentence2"),
        ({"pairs": [{"sentence1": "x" * 20_001, "sentence2": "y"}]}, "sentence1"),
        ({"pairs": [{"sentence1": "x", "sentence2": "y"}] * 1001}, "pairs"),
    ],
)
def test_malformed_judge_bodies_are_400(client: Client, body: dict, reason: str) -> None:
    r = client.post("/api/judge", json=body)
    assert r.status_code == 400
    assert reason in r.json()["error"]["message"]


def test_judge_is_served_by_a_read_only_server_without_a_token(store) -> None:
    from storyline.web.app import create_app

    client = Client(create_app(store))  # read-only: no --allow-writes, no token
    body = {"pairs": [{"sentence1": "Putin empfing Kim.", "sentence2": "Putin empfing Kim."}]}
    assert client.post("/api/judge", json=body).status_code == 200
    assert client.post("/api/articles", json={"articles": []}).status_code in (401, 403)
    cross = client.post("/api/judge", json=body, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
