"""Near duplicates, shared passages, attribution: seeds, edits, negatives, increments."""

from __future__ import annotations

import re

import pytest

from storyline.model import Article
from storyline.reuse import (
    PassageConfig,
    ReuseIndex,
    attribute,
    near_duplicates,
    outlet_dependency,
    reuse,
    shared_passages,
)
from tests.reuse.helpers import article, at, edit

LEAD_WORDS = 22


# --- the seed pair ----------------------------------------------------------------------


def test_seed_lead_is_one_shared_passage_with_offsets_in_both(seeds: list[Article]) -> None:
    passages = shared_passages(seeds)
    assert len(passages) == 1
    p = passages[0]
    a, b = (seeds[0], seeds[1]) if p.a == seeds[0].id else (seeds[1], seeds[0])
    left, right = a.text[p.a_start : p.a_end], b.text[p.b_start : p.b_end]
    assert left == right
    assert left.startswith("Russlands Präsident") and left.endswith("Fernem Osten empfangen")
    assert p.words == LEAD_WORDS and len(left.split()) == LEAD_WORDS
    assert p.similarity == 1.0


def test_seed_pair_is_not_a_near_duplicate(seeds: list[Article]) -> None:
    assert near_duplicates(seeds) == []


def test_seed_lead_names_dpa_as_004s_candidate_only(seeds: list[Article]) -> None:
    _, passages, attributions, _ = reuse(seeds)
    by_id = {a.article: a for a in attributions}
    for art in seeds:
        (copied,) = by_id[art.id].passages
        assert "dpa" in copied.candidate_agencies and copied.confirmed == ()
        assert {k.article for k in copied.candidates if k.agency == "dpa"} == {"004"}
    # dpa reaches 000's passage only through 004, the article crediting dpa
    assert "dpa" not in seeds[0].credits.agencies
    assert by_id["000"].passages[0].articles == ("004",)
    assert by_id["004"].confirmed_agencies == ()  # no other dpa-credited article shares it


# --- exact and near duplicates ------------------------------------------------------------


def test_exact_copy_ignores_case_punctuation_quotes_and_sharp_s(wire: str, other: str) -> None:
    variant = wire.upper().replace("ß", "ss").replace(",", " ,") + " "
    groups = near_duplicates([article("a", wire), article("b", variant), article("c", other)])
    assert [(g.kind, g.articles, g.similarity) for g in groups] == [("exact", ("a", "b"), 1.0)]


def test_light_edit_is_a_near_duplicate_with_measured_similarity(wire: str, other: str) -> None:
    copy = edit(wire, every=12) + " (dpa/red)"
    (group,) = near_duplicates([article("a", wire), article("b", copy), article("c", other)])
    assert group.kind == "near" and group.articles == ("a", "b")
    assert group.similarity == pytest.approx(_jaccard(wire, copy, 4), abs=1e-4)


