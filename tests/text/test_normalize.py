from hypothesis import given
from hypothesis import strategies as st

from storyline.text import match_form, nfc, normalize_newlines, words


def test_nfc_composes():
    assert nfc("e\u0301") == "\u00e9"


def test_normalize_newlines():
    assert normalize_newlines("a\r\nb\rc\u2028d\u2029e\nf") == "a\nb\nc\nd\ne\nf"


def test_swiss_spelling_matches_sharp_s():
    assert match_form("Kim zeige grosses Interesse") == match_form("Kim zeige großes Interesse")


def test_quote_styles_match():
    forms = {match_form(q) for q in ["«Ja»", "„Ja“", "“Ja”", "‚Ja‘", "‹Ja›", '"Ja"', "'Ja'"]}
    assert forms == {'"ja"'}


def test_dashes_and_spaces():
    assert match_form("a – b\u00a0\u2009— c  −  d\n") == "a - b - c - d"


def test_soft_hyphen_dropped():
    assert match_form("Raketen\u00adtechnik") == "raketentechnik"


def test_words_keep_inner_hyphen_apostrophe_and_numbers():
    assert words("Don’t: Atom-U-Boote, 1.500 und 1,5!") == [
        "don't",
        "atom-u-boote",
        "1.500",
        "und",
        "1,5",
    ]


def test_words_drop_punctuation():
    assert words("«Wir kommen», sagte er.") == ["wir", "kommen", "sagte", "er"]


@given(st.text())
def test_match_form_idempotent(s):
    assert match_form(match_form(s)) == match_form(s)


@given(st.text())
def test_match_form_has_no_outer_or_double_space(s):
    m = match_form(s)
    assert m == m.strip() and "  " not in m and "\n" not in m


@given(st.text())
def test_words_are_in_match_form(s):
    m = match_form(s)
    for w in words(s):
        assert w.replace("'", '"') in m


def test_strip_controls_keeps_text_and_line_breaks() -> None:
    from storyline.text.normalize import strip_controls

    assert strip_controls("a\x1b[31mb\x07c\x00d\x9be\tf\ng") == "a[31mbcde\tf\ng"
    assert strip_controls("Größe «Zitat» – 東京") == "Größe «Zitat» – 東京"
