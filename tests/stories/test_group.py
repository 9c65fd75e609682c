"""Stories v1: the seed pair is one story, other events stay apart; AUC on SemEval pairs."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import InputError
from storyline.model import Article
from storyline.stories.group import (
    THRESHOLD,
    group,
    pair_similarity,
    similarity_matrix,
    story_id,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PAIRS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "semeval2022-dev"
PAIRS = PAIRS / "pairs.csv"

FOOTBALL = (
    "Der FC Basel hat am Samstag das Spitzenspiel gegen den FC Zürich mit 3:1 gewonnen. "
    "Vor 25 000 Zuschauern im St. Jakob-Park traf der Stürmer zweimal vor der Pause.\n"
    "Zürich verkürzte nach einem Eckball, doch ein Konter in der 80. Minute entschied die "
    "Partie. Basel führt die Tabelle nun mit vier Punkten Vorsprung an."
)
STORM = (
    "Ein schwerer Sturm hat in der Nacht zum Montag in Norddeutschland viele Bäume "
    "entwurzelt. Die Feuerwehr rückte mehr als 400 Mal aus.\n"
    "Auf mehreren Bahnstrecken ruhte der Verkehr, weil Äste auf die Oberleitungen gefallen "
    "waren. Verletzt wurde nach Angaben der Polizei niemand."
)


def _body(raw: str) -> str:
    keep = [ln.strip() for ln in raw.splitlines() if len(ln.split()) >= 6]
    return "\n".join(ln for ln in keep if not ln.startswith("Foto:"))


def _article(aid: str, text: str, **kw) -> Article:
    return Article(id=aid, source=aid, raw=text, text=text, language="de", **kw)


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    names = ["000_98dadad234490a67.txt", "004_9755e32e974529ca.txt"]
    return [_article(n[:3], _body((EXAMPLES / n).read_text("utf-8"))) for n in names]


@pytest.fixture(scope="module")
def others() -> list[Article]:
    return [_article("football", FOOTBALL), _article("storm", STORM)]


def test_seed_pair_is_one_story_and_other_events_stay_apart(seeds, others) -> None:
    stories = group([others[0], *seeds, others[1]])
    by_article = {aid: s.id for s in stories for aid in s.articles}
    assert by_article["000"] == by_article["004"]
    assert len({by_article["000"], by_article["football"], by_article["storm"]}) == 3
    assert len(stories) == 3


def test_seed_similarity_is_well_above_unrelated(seeds, others) -> None:
    same = pair_similarity(*seeds)
    assert same >= THRESHOLD + 0.1
    for other in others:
        assert pair_similarity(seeds[0], other) < THRESHOLD - 0.1


def test_story_id_is_stable_and_order_free() -> None:
    assert story_id(["b", "a"]) == story_id(["a", "b"])
    assert story_id(["a", "b"]).startswith("s") and len(story_id(["a"])) == 13
    assert story_id(["a"]) != story_id(["a", "b"])


def test_title_is_the_earliest_title_else_first_sentence(others) -> None:
    late = _article("x", STORM, title="Später Titel", published=datetime(2024, 1, 2))
    early = _article("y", STORM, title="Früher Titel", published=datetime(2024, 1, 1))
    (story,) = group([late, early])
    assert story.title == "Früher Titel"
    (untitled,) = group([others[0]])
    assert untitled.title and untitled.title.startswith("Der FC Basel hat am Samstag")


def test_title_compares_naive_and_aware_dates() -> None:
    """Readers keep a date naive when the input names no offset: it is read as UTC (as the
    assigner reads it), not compared with an aware one (a TypeError before)."""
    naive = _article("x", STORM, title="Naiv 09:00 UTC", published=datetime(2024, 1, 1, 9))
    aware = datetime(2024, 1, 1, 10, tzinfo=timezone(timedelta(hours=2)))  # 08:00 UTC
    (story,) = group([naive, _article("y", STORM, title="Mit Zone 08:00 UTC", published=aware)])
    assert story.title == "Mit Zone 08:00 UTC"


def test_gaps_read_naive_dates_as_utc() -> None:
    """One rule for a date without an offset (``model.aware``: UTC) in every gap: 08:00
    naive and 10:00+02:00 are the same instant (the gaps stripped the zone before: 2 h)."""
    from storyline.model import aware
    from storyline.stories.explain import _gap
    from storyline.stories.similarity import _gap_hours

    naive = _article("x", STORM, published=datetime(2024, 1, 1, 8))
    zoned = datetime(2024, 1, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    other = _article("y", STORM, published=zoned)
    assert _gap(naive, other) == 0.0 and _gap_hours(naive, other) == 0.0
    assert aware(datetime(2024, 1, 1, 8)) == zoned and aware(zoned) is zoned


def test_similarity_matrix_is_symmetric(seeds, others) -> None:
    sim = similarity_matrix([*seeds, *others])
    assert np.allclose(sim, sim.T)
    assert np.allclose(np.diag(sim), 1.0)
    assert similarity_matrix([]).shape == (0, 0)


def test_duplicate_ids_are_refused(others) -> None:
    with pytest.raises(InputError, match="twice"):
        group([others[0], others[0]])


@settings(max_examples=10, deadline=None)
@given(order=st.permutations([0, 1, 2, 3]))
def test_grouping_does_not_depend_on_order(order: list[int]) -> None:
    texts = [FOOTBALL, STORM, STORM.replace("Montag", "Dienstag"), FOOTBALL[:150]]
    arts = [_article(f"a{k}", t) for k, t in enumerate(texts)]
    base = {frozenset(s.articles) for s in group(arts)}
    assert {frozenset(s.articles) for s in group([arts[k] for k in order])} == base


def _auc(scores: np.ndarray, positive: np.ndarray) -> float:
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores)] = np.arange(1, len(scores) + 1)
    npos, nneg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - npos * (npos + 1) / 2) / (npos * nneg))


@pytest.mark.slow
def test_semeval_auc_floor() -> None:
    if not PAIRS.is_file():
        pytest.skip("../shared/data/semeval2022-dev is not present")
    with PAIRS.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["augmented"] == "0"]
    pos = [r for r in rows if float(r["Overall"]) <= 1.5][:40]
    rows = pos + [r for r in rows if float(r["Overall"]) >= 3][:40]
    scores = np.array(
        [
            pair_similarity(
                Article(id="a", source="a", raw="", text=r["text1"], language=r["lang1"]),
                Article(id="b", source="b", raw="", text=r["text2"], language=r["lang2"]),
            )
            for r in rows
        ]
    )
    positive = np.array([float(r["Overall"]) <= 1.5 for r in rows])
    assert _auc(scores, positive) >= 0.85


def _reference_average_link(sim: np.ndarray, threshold: float) -> set[frozenset[int]]:
    clusters = [[i] for i in range(len(sim))]
    while True:
        scored = [
            (float(sim[np.ix_(a, b)].mean()), x, y)
            for x, a in enumerate(clusters)
            for y, b in enumerate(clusters)
            if x < y
        ]
        best = max(scored, default=None)
        if best is None or best[0] < threshold:
            return {frozenset(c) for c in clusters}
        _, x, y = best
        clusters[x] = clusters[x] + clusters.pop(y)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(0, 1), min_size=28, max_size=28),
    threshold=st.floats(0.2, 0.8),
)
def test_average_link_matches_the_definition(values: list[float], threshold: float) -> None:
    from storyline.stories.group import _average_link

    n = 8
    sim = np.eye(n)
    sim[np.triu_indices(n, 1)] = np.round(values, 3) + np.arange(28) * 1e-6  # no ties
    sim = np.maximum(sim, sim.T)
    got = {frozenset(c) for c in _average_link(sim, threshold)}
    assert got == _reference_average_link(sim, threshold)