def test_truncation_is_a_near_duplicate(wire: str) -> None:
    words = wire.split(" ")
    short = " ".join(words[: len(words) * 2 // 5])
    (group,) = near_duplicates([article("a", wire), article("b", short)])
    assert group.articles == ("a", "b")
    assert group.similarity < 0.5  # found through containment, Jaccard is low


def test_shared_lead_only_is_a_passage_not_a_duplicate(wire: str, other: str) -> None:
    lead = wire.split(". ")[0] + "."
    items = [article("a", wire), article("b", lead + " " + other)]
    assert near_duplicates(items) == []
    (p,) = shared_passages(items)
    assert items[0].text[p.a_start : p.a_end] == lead.rstrip(".")


def test_unrelated_texts_share_nothing(wire: str, other: str) -> None:
    items = [article("a", wire), article("b", other)]
    assert near_duplicates(items) == [] and shared_passages(items) == ()


# --- passages through small edits -----------------------------------------------------------


def test_one_edited_sentence_is_one_passage(wire: str, other: str) -> None:
    sentence = wire.split(". ")[1]  # "Demnach sollen bis zum Jahr 2030 ..."
    changed = sentence.replace("mindestens", "wenigstens").replace("Prozent", "prozent")
    quoted = "„" + changed + "“"
    b = other + " " + quoted.replace("ß", "ss") + " Ende."
    passages = shared_passages([article("a", wire), article("b", b)])
    assert len(passages) == 1
    p = passages[0]
    assert p.words == len(sentence.split()) and p.similarity < 1.0
    assert wire[p.a_start : p.a_end].startswith("Demnach") and b[p.b_start : p.b_end].startswith(
        "Demnach"
    )


def test_passages_shorter_than_min_words_are_not_reported(wire: str, other: str) -> None:
    seven = " ".join(wire.split(" ")[:7])
    assert shared_passages([article("a", wire), article("b", other + " " + seven)]) == ()


# --- attribution and dependency --------------------------------------------------------------


def test_attribution_earliest_confirmed_and_flagged(wire: str, other: str) -> None:
    items = [
        article("w1", wire, "A", ("dpa",), published=at(2)),
        article("w2", edit(wire, 15), "B", ("dpa",), published=at(1)),
        article("blog", wire.split(". ")[0] + ". " + other, "C", published=at(3)),
    ]
    _, passages, attributions, deps = reuse(items)
    by_id = {a.article: a for a in attributions}
    assert by_id["w1"].confirmed_agencies == ("dpa",) and by_id["w2"].confirmed_agencies == ("dpa",)
    assert by_id["blog"].flagged_uncredited and not by_id["w1"].flagged_uncredited
    assert all(c.earliest == "w2" for a in attributions for c in a.passages)
    assert by_id["w2"].original and not by_id["w1"].original
    assert by_id["w1"].copied_share > 0.9 and 0 < by_id["blog"].copied_share < 0.5
    dep = {d.source: d for d in deps}
    assert dep["A"].wire_share == by_id["w1"].wire_share
    assert dict(dep["C"].by_agency)["dpa"] == pytest.approx(by_id["blog"].wire_share)


def test_identical_timestamps_break_ties_by_id(wire: str) -> None:
    items = [article("z", wire, published=at(1)), article("m", wire, published=at(1))]
    attributions = attribute(items, shared_passages(items))
    assert {c.earliest for a in attributions for c in a.passages} == {"m"}


def test_outlet_without_copy_has_zero_dependency(wire: str, other: str) -> None:
    items = [article("a", wire, "A"), article("b", other, "B")]
    deps = outlet_dependency(items, attribute(items, shared_passages(items)))
    assert [(d.source, d.articles, d.wire_share) for d in deps] == [("A", 1, 0.0), ("B", 1, 0.0)]


# --- incremental ------------------------------------------------------------------------------


def _corpus(wire: str, other: str) -> list[Article]:
    return [
        article("a", wire, "A", ("dpa",)),
        article("b", other, "B"),
        article("c", edit(wire, 10), "C"),
        article("d", wire, "D"),
        article("e", wire.split(". ")[0] + ". " + other, "E"),
        article("f", edit(other, 9), "F"),
    ]


def _passage_set(passages) -> set[tuple]:
    return {(p.a, p.a_start, p.a_end, p.b, p.b_start, p.b_end) for p in passages}


def test_incremental_add_equals_batch(wire: str, other: str) -> None:
    items = _corpus(wire, other)
    batch = ReuseIndex()
    batch.add(items)
    inc = ReuseIndex()
    seen: list = []
    for chunk in (items[:2], items[2:3], items[3:]):
        update = inc.add(chunk)
        seen.extend(update.passages)
        assert set(update.added) == {a.id for a in chunk}
    assert [g.articles for g in inc.groups()] == [g.articles for g in batch.groups()]
    assert _passage_set(inc.passages()) == _passage_set(batch.passages()) == _passage_set(seen)


def test_update_reports_only_new_links(wire: str, other: str) -> None:
    index = ReuseIndex()
    index.add([article("a", wire), article("b", other)])
    update = index.add([article("c", edit(wire, 10))])
    assert [(link.a, link.b, link.kind) for link in update.links] == [("a", "c", "near")]
    assert {p.b for p in update.passages} == {"c"}
    assert {a.article for a in update.attributions} == {"a", "c"}


def test_growing_group_replaces_its_old_id(wire: str, other: str) -> None:
    index = ReuseIndex()
    first = index.add([article("a", wire), article("b", edit(wire, 10)), article("x", other)])
    (old,) = first.groups
    update = index.add([article("c", edit(wire, 11))])
    (new,) = update.groups
    assert new.articles == ("a", "b", "c") and update.replaced == (old.id,)
    assert [g.id for g in index.groups()] == [new.id]


def test_readding_changes_nothing(wire: str, other: str) -> None:
    items = _corpus(wire, other)
    index = ReuseIndex()
    index.add(items)
    before = (index.groups(), index.passages(), index.links())
    update = index.add(items)
    assert update.links == () and update.passages == () and update.added == ()
    assert (index.groups(), index.passages(), index.links()) == before


def test_index_round_trips_through_bytes(wire: str, other: str) -> None:
    items = _corpus(wire, other)
    index = ReuseIndex()
    index.add(items[:4])
    restored = ReuseIndex.from_bytes(index.to_bytes())
    assert restored.groups() == index.groups() and restored.passages() == index.passages()
    a, b = index.add(items[4:]), restored.add(items[4:])
    assert a == b


# --- bad input ------------------------------------------------------------------------------------


def test_repeated_boilerplate_beyond_max_df_is_ignored(wire: str) -> None:
    items = [article(str(i), wire) for i in range(3)]
    assert len(shared_passages(items, PassageConfig(max_df=2))) == 0
    assert len(shared_passages(items)) == 3


def test_empty_and_one_word_texts_are_never_grouped_or_shared(wire: str) -> None:
    items = [article(str(i), t) for i, t in enumerate(["", "", "Wort", "Wort", "   ", wire])]
    groups = near_duplicates(items)
    assert [g.articles for g in groups] == [("2", "3")]  # same single word: an exact copy
    assert shared_passages(items) == ()
    attributions = attribute(items, ())
    assert all(a.copied_share == 0.0 and a.passages == () for a in attributions)


def test_megabyte_text_and_non_latin_scripts(wire: str) -> None:
    filler = " ".join(f"wort{i}" for i in range(110_000))  # about 1 MB of distinct words
    big = filler[:500_000] + " " + wire + " " + filler[500_000:]
    cyr = "Президент России Владимир Путин встретился с лидером Северной Кореи Ким Чен Ыном на космодроме"
    zh = "俄罗斯总统普京在东方航天发射场会见了朝鲜领导人金正恩双方讨论了合作问题"
    items = [
        article("big", big),
        article("small", wire),
        article("ru1", cyr),
        article("ru2", cyr + " сегодня"),
        article("zh1", zh),
        article("zh2", zh),
    ]
    groups = {g.articles: g.kind for g in near_duplicates(items)}
    assert groups[("zh1", "zh2")] == "exact"
    assert groups[("ru1", "ru2")] == "near"
    # a text hidden in one 100 times its size is a shared passage, not a duplicate
    assert ("big", "small") not in groups
    passages = shared_passages(items[:2])
    assert passages and all(big[p.a_start : p.a_end] == wire[p.b_start : p.b_end] for p in passages)


def _jaccard(a: str, b: str, k: int) -> float:
    def grams(t: str) -> set[tuple[str, ...]]:
        w = re.findall(r"[0-9a-zäöüß]+", t.lower().replace("ß", "ss"))
        return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)}

    x, y = grams(a), grams(b)
    return len(x & y) / len(x | y)
