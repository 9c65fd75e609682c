"""The reference pair, end to end: `storyline compare examples/*.txt --json`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.text.normalize import match_form

from .conftest import SEED_CH, SEED_ET

LEAD = (
    "Russlands Präsident Wladimir Putin hat nach Medienangaben den nordkoreanischen Machthaber "
    "Kim Jong Un auf dem Weltraumbahnhof Wostotschny in Russlands Fernem Osten empfangen."
)
PARA_CH = "Kim zeige grosses Interesse an russischer Raketentechnik, sagte Putin."
PARA_ET = (
    "Der Führer der Demokratischen Volksrepublik Korea zeigt großes Interesse an der Raketentechnik"
)
RESIDUE = [
    "Partner-Inhalte", "Logo Epoch Times", "top-article-image", "author-image",
    "Artikel teilen", "Lesedauer", "Kommentare", "Foto:", "(dpa/red)", "(sda/reuters/mdl)",
]  # fmt: skip


@pytest.fixture(scope="module")
def result() -> dict:
    out = CliRunner().invoke(main, ["compare", str(SEED_CH), str(SEED_ET), "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


@pytest.fixture(scope="module")
def story(result: dict) -> dict:
    assert len(result["stories"]) == 1
    return result["stories"][0]


def _holding(story: dict, words: str) -> dict:
    (found,) = [a for a in story["articles"] if words in a["text"]]
    return found


@pytest.fixture(scope="module")
def ch(story: dict) -> dict:
    return _holding(story, "Kim zeige grosses Interesse")


@pytest.fixture(scope="module")
def et(story: dict) -> dict:
    return _holding(story, "Trägerrakete vom Typ")


def test_one_story_with_both(result: dict, story: dict) -> None:
    assert len(story["articles"]) == 2
    assert result["failures"] == []


def test_lead_is_one_verbatim_group(story: dict) -> None:
    groups = [g for g in story["alignments"] if any(m["sentence"] == LEAD for m in g["members"])]
    assert len(groups) == 1
    assert groups[0]["kind"] == "verbatim"
    assert {m["article"] for m in groups[0]["members"]} == {a["id"] for a in story["articles"]}


def test_paraphrase_pair_grouped(story: dict) -> None:
    def has(g: dict, s: str) -> bool:
        return any(m["sentence"].lstrip('„"«').startswith(s) for m in g["members"])

    groups = [g for g in story["alignments"] if has(g, PARA_CH)]
    assert len(groups) == 1
    assert has(groups[0], PARA_ET)
    assert groups[0]["kind"] in ("paraphrase", "near_verbatim")


def test_no_residue_and_no_lost_sentence(story: dict, ch: dict, et: dict) -> None:
    for article in (ch, et):
        for residue in RESIDUE:
            assert residue not in article["text"], (residue, article["id"])
    for path, article in ((SEED_CH, ch), (SEED_ET, et)):
        text = match_form(" ".join([article["text"], article["title"] or "", article["teaser"] or "",
                                    article["kicker"] or "", *article["captions"]]))  # fmt: skip
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().removesuffix("(dpa/red)").removesuffix("(sda/reuters/mdl)")
            if len(line.split()) >= 8 and not line.startswith("Noch keine Kommentare"):
                assert match_form(line) in text, line


def test_credits(ch: dict, et: dict) -> None:
    ch_agencies = " ".join(ch["credits"]["agencies"]).lower()
    assert "sda" in ch_agencies and "reuters" in ch_agencies
    assert "dpa" in et["credits"]["agencies"]
    assert {"AP", "dpa"} <= set(et["credits"]["photo_agencies"])
    assert "Tass" in ch["credits"]["quoted_sources"]
    assert "Interfax" in et["credits"]["quoted_sources"]


def test_title(et: dict) -> None:
    assert et["title"] == "Putin und Kim treffen sich an Russlands Weltraumbahnhof"
