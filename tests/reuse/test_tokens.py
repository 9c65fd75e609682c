"""Byte-level tokenisation: offsets map back to the text, batching changes nothing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.reuse import dedup as dd
from storyline.reuse.tokens import doc_hashes, tokenise

TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ äöüÄÖÜß,.;:-–„“«»'\"\n\t 019ЖжΩ中") + ["\x00"]),
    max_size=80,
)


def _words(texts: list[str]) -> list[list[str]]:
    t = tokenise(texts)
    return [
        [
            texts[d][s:e]
            for s, e in zip(
                t.starts[t.offsets[d] : t.offsets[d + 1]],
                t.ends[t.offsets[d] : t.offsets[d + 1]],
                strict=True,
            )
        ]
        for d in range(len(texts))
    ]


def test_words_and_offsets_of_german_text() -> None:
    text = "„Großes Interesse“ – sagte PUTIN, am 13.9. in Wostotschny."
    assert _words([text]) == [
        ["Großes", "Interesse", "sagte", "PUTIN", "am", "13", "9", "in", "Wostotschny"]
    ]


def test_case_sharp_s_and_quotes_do_not_change_hashes() -> None:
    t = tokenise(["Straße „Ärger“", 'STRASSE "ärger"'])
    assert t.hashes[:2].tolist() == t.hashes[2:].tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, max_size=6))
def test_offsets_point_at_word_characters_only(texts: list[str]) -> None:
    for text, words in zip(texts, _words(texts), strict=True):
        for w in words:
            assert w and not any(c in " ,.;:-–„“«»'\"\n\t\x00" for c in w)
        rest = text
        for w in words:  # words appear in order, each once, in the text
            assert w in rest
            rest = rest[rest.index(w) + len(w) :]


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXT, max_size=6))
def test_tokenising_together_equals_tokenising_apart(texts: list[str]) -> None:
    together = tokenise(texts)
    for i, text in enumerate(texts):
        alone = tokenise([text])
        lo, hi = together.offsets[i], together.offsets[i + 1]
        assert together.hashes[lo:hi].tolist() == alone.hashes.tolist()
        assert together.starts[lo:hi].tolist() == alone.starts.tolist()
    assert doc_hashes(together).tolist() == [int(doc_hashes(tokenise([t]))[0]) for t in texts]


def test_shingles_of_short_and_empty_texts() -> None:
    t = tokenise(["", "eins zwei", "eins zwei drei vier fünf"])
    sh, off = dd.shingles(t, 4)
    assert np.diff(off).tolist() == [0, 1, 2]
