from datetime import UTC, datetime

from storyline.compare.blindspot import blindspots, facts, timeline
from storyline.model import Alignment, Article, Comparison, Member


def _art(i, source, hour=None):
    when = datetime(2024, 1, 1, hour, tzinfo=UTC) if hour is not None else None
    return Article(i, source, "", "", published=when)


ARTS = [_art("b", "Later", 10), _art("a", "Earlier", 8), _art("c", "Unknown")]
GROUPS = (
    Alignment("paraphrase", (Member("b", 0, "Fakt eins."), Member("a", 2, "Fakt 1.")), 0.8),
    Alignment("unique", (Member("c", 0, "Nur hier."),), 1.0),
    Alignment(
        "verbatim", (Member("a", 0, "Alle."), Member("b", 1, "Alle."), Member("c", 1, "Alle.")), 1.0
    ),
)


def test_facts_sources_missing_and_first():
    fs = facts(ARTS, Comparison("s", GROUPS))
    assert fs[0].sources == ("Earlier", "Later") and fs[0].missing == ("Unknown",)
    assert fs[0].first_article == "a" and fs[0].text == "Fakt 1."
    assert fs[1].sources == ("Unknown",) and fs[2].missing == ()


def test_blindspots_per_article():
    bs = {b.article: b for b in blindspots(ARTS, facts(ARTS, Comparison("s", GROUPS)))}
    assert bs["c"].only_here == (1,) and bs["c"].missing == (0,)
    assert bs["a"].only_here == () and bs["a"].missing == (1,)


def test_timeline_publication_order_unknown_last():
    tl = timeline(ARTS, facts(ARTS, Comparison("s", GROUPS)))
    assert [e.article for e in tl] == ["a", "b", "c"]
    assert tl[0].first_facts == (0, 2) and tl[2].first_facts == (1,)
