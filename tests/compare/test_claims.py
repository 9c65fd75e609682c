from pathlib import Path

import pytest

from storyline.compare.claims import compatible, text_conflicts
from storyline.compare.evaluation import Score, read_jsonl
from storyline.compare.numbers import find_quantities

DATA = Path(__file__).resolve().parents[1] / "data"


def _score(name):
    tp = fp = fn = 0
    for r in read_jsonl(DATA / name):
        pred = bool(text_conflicts(r["a"], r["la"], r["b"], r["lb"]))
        tp += pred and r["conflict"]
        fp += pred and not r["conflict"]
        fn += not pred and r["conflict"]
    return Score(tp, fp, fn)


@pytest.mark.parametrize("name", ["claims_pairs.jsonl", "claims_heldout.jsonl"])
def test_conflict_detection_floor(name):
    s = _score(name)
    assert s.tp + s.fn >= 15
    assert s.precision >= 0.9 and s.recall >= 0.7  # measured 1.0 / 1.0 on both (see docs)


def test_seed_distances_are_different_facts():
    a = "Das Raumfahrtzentrum Wostotschny liegt mehr als 1500 Kilometer nördlich von Wladiwostok."
    b = "Der Weltraumbahnhof Wostotschny liegt im Gebiet Amur rund 100 Kilometer von der Grenze zu China entfernt."
    assert text_conflicts(a, "de", b, "de") == []


def test_compatible_restatement_of_visits():
    a = "Für Kim ist es der zweite Besuch in Russland nach einem Treffen mit Putin im April 2019."
    b = "Es ist die erste Visite Kims seit 2019 in Russland."
    assert text_conflicts(a, "de", b, "de") == []


def test_number_conflict_names_both_values_across_languages():
    (c,) = text_conflicts(
        "Bei dem Anschlag wurden 12 Menschen getötet.", "de", "The attack killed 21 people.", "en"
    )
    assert c.reason == "number" and c.values == ("12 Menschen", "21 people")


def test_intervals_from_qualifiers():
    (more,) = find_quantities("mehr als 1500 Kilometer", "de")
    (about,) = find_quantities("etwa 1600 Kilometer", "de")
    (less,) = find_quantities("900 Kilometer", "de")
    assert compatible(more, about) and not compatible(more, less)
