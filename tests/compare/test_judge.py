"""The sentence judge: the hand examples of issue #18, bad input, batch = single."""

from __future__ import annotations

import pytest

from storyline.compare import judge, judge_many
from storyline.compare.judgement import JUDGE_KINDS, SAME, default_model

CONFLICTS = [
    ("Der Bundestag hat das Gesetz angenommen.", "Der Bundestag hat das Gesetz nicht angenommen.",
     "de", "negation"),
    ("Die Polizei nahm zwei Verdächtige fest.", "Die Polizei nahm keine Verdächtigen fest.",
     "de", "number_none"),
    ("Company profits rose in the third quarter.", "Company profits fell in the third quarter.",
     "en", "direction"),
    ("Der Umsatz des Konzerns stieg im dritten Quartal.",
     "Der Umsatz des Konzerns sank im dritten Quartal.", "de", "direction"),
    ("Bayern München gewann 2:1 gegen Schalke.", "Borussia Dortmund gewann 2:1 gegen Schalke.",
     "de", "actor"),
    ("Die Firma verlor im Jahr 2022 12 Millionen Franken.",
     "Die Firma verlor im Jahr 2022 15 Millionen Franken.", "de", "number"),
    ("Bei dem Unfall auf der Autobahn starben drei Menschen.",
     "Bei dem Unfall auf der Autobahn starben fünf Menschen.", "de", "number"),
    ("Germany beat France in the final on Sunday.", "France beat Germany in the final on Sunday.",
     "en", "roles"),
    ("The minister confirmed the report on Monday.", "The minister denied the report on Monday.",
     "en", "attribution"),
    ("Le Parlement a adopté la loi sur le climat.", "Le Parlement n'a pas adopté la loi sur le climat.",
     "fr", "negation"),
    ("Il governo ha approvato la legge.", "Il governo non ha approvato la legge.", "it", "negation"),
    ("El gobierno aprobó la ley ayer.", "El gobierno no aprobó la ley ayer.", "es", "negation"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "language", "kind"), CONFLICTS)
def test_hand_conflicts(a: str, b: str, language: str, kind: str) -> None:
    j = judge(a, b, language)
    assert j.kind == "conflict", j
    assert kind in {c.kind for c in j.conflicts}, j.conflicts
    assert all(any(side) for c in j.conflicts for side in [c.words]), j.conflicts


def test_truncated_clause_extends() -> None:
    short = "The assassination of President Kennedy marked the end of America's innocence."
    long = (
        "The assassination of President Kennedy marked the end of America's innocence, "
        "giving way to the turmoil and disillusion of the 1960s and '70s."
    )
    j = judge(short, long, "en")
    assert j.kind == "extends", j
    assert j.evidence.a_in_b > 0.9 > j.evidence.b_in_a


def test_paraphrase_and_near_verbatim() -> None:
    a = "Kim zeige grosses Interesse an russischer Raketentechnik, sagte Putin."
    b = "Kim zeige großes Interesse an der russischen Raketentechnik, sagte Putin."
    assert judge(a, b, "de").kind == "near_verbatim"
    c = "Stewart said she intends to declare her innocence and proceed to trial if indicted."
    d = "Stewart intends to declare her innocence if indicted and proceed to trial, her lawyer said."
    assert judge(c, d, "en").kind in SAME


def test_verbatim_and_unrelated() -> None:
    s = "Putin empfing Kim auf dem Weltraumbahnhof Wostotschny."
    assert judge(s, "  " + s.replace("Weltraumbahnhof", "WELTRAUMBAHNHOF"), "de").kind == "verbatim"
    other = "Die Zentralbank senkte den Leitzins um einen Viertelpunkt."
    assert judge(s, other, "de").kind == "unique"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("", ""),
        ("   ", "Etwas steht hier."),
        ("Wort " * 4000, "Wort " * 10),
        ("12 15 2023", "12 15 2024"),
        ("Der Kanzler reiste nach Paris.", "The chancellor travelled to Paris."),
        ("وصل الرئيس إلى باريس اليوم.", "وصل الرئيس إلى برلين اليوم."),
        ("同じ文です。", "同じ文です。"),
    ],
)
def test_bad_input_has_a_defined_answer(a: str, b: str) -> None:
    j = judge(a, b)
    assert j.kind in JUDGE_KINDS
    assert 0.0 <= j.score <= 1.0


def test_empty_pair_is_unique_and_identical_is_verbatim() -> None:
    assert judge("", "").kind == "unique"
    assert judge("12 15", "12 15").kind == "verbatim"


def test_batch_gives_the_single_answers() -> None:
    pairs = [(a, b) for a, b, _, _ in CONFLICTS[:4]]
    langs = [lang for _, _, lang, _ in CONFLICTS[:4]]
    assert judge_many(pairs, langs) == [
        judge(a, b, lang) for (a, b), lang in zip(pairs, langs, strict=True)
    ]


def test_judge_rejects_non_text_and_mismatched_languages() -> None:
    with pytest.raises(TypeError, match="str"):
        judge(None, "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one per pair"):
        judge_many([("a", "b")], ["de", "en"])


def test_shipped_model_carries_its_cross_validation() -> None:
    model = default_model()
    assert 0.0 < model.same_threshold < 1.0
    assert model.method == "compare.judge.v1"


def test_story_analysis_reports_the_judges_conflicts() -> None:
    from storyline.compare import compare
    from storyline.compare.analysis import analyse
    from tests.compare.test_align import _article, _story

    a = _article(
        "a", "Der Bundestag hat am Freitag das neue Heizungsgesetz angenommen. Es gilt ab Mai."
    )
    b = _article("b", "Der Bundestag hat am Freitag das neue Heizungsgesetz nicht angenommen.")
    story = _story(a, b)
    found = analyse(story, [a, b], compare(story, [a, b])).conflicts
    assert [(c.reason, c.values) for c in found] == [("negation", ("", "nicht"))]
    assert (found[0].a.article, found[0].b.article) == ("a", "b")
