"""The on-disk simplemma index gives simplemma's answers, and survives bad cache files."""

from __future__ import annotations

import mmap
import re
from pathlib import Path

import pytest
import simplemma
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.compare import wordlist

from .seeds import seed_articles

EDGE = [
    "Haus", "haus", "HAUS", "Machthaber", "machthaber", "Wostotschny", "Raketentechnik",
    "gingen", "geht's", "Kim's", "Pazifik-Küste", "grosses", "großes", "Mu\u0308nchen",
    "2019", "dpa", "Kremlchef", "Kremlchefs", "ist", "Ist", "x", "Ä", "'nauf", "Putin",
]  # fmt: skip


def _seed_words() -> list[str]:
    words = {w for a in seed_articles() for w in re.findall(r"[\w'-]+", a.text)}
    return sorted(words | {w.lower() for w in words} | {w.capitalize() for w in words})


def test_known_and_lemma_match_simplemma_on_the_seeds() -> None:
    words = [*EDGE, *_seed_words()]
    assert len(words) > 500
    for w in words:
        assert wordlist.known(w, "de") == simplemma.is_known(w, lang="de"), w
        assert wordlist.lemma(w, "de") == simplemma.lemmatize(w, lang="de"), w


def test_english_matches_simplemma() -> None:
    for w in ["forty", "officials", "house", "Putin", "houses", "went", "zzzq"]:
        assert wordlist.known(w, "en") == simplemma.is_known(w, lang="en"), w


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aeinrstuäößKMPWch-'", min_size=1, max_size=12))
def test_known_matches_simplemma_on_any_word(word: str) -> None:
    assert wordlist.known(word, "de") == simplemma.is_known(word, lang="de")


def test_bad_input_is_refused_like_simplemma() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        wordlist.known("", "de")
    with pytest.raises(TypeError):
        wordlist.known(3, "de")  # type: ignore[arg-type]


RAW = {b"b": b"B", b"a": b"A", "ä".encode(): b"x", b"ab": b"", b"zz": "ü".encode()}


def test_index_looks_up_every_key_and_no_other() -> None:
    index = wordlist.index_of(RAW)
    assert dict(index.items()) == {k.decode(): v.decode() for k, v in RAW.items()}
    assert list(index) == sorted(k.decode() for k in RAW)  # sorted even from unsorted input
    for miss in ["", "aa", "c", "zzz", "A", "ab "]:
        assert index.get(miss) is None and miss not in index
    with pytest.raises(KeyError):
        index["c"]


def test_index_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "x.idx"
    wordlist._save(wordlist.index_of(RAW), path)
    loaded = wordlist._load(path)
    assert loaded is not None and dict(loaded.items()) == dict(wordlist.index_of(RAW).items())


def test_truncated_or_foreign_files_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.idx"
    wordlist._save(wordlist.index_of(RAW), path)
    whole = path.read_bytes()
    for cut in (len(whole) - 1, 20, 16, 3, 0):
        path.write_bytes(whole[:cut])
        assert wordlist._load(path) is None, cut
    path.write_bytes(b"not an index at all")
    assert wordlist._load(path) is None


def test_dictionary_is_saved_then_read_back(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path))
    wordlist.dictionary.cache_clear()
    try:
        built = wordlist.dictionary("ms")  # Malay: simplemma's smallest dictionary
        (path,) = tmp_path.glob("simplemma-*-ms-*.idx")
        wordlist.dictionary.cache_clear()
        read = wordlist.dictionary("ms")
        assert isinstance(read, wordlist.Index) and isinstance(read._buf, mmap.mmap)  # the file
        assert read is not built and len(read) == len(built) > 1000 and path.stat().st_size
        sample = list(built)[:: max(1, len(built) // 300)]
        assert all(read.get(k) == built.get(k) for k in sample)
    finally:
        wordlist.dictionary.cache_clear()


def test_unwritable_cache_folder_still_answers(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(blocker / "sub"))
    wordlist.dictionary.cache_clear()
    try:
        assert len(wordlist.dictionary("ms")) > 1000
        assert not (blocker / "sub").exists()
    finally:
        wordlist.dictionary.cache_clear()
