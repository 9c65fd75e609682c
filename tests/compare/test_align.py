"""Sentence alignment: the seed pair, edited copies, translations, properties."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.clean import clean
from storyline.compare import judge
from storyline.compare.align import AlignConfig, compare, sentences
from storyline.errors import InputError
from storyline.model import KINDS, Article, Story

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LEAD = (
    "Russlands Präsident Wladimir Putin hat nach Medienangaben den nordkoreanischen "
    "Machthaber Kim Jong Un auf dem Weltraumbahnhof Wostotschny in Russlands Fernem Osten "
    "empfangen."
)


def _body(raw: str) -> str:
    """The cleaned body of a seed."""
    return clean(Article(id="x", source="x", raw=raw, text=raw)).text


def _article(aid: str, text: str, language: str = "de") -> Article:
    return Article(id=aid, source=aid, raw=text, text=text, language=language)


def _story(*articles: Article) -> Story:
    return Story(id="s-test", articles=tuple(a.id for a in articles))


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    names = ["000_98dadad234490a67.txt", "004_9755e32e974529ca.txt"]
    return [_article(n[:3], _body((EXAMPLES / n).read_text("utf-8"))) for n in names]


@pytest.fixture(scope="module")
def seed_comparison(seeds: list[Article]):
    return compare(_story(*seeds), seeds)


def _group_of(comparison, prefix: str):
    return [g for g in comparison.alignments if any(m.text.startswith(prefix) for m in g.members)]


def test_sentences_have_offsets_into_the_text(seeds: list[Article]) -> None:
    for s in sentences(seeds[0]):
        assert seeds[0].text[s.start : s.end] == s.text
    assert [s.index for s in sentences(seeds[0])] == list(range(len(sentences(seeds[0]))))


def test_seed_lead_is_one_verbatim_group(seed_comparison) -> None:
    (group,) = _group_of(seed_comparison, LEAD)
    assert group.kind == "verbatim"
    assert {m.article for m in group.members} == {"000", "004"}
    assert all(m.text == LEAD for m in group.members)


def test_seed_interest_in_rocket_technology_is_grouped(seed_comparison) -> None:
    (group,) = _group_of(seed_comparison, "Kim zeige grosses Interesse")
    assert group.kind in ("paraphrase", "near_verbatim")
    other = [m.text for m in group.members if m.article == "004"]
    assert other and "großes Interesse an der Raketentechnik" in other[0]


def test_seed_has_few_groups_and_unrelated_sentences_stay_unique(seed_comparison) -> None:
    linked = [g for g in seed_comparison.alignments if g.kind != "unique"]
    assert 2 <= len(linked) <= 5
    for prefix in ("Kim war in seinem schwer gepanzerten", "Auch Lebensmittel könnte"):
        (group,) = _group_of(seed_comparison, prefix)
        assert group.kind == "unique" and len(group.members) == 1


def test_shares_add_up(seed_comparison, seeds: list[Article]) -> None:
    for share, article in zip(seed_comparison.shares, seeds, strict=True):
        assert share.article == article.id
        assert share.sentences == len(sentences(article))
        total = share.verbatim + share.near_verbatim + share.paraphrase + share.unique
        assert total == pytest.approx(1.0)
        assert 0 < share.verbatim < 0.5


def test_groups_hold_one_sentence_per_article(seed_comparison) -> None:
    for group in seed_comparison.alignments:
        articles = [m.article for m in group.members]
        assert len(articles) == len(set(articles))
        assert group.kind in KINDS


def test_edited_copy_is_near_verbatim() -> None:
    a = _article("a", "Die Polizei nahm am Dienstagabend in Bern drei Verdächtige fest.")
    b = _article("b", "Die Polizei nahm am Dienstagabend in Bern vier Verdächtige fest.")
    c = _article(
        "c",
        "Die Polizei nahm am Dienstagabend in Bern drei Verdächtige fest, "
        "nachdem ein Zeuge die Beamten alarmiert hatte.",
    )
    groups = compare(_story(a, b, c), [a, b, c]).alignments
    by_members = {tuple(m.article for m in g.members): g.kind for g in groups}
    # another number is a conflict (issue #18), never near_verbatim: b stays on its own
    assert by_members == {("a", "c"): "near_verbatim", ("b",): "unique"}
    assert judge(a.text, c.text, "de").kind == "near_verbatim"  # the same answer alone
    assert judge(a.text, b.text, "de").kind == "conflict"


def test_spelling_and_quotes_do_not_matter_for_verbatim() -> None:
    a = _article("a", "«Das ist ein grosses Problem», sagte die Ministerin.")
    b = _article("b", "„Das ist ein großes  Problem“, sagte die Ministerin.")
    (group,) = compare(_story(a, b), [a, b]).alignments
    assert group.kind == "verbatim"


def test_german_english_translation_is_paraphrase() -> None:
    de = _article(
        "de",
        "Ein schwerer Sturm hat in der Nacht zum Montag in Norddeutschland viele Bäume "
        "entwurzelt. Die Feuerwehr rückte mehr als 400 Mal aus.",
    )
    en = _article(
        "en",
        "A heavy storm uprooted many trees in northern Germany on Sunday night. "
        "Firefighters were called out more than 400 times.",
        language="en",
    )
    result = compare(_story(de, en), [de, en])
    assert [g.kind for g in result.alignments] == ["paraphrase", "paraphrase"]
    assert all(len(g.members) == 2 for g in result.alignments)


def test_unrelated_sentences_are_not_grouped() -> None:
    a = _article("a", "Der FC Basel gewann am Samstag mit 3:1 gegen den FC Zürich.")
    b = _article("b", "Die Inflation in der Eurozone ist im Mai auf 6,1 Prozent gesunken.")
    assert [g.kind for g in compare(_story(a, b), [a, b]).alignments] == ["unique", "unique"]


def test_bad_input_is_named() -> None:
    a = _article("a", "Ein Satz.")
    with pytest.raises(InputError, match="twice"):
        compare(_story(a), [a, a])
    with pytest.raises(InputError, match="not in this story"):
        compare(Story(id="s", articles=("x",)), [a])


def test_empty_articles_give_no_groups() -> None:
    a, b = _article("a", ""), _article("b", "  \n ")
    result = compare(_story(a, b), [a, b])
    assert result.alignments == ()
    assert [s.sentences for s in result.shares] == [0, 0]


def test_config_is_frozen_and_keyword_only() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        AlignConfig().near_ratio = 0.1  # type: ignore[misc]
    with pytest.raises(TypeError):
        AlignConfig(0.5)  # type: ignore[misc]


def _as_sets(comparison) -> set[tuple[str, frozenset]]:
    return {
        (g.kind, frozenset((m.article, m.sentence) for m in g.members))
        for g in comparison.alignments
    }


_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(data=st.data())
def test_identical_copy_is_all_verbatim(seeds: list[Article], data) -> None:
    lines = seeds[0].text.splitlines()
    picked = data.draw(st.lists(st.sampled_from(lines), min_size=1, max_size=6, unique=True))
    text = "\n".join(picked)
    a, b = _article("a", text), _article("b", text)
    result = compare(_story(a, b), [a, b])
    assert all(g.kind == "verbatim" and len(g.members) == 2 for g in result.alignments)
    assert all(s.verbatim == 1.0 for s in result.shares)


@_SETTINGS
@given(order=st.permutations([0, 1, 2]))
def test_article_order_does_not_change_groups(seeds: list[Article], order: list[int]) -> None:
    third = _article("c", "\n".join(seeds[1].text.splitlines()[::-1][:4]))
    articles = [seeds[0], seeds[1], third]
    base = compare(_story(*articles), articles)
    shuffled = [articles[k] for k in order]
    assert _as_sets(compare(_story(*shuffled), shuffled)) == _as_sets(base)


EN_OF_SEED = """Russian President Vladimir Putin has received North Korean leader Kim Jong Un at the \
Vostochny spaceport in Russia's Far East, according to media reports.
Kim arrived from isolated communist North Korea in his heavily armoured special train.
Kim showed great interest in Russian rocket technology, Putin said.
Russia urgently needs ammunition for its war of aggression against Ukraine.
The Mayor of Paris opened a new bicycle lane on Tuesday."""


def test_english_translation_aligns_to_the_right_german_sentences(seeds) -> None:
    en = _article("en", EN_OF_SEED, language="en")
    result = compare(_story(seeds[0], en), [seeds[0], en])
    pairs = {}
    for g in result.alignments:
        texts = {m.article: m.text for m in g.members}
        if "en" in texts:
            pairs[" ".join(texts["en"].split()[:3])] = (g.kind, texts.get("000", ""))
    assert pairs["Russian President Vladimir"] == ("paraphrase", LEAD)
    assert pairs["Kim arrived from"][1].startswith("Kim war in seinem schwer gepanzerten")
    assert pairs["Kim showed great"][1].startswith("Kim zeige grosses Interesse")
    assert pairs["Russia urgently needs"][1].startswith("Russland benötigt")
    assert pairs["The Mayor of"] == ("unique", "")


def test_sentences_are_segmented_once_per_article_text(seeds: list[Article]) -> None:
    a = seeds[0]
    same = dataclasses.replace(a, source="elsewhere")  # same id, text and language
    assert sentences(a) is sentences(same)
    edited = dataclasses.replace(a, text=a.text.replace("Putin", "Kim", 1))
    assert sentences(edited) is not sentences(a)
    assert [s.text for s in sentences(edited)] != [s.text for s in sentences(a)]
    assert sentences(dataclasses.replace(a, id="other"))[0].article == "other"
