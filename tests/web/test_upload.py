"""Uploads through the API and the ingest page: results, failures per file, idempotence."""

from __future__ import annotations

import json

import pytest

from storyline.store import MemoryStore
from tests.web.conftest import TOKEN, Client

STORY = (
    "Putin and Kim met at the Vostochny spaceport on Wednesday.\n"
    "The talks lasted several hours, the Kremlin said.\n"
)


@pytest.fixture
def empty() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def uploads(empty: MemoryStore) -> Client:
    from storyline.web.access import Access
    from storyline.web.app import create_app

    access = Access(allow_writes=True, token=TOKEN)
    app = create_app(empty, max_upload=200_000, access=access)
    return Client(app, headers={"Authorization": f"Bearer {TOKEN}"})


def test_json_article_is_stored_and_storied(uploads: Client, empty: MemoryStore) -> None:
    body = {"source": "Alpha", "title": "Meeting", "text": STORY, "published": "2023-09-13"}
    r = uploads.post("/api/articles", json=body)
    assert r.status_code == 201, r.text
    result = r.json()
    assert len(result["ingested"]) == 1 and result["failures"] == []
    article = uploads.get(f"/api/articles/{result['ingested'][0]}").json()["article"]
    assert (article["source"], article["title"]) == ("Alpha", "Meeting")
    assert empty.stories_of(article["id"]), "the new article belongs to a story"
    again = uploads.post("/api/articles", json=body)
    assert again.status_code == 200 and again.json()["duplicates"] == result["ingested"]


def test_json_list_reports_the_bad_item(uploads: Client) -> None:
    body = {"articles": [{"source": "A", "text": STORY}, {"title": "no body"}]}
    result = uploads.post("/api/articles", json=body).json()
    assert len(result["ingested"]) == 1
    assert [f["input"] for f in result["failures"]] == ["request body:2"]


def test_files_get_results_per_file(uploads: Client) -> None:
    files = [
        ("files", ("report.txt", STORY.encode(), "text/plain")),
        ("files", ("rows.csv", b"headline,body\nx,y\n", "text/csv")),
    ]
    r = uploads.post("/api/articles", files=files, data={"source": "Beta"})
    assert r.status_code == 201, r.text
    good, bad = r.json()["files"]
    assert good["name"] == "report.txt" and len(good["articles"]) == 1 and not good["failures"]
    assert bad["name"] == "rows.csv" and not bad["articles"]
    assert "text" in bad["failures"][0]["reason"]


def test_malformed_csv_alone_is_400_and_stores_nothing(uploads: Client, empty) -> None:
    files = {"files": ("rows.csv", b"headline,body\nx,y\n", "text/csv")}
    r = uploads.post("/api/articles", files=files)
    assert r.status_code == 400
    assert "rows.csv" in r.json()["error"]["message"]
    assert empty.count_articles() == 0 and empty.stories() == []


def test_malformed_jsonl_file_is_400_with_the_line(uploads: Client) -> None:
    files = {"files": ("items.jsonl", b'{"text": "ok"\n', "application/jsonl")}
    r = uploads.post("/api/articles", files=files)
    assert r.status_code == 400
    assert "items.jsonl:1" in r.json()["error"]["message"]


def test_ingest_page_shows_the_result(uploads: Client) -> None:
    line = json.dumps({"source": "Gamma", "text": STORY, "title": "<i>Row</i>"})
    files = {"files": ("rows.jsonl", line.encode(), "application/jsonl")}
    r = uploads.post("/ingest", files=files)
    assert r.status_code == 201
    assert "1 new article," in r.text and "rows.jsonl" in r.text
    assert "<i>Row</i>" not in uploads.get("/").text
