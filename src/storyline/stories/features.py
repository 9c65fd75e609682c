"""Per-article profiles and the pair features the similarity model combines.

A :class:`Profile` is computed once per article (sentences, lemmas, entity-like tokens,
numbers, shingles, embeddings of the text, lead and title) and reused for every pair the
article takes part in, both by :mod:`storyline.stories.similarity` and by the streaming
assigner.

Feature names are fixed and versioned with the model that uses them (see ``FEATURES``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np

from storyline.text.normalize import words
from storyline.text.segment import split_sentences

#: An encoder: texts in, one L2-normalised float32 row per text out.
Encoder = Callable[[list[str]], np.ndarray]

#: Features that need only the multilingual USE encoder (cheap, always available).
USE_FEATURES = (
    "use_cos",
    "use_lead_cos",
    "use_align_mean",
    "use_align_max",
    "use_align_top3",
    "use_align_share70",
    "use_title_cos",
    "title_in_body",
    "lemma_jaccard",
    "lemma_containment",
    "entity_jaccard",
    "entity_containment",
    "number_jaccard",
    "shingle_jaccard",
    "length_ratio",
    "same_language",
)
#: Extra features from multilingual-e5-small (optional, slower).
E5_FEATURES = ("e5_cos", "e5_lead_cos")

#: Sentences per article that take part in alignment (the lead carries the story).
MAX_SENTENCES = 24
#: Characters of the lead (title and first sentence) embedded on their own.
LEAD_CHARS = 300
#: A first line (up to a newline or a run of spaces) this long or shorter is the title.
TITLE_CHARS = 200

_CAPITALISED = re.compile(r"(?<![\w'])[^\W\d_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_TITLE_BREAK = re.compile(r"\n|\s{2,}")


@dataclass(frozen=True, slots=True)
class Profile:
    """What the similarity features need of one article; ``use``/``e5`` rows are unit length."""

    language: str | None
    chars: int
    lemmas: frozenset[str]
    entities: frozenset[str]
    numbers: frozenset[str]
    shingles: frozenset[int]
    use: np.ndarray  # (512,) whole text
    use_lead: np.ndarray  # (512,) lead
    use_sentences: np.ndarray  # (k, 512)
    e5: np.ndarray | None = None  # (384,)
    e5_lead: np.ndarray | None = None
    use_title: np.ndarray | None = None  # (512,) title (see :func:`title`)
    title_lemmas: frozenset[str] = frozenset()


@cache
def _lemmatizer(language: str) -> Callable[[str], str] | None:
    """simplemma's lemmatiser for ``language`` (None when simplemma has no dictionary for it).
    Every language goes through the on-disk index of :mod:`storyline.compare.wordlist`: same
    answers as ``simplemma.lemmatize``, without decoding the dictionary in every process
    (~1.5 s per language per process; the index is built once per machine and memory-mapped,
    so forked workers share its pages)."""
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    from storyline.compare.wordlist import lemma

    if language not in SUPPORTED_LANGUAGES:
        return None
    return lambda w: lemma(w, language)


def lemmas(text: str, language: str | None) -> frozenset[str]:
    """Content lemmas of ``text`` (tokens of 3+ characters; CJK text as character bigrams)."""
    tokens = words(text)
    if language in ("zh", "ja"):
        joined = "".join(tokens)
        return frozenset(joined[i : i + 2] for i in range(len(joined) - 1))
    lemma = _lemmatizer(language) if language else None
    if lemma is not None:
        tokens = [lemma(t).casefold() for t in tokens]
    return frozenset(t for t in tokens if len(t) >= 3 and not t.isdigit())


def entities(sentences: Sequence[str]) -> frozenset[str]:
    """Capitalised tokens that do not open a sentence, casefolded (names, places, bodies)."""
    found: set[str] = set()
    for sentence in sentences:
        for i, match in enumerate(_CAPITALISED.finditer(sentence)):
            token = match.group()
            if i > 0 and token[0].isupper() and len(token) >= 2:
                found.add(token.casefold().rstrip("'’-"))
    return frozenset(found)


def numbers(text: str) -> frozenset[str]:
    """Number tokens with separators removed ("1.500" and "1,500" both give "1500")."""
    return frozenset(re.sub(r"\D", "", n) for n in _NUMBER.findall(text))


def shingles(text: str, n: int = 4) -> frozenset[int]:
    """Hashes of word ``n``-grams of the match form (shared passages)."""
    toks = words(text)
    grams = (" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return frozenset(zlib.crc32(g.encode()) for g in grams)


def lead(text: str, sentences: Sequence[str]) -> str:
    """The title and first sentence (at most :data:`LEAD_CHARS` characters)."""
    head = " ".join(sentences[:2]) if sentences else text
    return head[:LEAD_CHARS]


def title(raw: str) -> str | None:
    """The title: ``raw``'s first line when a newline or a run of spaces ends it within
    :data:`TITLE_CHARS` (how title and body are joined in articles and scraped pairs);
    None when the layout marks none."""
    text = raw.strip()
    found = _TITLE_BREAK.search(text[: TITLE_CHARS + 1])
    if found and found.start() >= 8:
        return " ".join(text[: found.start()].split())
    return None


def _segments(text: str, language: str | None) -> list[str]:
    found = [s for s in split_sentences(text, language) if len(s) >= 2]
    return found[:MAX_SENTENCES] or [text]


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norm = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.maximum(norm, 1e-12)


def prepared(
    texts: Sequence[str], languages: Sequence[str | None]
) -> tuple[list[str], list[list[str]], list[str]]:
    """(whitespace-normalised texts, their sentences, their leads): what :func:`profiles`
    encodes (e5 takes the texts and the leads)."""
    flat = [" ".join(t.split()) or "-" for t in texts]
    segs = [_segments(t, lang) for t, lang in zip(flat, languages, strict=True)]
    return flat, segs, [lead(t, s) for t, s in zip(flat, segs, strict=True)]


def profiles(
    texts: Sequence[str],
    languages: Sequence[str | None],
    use: Encoder,
    e5: Encoder | None = None,
) -> list[Profile]:
    """Profiles of ``texts``; all sentences of all texts are encoded in one batch. The title
    comes from the raw layout (a marked first line), so pass texts with their newlines."""
    raw = list(texts)
    texts, segs, leads = prepared(raw, languages)
    titles = [title(r) for r in raw]
    flat = [s for group in segs for s in group]
    marked = [t for t in titles if t]
    vecs = _unit(use(texts + leads + marked + flat))
    n = len(texts)
    e5_vecs = _unit(e5(texts + leads)) if e5 is not None else None
    out, at, t = [], 2 * n + len(marked), 2 * n
    for i, (text, lang, group) in enumerate(zip(texts, languages, segs, strict=True)):
        sent = vecs[at : at + len(group)]
        at += len(group)
        p = _profile(text, lang, group, vecs[i], vecs[n + i], sent, e5_vecs, i, n)
        if name := titles[i]:
            p = replace(p, use_title=vecs[t], title_lemmas=lemmas(name, lang))
            t += 1
        out.append(p)
    return out


def _profile(
    text: str,
    lang: str | None,
    sentences: list[str],
    use: np.ndarray,
    use_lead: np.ndarray,
    sent: np.ndarray,
    e5_vecs: np.ndarray | None,
    i: int,
    n: int,
) -> Profile:
    return Profile(
        language=lang,
        chars=len(text),
        lemmas=lemmas(text, lang),
        entities=entities(sentences),
        numbers=numbers(text),
        shingles=shingles(text),
        use=use,
        use_lead=use_lead,
        use_sentences=sent,
        e5=None if e5_vecs is None else e5_vecs[i],
        e5_lead=None if e5_vecs is None else e5_vecs[n + i],
    )


def _jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    if not a and not b:
        return 0.0
    shared = len(a & b)  # the union's size without building it
    return shared / (len(a) + len(b) - shared)


def _containment(a: frozenset[Any], b: frozenset[Any]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _mean32(x: np.ndarray) -> float:
    """``float(x.mean())`` of a float32 vector, bit for bit, without ``np.mean``'s overhead
    (it is called for every scored pair)."""
    return float(np.float32(float(np.add.reduce(x)) / x.shape[0]))


def _alignment(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, float]:
    sims = a.astype(np.float32, copy=False) @ b.astype(np.float32, copy=False).T  # f16: no BLAS
    best = np.concatenate([sims.max(axis=1), sims.max(axis=0)])
    top = np.sort(best)[::-1][:3]
    share = np.count_nonzero(best >= 0.7) / best.shape[0]
    return _mean32(best), float(best.max()), _mean32(top), float(share)


def _titled(a: Profile, b: Profile) -> bool:
    """Whether the pair has two titles to compare: both texts mark one, and the two differ
    in more than numbers and short words. A title shared that way is a template ("Report 12"
    and "Report 13", "Polizeibericht vom 5. Dezember" and "... vom 6. Dezember") as often as a
    copied headline, and a copy shows in the bodies anyway: such a pair is judged as if
    neither marked a title, so a template does not glue unrelated reports."""
    return bool(a.title_lemmas) and bool(b.title_lemmas) and a.title_lemmas != b.title_lemmas


def title_cos(a: Profile, b: Profile) -> float:
    """USE cosine of the titles; of the leads unless the pair has two titles (:func:`_titled`)."""
    if a.use_title is None or b.use_title is None or not _titled(a, b):
        return float(a.use_lead @ b.use_lead)
    return float(a.use_title @ b.use_title)


def title_in_body(a: Profile, b: Profile) -> float:
    """Mean share of each title's lemmas found anywhere in the other text (lemma containment
    unless the pair has two titles, :func:`_titled`)."""
    if not _titled(a, b):
        return _containment(a.lemmas, b.lemmas)
    ab = len(a.title_lemmas & b.lemmas) / len(a.title_lemmas)
    ba = len(b.title_lemmas & a.lemmas) / len(b.title_lemmas)
    return (ab + ba) / 2


def pair_features(a: Profile, b: Profile) -> dict[str, float]:
    """All features of one pair, by name (E5 features only when both profiles have them).
    Pairs without two marked titles use lead features in their place (see :func:`title_cos`)."""
    align = _alignment(a.use_sentences, b.use_sentences)
    feats = {
        "use_cos": float(a.use @ b.use),
        "use_lead_cos": float(a.use_lead @ b.use_lead),
        "use_align_mean": align[0],
        "use_align_max": align[1],
        "use_align_top3": align[2],
        "use_align_share70": align[3],
        "use_title_cos": title_cos(a, b),
        "title_in_body": title_in_body(a, b),
        "lemma_jaccard": _jaccard(a.lemmas, b.lemmas),
        "lemma_containment": _containment(a.lemmas, b.lemmas),
        "entity_jaccard": _jaccard(a.entities, b.entities),
        "entity_containment": _containment(a.entities, b.entities),
        "number_jaccard": _jaccard(a.numbers, b.numbers),
        "shingle_jaccard": _jaccard(a.shingles, b.shingles),
        "length_ratio": min(a.chars, b.chars) / max(a.chars, b.chars, 1),
        "same_language": float(a.language is not None and a.language == b.language),
    }
    if a.e5 is not None and b.e5 is not None and a.e5_lead is not None and b.e5_lead is not None:
        feats["e5_cos"] = float(a.e5 @ b.e5)
        feats["e5_lead_cos"] = float(a.e5_lead @ b.e5_lead)
    return feats
