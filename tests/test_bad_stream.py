"""Bad input of a real stream through `ingest` (docs/stories.md, "Bad input"): one text under
50 outlets, one outlet's boilerplate on unrelated reports (on lines of its own, and a wall
glued to each title), one- and two-word articles, mixed scripts, every article with the same
date."""

from __future__ import annotations

import json

import pytest

from storyline.pipeline import ingest
from storyline.store import MemoryStore

from .conftest import SEED_CH
from .test_stories_pipeline import CHESS, FLOOD, MARKETS

DAY = "2024-03-05T09:00:00+00:00"
BOILERPLATE = [
    "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten. Mehr erfahren",
    "Dieser Artikel ist nur für Abonnenten frei. Jetzt 4 Wochen für 1 Euro testen.",
    "Lesen Sie auch: So sparen Sie beim Heizen bares Geld im Winter",
]
#: A registration wall that a text dump glued to each title, on one line.
WALL = (
    "Bitte registrieren! Sie haben noch keinen Zugang zum Archiv? Registrieren Sie sich jetzt "
    "kostenlos, um fortzufahren. Bitte überprüfen Sie die rot markierten Pflichtfelder."
)
WALLED = [
    "Jahn Regensburg verliert gegen Bochum",
    "Neue Brücke über die Donau eröffnet",
    "Landkreis meldet weniger Arbeitslose im Januar",
]


@pytest.fixture(scope="module")
def stream(tmp_path_factory) -> dict[str, list[tuple[str, ...]]]:
    """Ingest the bad stream once; (url -> story id, url -> event id) as lists of groups."""
    path = tmp_path_factory.mktemp("bad") / "stream.jsonl"
    seed = SEED_CH.read_text(encoding="utf-8")
    records = [{"source": f"outlet{n}", "url": f"copy:{n}", "text": seed} for n in range(50)]
    for name, text in (("flood", FLOOD), ("chess", CHESS), ("markets", MARKETS)):
        body = "\n".join([BOILERPLATE[0], text, BOILERPLATE[1], BOILERPLATE[2]])
        records.append({"source": "Boulevard", "url": f"boiler:{name}", "text": body})
    for n, title in enumerate(WALLED):
        records.append({"source": "Tagblatt", "url": f"wall:{n}", "text": f"{title} {WALL}"})
    records += [
        {"source": "a", "url": "short:1", "text": "Putin"},
        {"source": "b", "url": "short:2", "text": "Kim Jong"},
        {"source": "c", "url": "mixed:1", "text": "Москва 北京 Berlin: Gespräche über "
         "Handel, 贸易 und Energie, сказал министр am Montag in Wladiwostok."},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r | {"published": DAY}) for r in records) + "\n")
    store = MemoryStore()
    report = ingest(store, [path])
    assert not report.failures and len(report.ingested) == len(records)
    url = {a.id: a.url for a in store.articles()}
    return {
        "stories": [tuple(sorted(url[a] for a in s.articles)) for s in store.stories()],
        "events": [tuple(sorted(url[a] for a in e.articles)) for e in store.events()],
    }


def _group_of(groups: list[tuple[str, ...]], url: str) -> tuple[str, ...]:
    return next(g for g in groups if url in g)


def test_one_text_under_fifty_outlets_is_one_story_and_one_event(stream):
    for level in ("stories", "events"):
        group = _group_of(stream[level], "copy:0")
        assert sorted(group) == sorted(f"copy:{n}" for n in range(50))


def test_one_outlets_boilerplate_does_not_glue_its_reports(stream):
    groups = {_group_of(stream["stories"], f"boiler:{n}") for n in ("flood", "chess", "markets")}
    assert len(groups) == 3 and all(len(g) == 1 for g in groups)


def test_a_wall_glued_to_each_title_does_not_glue_its_reports(stream):
    for level in ("stories", "events"):
        for n in range(len(WALLED)):
            assert _group_of(stream[level], f"wall:{n}") == (f"wall:{n}",)


def test_short_and_mixed_script_articles_stand_alone(stream):
    for url in ("short:1", "short:2", "mixed:1"):
        assert _group_of(stream["stories"], url) == (url,)
        assert _group_of(stream["events"], url) == (url,)
