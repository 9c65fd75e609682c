"""The compiled kernels equal the numpy + rensa path bit for bit; the fallback still works."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.reuse import dedup as dd
from storyline.reuse import tokens as tk
from storyline.reuse.index import ReuseIndex
from tests.reuse.helpers import article, edit

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Every branch of the normalisation: ASCII case, Latin-1 capitals and their exceptions
# (U+00D7, U+00DE/DF), sharp s, Latin-1 and general punctuation ranges and their edges,
# C1 controls, Cyrillic/Greek (case kept), CJK, emoji (4 bytes), a lone surrogate, NUL.
CHARS = list(
    "aZ09 .,;:-–—„“«»'\"\n\tÄÖÜäöüßẞÀÞàþ×÷\u00a0\u00bf\u00c0\u0080\u009f\u00b7"
    "\u2000\u201e\u206f\u207f\u2080\u1fff\u2100ЖжΩω中文日本語😀🙂\U0010ffff\ud800\x00"
)
TEXT = st.text(alphabet=st.sampled_from(CHARS), max_size=120)


def _mod():  # type: ignore[no-untyped-def]
    mod = tk.native()
    if mod is None:
        pytest.skip(
            "compiled kernels unavailable: not built (pip install -e .) or STORYLINE_NO_NATIVE=1"
        )
    return mod


def _real_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    pairs = DATA / "semeval2022-dev" / "pairs.csv"
    if pairs.exists():
        with pairs.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))[::10]
        texts += [r[c] for r in rows for c in ("text1", "text2")]
    if not texts:
        pytest.skip("no real texts (examples/ or shared data) present")
    return texts


def _same_tokens(a: tk.Tokens, b: tk.Tokens) -> None:
    for name in ("hashes", "starts", "ends", "offsets"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.tolist() == y.tolist(), name


def _same_signatures(texts: list[str], config: dd.DedupConfig) -> None:
    tokens = tk._tokenise_native(_mod(), texts, False)
    for k in (1, 2, config.shingle, 6):
        fast, ref = dd.shingles(tokens, k), dd._shingles_numpy(tokens, k)
        assert fast[0].tolist() == ref[0].tolist() and fast[1].tolist() == ref[1].tolist()
    sh = dd.shingles(tokens, config.shingle)
    assert np.array_equal(dd.signatures(*sh, config), dd._signatures_rensa(*sh, config))


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, max_size=8))
def test_native_tokens_equal_numpy_tokens(texts: list[str]) -> None:
    mod = _mod()
    for positions in (True, False):
        _same_tokens(
            tk._tokenise_native(mod, texts, positions), tk._tokenise_numpy(texts, positions)
        )


def test_native_tokens_equal_numpy_on_real_multilingual_texts() -> None:
    texts = _real_texts() + ["", "Straße ÄRGER", "x" * 300, "中" * 500]
    _same_tokens(tk._tokenise_native(_mod(), texts, True), tk._tokenise_numpy(texts, True))


def test_native_tokens_of_no_texts_and_long_words() -> None:
    mod = _mod()
    _same_tokens(tk._tokenise_native(mod, [], True), tk._tokenise_numpy([], True))
    long = ["ä" * 70 + "b" * 40, "a" * 63, "a" * 64, "a" * 65, "€" * 30, "a" * 1023]
    long += ["a" * 1024 + " b", "x " + "ß" * 600, "€" * 400 + " y", "😀" * 300]  # slow path
    _same_tokens(tk._tokenise_native(mod, long, True), tk._tokenise_numpy(long, True))


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXT, max_size=8), st.sampled_from([(128, 1), (100, 7), (16, 3), (1, 2)]))
def test_native_shingles_and_signatures_equal_numpy_and_rensa(
    texts: list[str], perm_seed: tuple[int, int]
) -> None:
    _same_signatures(texts, dd.DedupConfig(num_perm=perm_seed[0], bands=1, seed=perm_seed[1]))


def test_native_signatures_equal_rensa_on_real_and_long_texts() -> None:
    rng = np.random.default_rng(5)
    long = " ".join(f"w{i}" for i in rng.integers(0, 10**9, size=70_000))  # rensa's big-set path
    texts = _real_texts() + [long, "", "eins", "eins zwei drei"]
    _same_signatures(texts, dd.DedupConfig())
    _same_signatures(texts, dd.DedupConfig(num_perm=96, bands=32, seed=11))


def test_signatures_skip_leading_rows_of_offsets() -> None:
    _mod()
    tokens = tk.tokenise(["eins zwei drei vier fünf", "sechs sieben acht neun zehn elf"])
    sh, off = dd.shingles(tokens, 2)
    config = dd.DedupConfig()
    tail = dd.signatures(sh, off[1:], config)
    assert np.array_equal(tail, dd._signatures_rensa(sh, off[1:], config))
    assert np.array_equal(tail[0], dd.signatures(sh, off, config)[1])


def test_native_rejects_bad_input_with_clear_errors() -> None:
    mod = _mod()
    with pytest.raises(TypeError, match="text 1 is int"):
        mod.word_capacity(["a", 3])
    with pytest.raises(TypeError, match="list of str"):
        mod.word_capacity(("a",))
    small = np.empty(0, np.uint64)
    with pytest.raises(ValueError, match="buffer hashes"):
        mod.tokenise(["ein Wort"], small, np.empty(2, np.int64))
    bad = np.array([0, 5, 2], np.int64)
    with pytest.raises(ValueError, match="offsets"):
        mod.minhash(np.zeros(5, np.uint64), bad, 8, 1, np.empty((2, 8), np.uint32))
    with pytest.raises(ValueError, match="offsets"):
        mod.shingles(np.zeros(5, np.uint64), bad, 2, np.empty(5, np.uint64), np.empty(3, np.int64))


def test_threads_give_the_same_signatures_as_one_thread() -> None:
    _mod()
    texts = [edit(t, 3) for t in _real_texts()]
    size = sum(len(t.encode()) for t in texts)
    texts *= 3 * tk._BATCH_BYTES // size + 1  # several batches, with or without ../shared
    config = dd.DedupConfig()

    def sign(tokens: tk.Tokens) -> np.ndarray:
        return dd.signatures(*dd.shingles(tokens, config.shingle), config)

    one = np.concatenate(tk.map_batches(texts, sign, 1, positions=False))
    two = np.concatenate(tk.map_batches(texts, sign, 2, positions=False))
    assert len(tk.batches(texts)) > 1 and np.array_equal(one, two)


def test_forced_fallback_gives_the_same_index(
    monkeypatch: pytest.MonkeyPatch, wire: str, other: str
) -> None:
    texts = [wire, edit(wire, 9), other, wire[: len(wire) // 2], "", "Ä ß 中文 😀"]
    articles = [article(f"a{i}", t) for i, t in enumerate(texts)]

    def build() -> ReuseIndex:
        index = ReuseIndex(find_passages=True)
        index.add(articles)
        return index

    monkeypatch.setenv("STORYLINE_NO_NATIVE", "1")
    assert tk.native() is None
    slow = build()
    monkeypatch.delenv("STORYLINE_NO_NATIVE")
    fast = build()
    assert np.array_equal(fast.sig_, slow.sig_)
    _same_tokens(fast.tokens_, slow.tokens_)
    assert [g.articles for g in fast.groups()] == [g.articles for g in slow.groups()]
    assert any(len(g.articles) >= 3 for g in slow.groups())  # the copies were found
