from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.text import segment, sentence_spans, split_sentences

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CASES = [
    (
        "Der russische Präsident hat Kim die Unterstützung beim Bau von Satelliten zugesichert. "
        "«Deswegen sind wir ins Kosmodrom Wostotschny gekommen», sagte Putin auf entsprechende "
        "Fragen der Presse. Kim zeige grosses Interesse an russischer Raketentechnik, sagte Putin.",
        3,
    ),
    ("„Wir kommen.“ Dann ging er.", 2),
    ('Er sagte: "Wir kommen." Dann ging er.', 2),
    ("«Unsere Länder kooperieren.» Das sagte Peskow.", 2),
    ("Er sagte: «Unsere Länder kooperieren.»", 1),
    ("Das gilt z.B. für Dr. Müller und u.a. für Nr. 5 bzw. ca. 3 Mio. Euro. Dann St. Gallen.", 2),
    ("Prof. Dr. Meier und 2 Mrd. Euro gingen, etc. Er ging.", 2),
    ("Am 13. September 2023 war der 2. Besuch. Am 13.09.2023 kamen 1.500, also 1,5 Prozent.", 2),
    ("Er wartete... Dann kam sie. Siehe www.example.com/a.html für mehr. Ende?! Ja.", 5),
    ("Was nun? Wir wissen es nicht! Oder doch…", 3),
]

EN_CASES = [
    (
        "J. R. R. Tolkien wrote books. Mr. Smith lives in the U.S. and reads, i.e. a lot. He left.",
        3,
    ),
    ('"We came here," Putin said. Kim nodded.', 2),
]


@pytest.mark.parametrize(("text", "n"), CASES)
def test_german_cases(text, n):
    assert len(split_sentences(text, "de")) == n, split_sentences(text, "de")


@pytest.mark.parametrize(("text", "n"), EN_CASES)
def test_english_cases(text, n):
    assert len(split_sentences(text, "en")) == n, split_sentences(text, "en")


def test_quote_continuation_is_one_sentence():
    s = split_sentences("Er nickte. «Deswegen sind wir gekommen», sagte Putin. Gut.")
    assert s[1] == "«Deswegen sind wir gekommen», sagte Putin."


def test_line_breaks_are_hard_and_headings_are_sentences():
    text = "Ort des Treffens\nDas Zentrum liegt weit. Es ist neu\n\n  (dpa/red)  "
    assert split_sentences(text) == [
        "Ort des Treffens",
        "Das Zentrum liegt weit.",
        "Es ist neu",
        "(dpa/red)",
    ]


def test_unknown_language_falls_back():
    assert (
        split_sentences("One. Two.", None)
        == split_sentences("One. Two.", "xx")
        == [
            "One.",
            "Two.",
        ]
    )


def test_empty():
    assert sentence_spans("") == [] and sentence_spans(" \n\n ") == []


def test_rejects_non_str():
    with pytest.raises(TypeError, match="needs a str"):
        sentence_spans(b"bytes")  # type: ignore[arg-type]


def test_seed_000_three_sentence_paragraph():
    path = EXAMPLES / "000_98dadad234490a67.txt"
    if not path.exists():
        pytest.skip("examples/ not present")
    sents = split_sentences(path.read_text(encoding="utf-8"))
    i = sents.index(
        "Der russische Präsident hat Kim die Unterstützung beim Bau von Satelliten zugesichert."
    )
    assert sents[i + 1].startswith("«Deswegen") and sents[i + 1].endswith("der Presse.")
    assert sents[i + 2] == "Kim zeige grosses Interesse an russischer Raketentechnik, sagte Putin."
    assert sents[-1] == "(sda/reuters/mdl)"


def _check_spans(text, spans):
    prev = 0
    for start, end in spans:
        assert prev <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and "\n" not in piece
        prev = end


_alphabet = st.sampled_from(list("ab .!?«»„“\"',:\n 1 2 z.B. Dr. …"))


@given(st.text(alphabet=_alphabet, max_size=200))
def test_spans_ordered_stripped_within_lines(text):
    _check_spans(text, sentence_spans(text))


@given(st.text())
def test_spans_any_text(text):
    _check_spans(text, sentence_spans(text, "en"))


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab. !?»«")), max_size=40), max_size=6))
def test_lines_respected(lines):
    text = "\n".join(lines)
    got = split_sentences(text)
    per_line = [s for line in lines for s in split_sentences(line)]
    assert got == per_line


ABBREVIATION_CASES = [
    ("en", "The first treatment received approval from the U.S. Food and Drug Administration.", 1),
    ("en", "At 8 a.m. Friday, deputies found the body. It was cold.", 2),
    ("en", "The no-shows were Sens. John Kerry and Bob Graham. They declined all calls.", 2),
    ("en", "He spoke to the U.N. Security Council on Jan. 5 with Dr. J. Smith. Then he left.", 2),
    ("en", "He lives in the U.S. He left for good.", 2),
    ("de", "Das gilt z.B. hier und für Nr. 5 am 3. Oktober 2023 in St. Gallen. Dann ging er.", 2),
    ("de", "Am 13. Jan. kam Dr. Meier. Er ging bald.", 2),
    ("fr", "M. Dupont a vu Mme. Martin le 3 janv. à Paris. Il est parti.", 2),
    ("it", "Il sig. Rossi ha visto il dott. Bianchi. Poi è partito.", 2),
    ("es", "El Sr. García vio a la Dra. López en la Avda. Central. Luego se fue.", 2),
    ("es", "El Sr. García llegó a EE.UU. El lunes se fue.", 2),
]


@pytest.mark.parametrize(("language", "text", "n"), ABBREVIATION_CASES)
def test_abbreviations_stay_whole(language, text, n):
    got = split_sentences(text, language)
    assert len(got) == n, got
    assert all(len(sentence.split()) >= 3 for sentence in got), got


def test_lone_closing_quote_joins_its_sentence():
    text = '"I have heard the people say, \'Enough is enough,\' " Pataki said. "'
    assert len(split_sentences(text, "en")) == 1


def test_msrp_sentences_are_rarely_cut():
    import csv

    path = Path(__file__).resolve().parents[3] / "shared" / "data" / "paraphrase-dev"
    path = path / "msrp_train.csv"
    if not path.exists():
        pytest.skip("shared/data/paraphrase-dev is absent")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cut = sum(
        len(split_sentences(r[k], "en")) > 1 for r in rows for k in ("sentence1", "sentence2")
    )
    assert cut <= 8  # was 93 of 8,152 before the abbreviation joins; 4 now


# ------------------------------------------------------------ long lines and long words


def test_a_long_line_is_cut_into_pieces_without_losing_or_adding_sentence_ends() -> None:
    sentences = [
        f"Der Rat hat am {k % 28 + 1}. Mai über Antrag {k} entschieden." for k in range(900)
    ]
    line = " ".join(sentences)
    assert len(line) > 5 * segment.PIECE
    assert split_sentences(line, "de") == sentences


def test_yasbd_reads_pieces_of_bounded_length_with_long_words_masked(monkeypatch) -> None:
    seen: list[str] = []
    detector = segment._detector("de")
    real = detector.detect
    monkeypatch.setattr(detector, "detect", lambda text: seen.append(text) or real(text))
    word = "x" * 100_000  # one "word" of the length at which an article is still accepted
    text = f"Erster Satz hier. {word} und dann der zweite Satz."
    assert split_sentences(text, "de") == ["Erster Satz hier.", f"{word} und dann der zweite Satz."]
    assert seen and max(map(len, seen)) <= segment.PIECE
    assert "x" * segment.LONG_WORD not in "".join(seen)
