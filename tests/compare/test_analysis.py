import json

import pytest

from storyline.compare.align import compare
from storyline.compare.analysis import analyse, analysis_to_dict
from storyline.errors import InputError
from storyline.model import Comparison, Story
from tests.compare.seeds import seed_articles, seed_story


@pytest.fixture(scope="module")
def seed_analysis():
    arts, story = seed_articles(), seed_story()
    return analyse(story, arts, compare(story, arts))


def test_seed_entities(seed_analysis):
    names = {e.name for e in seed_analysis.entities}
    assert {
        "Wladimir Putin",
        "Kim Jong Un",
        "Wostotschny",
        "Wladiwostok",
        "Dmitri Peskow",
        "Jo Chun Ryong",
        "Tass",
        "Interfax",
        "dpa",
    } <= names


def test_seed_no_conflict_between_distances(seed_analysis):
    km = [c for c in seed_analysis.conflicts if "Kilometer" in " ".join(c.values)]
    assert km == []
    distances = {(q.value, q.anchor) for q in seed_analysis.quantities if q.unit == "km"}
    assert {(1500, "Wladiwostok"), (130, "Nordkorea"), (100, "China")} <= distances


def test_seed_quotes_and_speakers(seed_analysis):
    said = {(q.speaker, q.text[:30]) for q in seed_analysis.quotes if q.direct}
    assert ("Wladimir Putin", "Deswegen sind wir ins Kosmodro") in said
    assert ("Dmitri Peskow", "Unsere Länder kooperieren in s") in said


def test_seed_angara_only_in_004(seed_analysis):
    only = next(b for b in seed_analysis.blindspots if b.article == "004").only_here
    texts = [seed_analysis.facts[i].text for i in only]
    assert any("Angara" in t for t in texts)
    assert not any(
        "Angara" in seed_analysis.facts[i].text
        for i in next(b for b in seed_analysis.blindspots if b.article == "000").only_here
    )


def test_seed_timeline_and_chain(seed_analysis):
    assert [e.article for e in seed_analysis.timeline] == ["000", "004"]
    pairs = {(x.source, x.target) for x in seed_analysis.chain}
    assert {("Interfax", "dpa"), ("dpa", "Epoch Times")} <= pairs


def test_dict_is_json_and_stable(seed_analysis):
    d = analysis_to_dict(seed_analysis)
    assert list(d) == [
        "schema",
        "method",
        "story",
        "entities",
        "quantities",
        "quotes",
        "quote_groups",
        "conflicts",
        "chain",
        "chain_paths",
        "facts",
        "blindspots",
        "timeline",
    ]
    assert json.loads(json.dumps(d)) == d
    putin = next(e for e in d["entities"] if e["name"] == "Wladimir Putin")
    assert putin["kind"] == "PER" and set(putin["articles"]) == {"000", "004"}


def test_wrong_comparison_is_refused():
    arts = seed_articles()
    with pytest.raises(InputError, match="compare this story first"):
        analyse(Story("other", ("000", "004")), arts, Comparison("seed", ()))


DE = (
    "Der Weltraumbahnhof Wostotschny liegt rund 100 Kilometer von der Grenze zu China entfernt.\n"
    "Der russische Präsidialamtssprecher Dmitri Peskow sagte: «Unsere Länder kooperieren in "
    "sensiblen Bereichen, die nicht öffentlich gemacht werden sollten.»"
)
EN = (
    "The Vostochny spaceport lies about 300 km from the border with China.\n"
    'Kremlin spokesman Dmitry Peskov said: "Our countries cooperate in sensitive areas that '
    'should not be made public."'
)


def test_cross_lingual_entities_quotes_and_conflicts():
    from storyline.model import Article, Credits

    arts = [
        Article("d", "Blatt", DE, DE, language="de", credits=Credits(agencies=("dpa",))),
        Article("e", "Wire", EN, EN, language="en", credits=Credits(agencies=("Reuters",))),
    ]
    story = Story("x", ("d", "e"))
    an = analyse(story, arts, compare(story, arts))
    peskov = next(e for e in an.entities if e.kind == "PER")
    assert set(peskov.aliases) == {"Dmitri Peskow", "Dmitry Peskov"}
    assert any({"Wostotschny", "Vostochny"} <= set(e.aliases) for e in an.entities)
    assert [(c.reason, c.values) for c in an.conflicts] == [
        ("number", ("rund 100 Kilometer", "about 300 km"))
    ]
    (group,) = an.quote_groups
    assert len(group.quotes) == 2 and not group.attribution_differs


def test_timings_name_every_stage_and_change_nothing(seed_analysis):
    arts, story = seed_articles(), seed_story()
    timings: dict[str, float] = {}
    timed = analyse(story, arts, compare(story, arts), timings=timings)
    assert timed == seed_analysis
    assert set(timings) == {"entities", "numbers", "quotes", "claims", "chain", "blindspot"}
    assert all(t >= 0.0 for t in timings.values())
