"""Sentence alignment across all articles of a story ("compare.align.v2").

Every pair of sentences from two different articles that may say the same thing (a cheap
vectorised filter: equal match forms, shared words, or a close multilingual embedding) is
judged by :func:`storyline.compare.judgement.decide`, the same judge as
:func:`storyline.compare.judge`, with the story's own sentence vectors; the pair links
when the judge calls it ``verbatim``, ``near_verbatim`` or ``paraphrase``, with the judge's
kind and score. So a pair gets the same kind alone and inside a story, with one exception:
a pair the judge calls ``unique`` (no clash, no extension) still links as ``paraphrase`` when
compare.align.v1's story-level rule holds (USE cosine >= ``paraphrase_min_cosine`` and the
mean of cosine and story-idf word overlap >= ``paraphrase_score``): in a story, the words
two reports share are rare among its other sentences, evidence a lone pair lacks. In a
story, a pair in two languages must also be the best candidate of each sentence by
``crosslingual_margin`` (translations share no words, so competition guards them).

Links are taken strongest first, at most one per sentence and other article (a greedy
one-to-one matching per article pair), then joined into groups with union-find so that a
group holds at most one sentence per article. A group's kind is its weakest link's kind and
its score the weakest link's score; a sentence's kind is the strongest link it has. Sentences
with no link form ``unique`` groups of one, score 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from storyline.errors import InputError
from storyline.model import (
    KINDS,
    PARAPHRASE,
    UNIQUE,
    Alignment,
    Article,
    Comparison,
    Member,
    Sentence,
    Share,
    Story,
)
from storyline.text.normalize import match_form, words
from storyline.text.segment import sentence_spans

if TYPE_CHECKING:
    import numpy as np

METHOD = "compare.align.v2"
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True, kw_only=True)
class AlignConfig:
    """Thresholds of the candidate filter of :func:`compare` (the judge decides each
    candidate; see :mod:`storyline.compare.judgement`); all similarities are in 0..1.

    ``near_ratio``: difflib ratio of the two word sequences for ``near_verbatim``.
    ``near_containment``: share of the shorter sentence's words matched in order in the
    longer one, for a cut clause; needs ``near_min_words`` words in the shorter sentence and
    at least ``near_min_length`` of the longer one's length.
    ``paraphrase_score``: ``lexical_weight * lexical + (1 - lexical_weight) * cosine`` for a
    ``paraphrase`` link, where ``lexical`` averages the idf-weighted cosine and containment
    of content-word stems (first ``stem_chars`` letters of words of 4+ letters or numbers).
    ``paraphrase_min_cosine``: the cosine a supported paraphrase needs at least.
    ``paraphrase_cosine``: the cosine that makes a paraphrase without lexical support (a
    translation).
    ``encoder``: name for :func:`storyline.embed.open_encoder`.
    """

    near_ratio: float = 0.7
    near_containment: float = 0.9
    near_min_words: int = 6
    near_min_length: float = 0.4
    paraphrase_score: float = 0.5
    paraphrase_min_cosine: float = 0.5
    paraphrase_cosine: float = 0.8
    crosslingual_cosine: float = 0.6
    crosslingual_margin: float = 0.1
    lexical_weight: float = 0.5
    stem_chars: int = 4
    encoder: str = "use"


@dataclass(frozen=True, slots=True)
class _Link:
    rank: int  # index into KINDS: 0 verbatim .. 2 paraphrase
    score: float
    i: int
    j: int


# ---------------------------------------------------------------- sentences


def sentences(article: Article) -> tuple[Sentence, ...]:
    """The sentences of ``article.text`` with offsets, segmented for ``article.language``.

    Remembered for the last :data:`SENTENCE_CACHE` articles (by id, text and language), so
    alignment and analysis of one story segment each article once.
    """
    return _sentences(article.id, article.text, article.language)


#: Articles whose sentences :func:`sentences` remembers.
SENTENCE_CACHE = 1024


@lru_cache(maxsize=SENTENCE_CACHE)
def _sentences(article: str, text: str, language: str | None) -> tuple[Sentence, ...]:
    spans = sentence_spans(text, language)
    return tuple(
        Sentence(article=article, index=k, text=text[s:e], start=s, end=e)
        for k, (s, e) in enumerate(spans)
    )


# ---------------------------------------------------------------- features


def _stems(text: str, chars: int) -> set[str]:
    return {w[:chars] for w in words(text) if len(w) >= 4 or w.isdigit()}


def _stem_matrix(texts: Sequence[str], chars: int) -> np.ndarray:
    """Rows: sentences; columns: stems weighted by story-level idf."""
    import numpy as np

    sets = [_stems(t, chars) for t in texts]
    vocab = {s: k for k, s in enumerate(sorted(set().union(*sets)))}
    x = np.zeros((len(texts), max(len(vocab), 1)), dtype=np.float32)
    for row, stems in enumerate(sets):
        x[row, [vocab[s] for s in stems]] = 1.0
    df = x.sum(axis=0)
    idf = np.log((len(texts) + 1.0) / (df + 0.5)).astype(np.float32)
    return x * idf


def _lexical(texts: Sequence[str], chars: int) -> np.ndarray:
    """Mean of idf-weighted cosine and containment (shared / smaller) of stem sets."""
    import numpy as np

    x = _stem_matrix(texts, chars)
    shared = (x * x) @ (x * x).T
    mass = np.diag(shared)
    cosine = shared / np.maximum(np.sqrt(np.outer(mass, mass)), 1e-9)
    contained = shared / np.maximum(np.minimum.outer(mass, mass), 1e-9)
    return (cosine + contained) / 2.0


def _word_containment(tokens: Sequence[Sequence[str]]) -> np.ndarray:
    """Share of the smaller word set found in the other, for every pair."""
    import numpy as np

    vocab = {w: k for k, w in enumerate(sorted({w for t in tokens for w in t}))}
    x = np.zeros((len(tokens), max(len(vocab), 1)), dtype=np.float32)
    for row, t in enumerate(tokens):
        x[row, [vocab[w] for w in t]] = 1.0
    sizes = x.sum(axis=1)
    return (x @ x.T) / np.maximum(np.minimum.outer(sizes, sizes), 1.0)


# ---------------------------------------------------------------- links


@dataclass(frozen=True, slots=True)
class _Features:
    """Pairwise evidence over all sentences of a story (n x n matrices)."""

    forms: list[str]
    tokens: list[list[str]]
    cosine: np.ndarray
    lexical: np.ndarray
    words: np.ndarray
    margin: np.ndarray
    crosslingual: np.ndarray


def _competitor(cos: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """For (i, j): the best cosine of i to another sentence of j's article."""
    import numpy as np

    out = np.zeros_like(cos)
    for b in np.unique(owner):
        cols = np.nonzero(owner == b)[0]
        block = cos[:, cols]
        if len(cols) < 2:
            continue
        top = np.sort(block, axis=1)[:, -2:]
        out[:, cols] = np.where(block >= top[:, 1:2], top[:, 0:1], top[:, 1:2])
    return out


def _features(
    sents: Sequence[Sentence],
    owner: Sequence[int],
    languages: Sequence[str | None],
    config: AlignConfig,
) -> _Features:
    import numpy as np

    from storyline.embed import open_encoder

    texts = [s.text for s in sents]
    tokens = [words(t) for t in texts]
    vectors = open_encoder(config.encoder).encode(texts)
    cos = vectors @ vectors.T
    rival = _competitor(cos, np.asarray(owner))
    langs = np.asarray([lang or "" for lang in languages])
    cross = (langs[:, None] != langs[None, :]) & (langs[:, None] != "") & (langs[None, :] != "")
    return _Features(
        forms=[match_form(t) for t in texts],
        tokens=tokens,
        cosine=cos,
        lexical=_lexical(texts, config.stem_chars),
        words=_word_containment(tokens),
        margin=cos - np.maximum(rival, rival.T),
        crosslingual=cross,
    )


def _story_paraphrase(f: _Features, i: int, j: int, config: AlignConfig) -> float | None:
    """compare.align.v1's paraphrase rule: cosine plus story-level-idf word overlap."""
    cosine, w = float(f.cosine[i, j]), config.lexical_weight
    combined = w * float(f.lexical[i, j]) + (1.0 - w) * cosine
    if cosine >= config.paraphrase_min_cosine and combined >= config.paraphrase_score:
        return max(cosine, combined)
    return None


def _pair_link(
    f: _Features,
    i: int,
    j: int,
    texts: Sequence[str],
    languages: Sequence[str | None],
    config: AlignConfig,
) -> _Link | None:
    """The judge's link for sentences ``i`` and ``j``, if it says they mean the same; a
    pair it calls ``unique`` (no clash, no extension) may still link as a paraphrase by the
    story-level rule."""
    from storyline.compare.judgement import SAME, UNIQUE, decide, prepare

    if f.crosslingual[i, j] and f.margin[i, j] < config.crosslingual_margin:
        return None
    pair = prepare(texts[i], texts[j], float(f.cosine[i, j]), (languages[i], languages[j]))
    verdict = decide(pair)
    if verdict.kind in SAME:
        return _Link(_RANK[verdict.kind], verdict.score, i, j)
    story = _story_paraphrase(f, i, j, config) if verdict.kind == UNIQUE else None
    return _Link(_RANK[PARAPHRASE], story, i, j) if story is not None else None


def _candidates(f: _Features, owner: np.ndarray, config: AlignConfig) -> np.ndarray:
    """Cross-article pairs (i < j) that may link: a cheap vectorised superset of the rules."""
    import numpy as np

    ids = {form: k for k, form in enumerate(dict.fromkeys(f.forms))}
    form = np.asarray([ids[x] for x in f.forms])
    w = config.lexical_weight
    combined = w * f.lexical + (1.0 - w) * f.cosine
    para = (f.cosine >= config.paraphrase_cosine) | (
        f.crosslingual
        & (f.cosine >= config.crosslingual_cosine)
        & (f.margin >= config.crosslingual_margin)
    )
    para |= (f.cosine >= config.paraphrase_min_cosine) & (combined >= config.paraphrase_score)
    near = f.words >= min(config.near_ratio, config.near_containment) - 0.1
    maybe = (form[:, None] == form[None, :]) | near | para
    return np.triu(maybe & (owner[:, None] != owner[None, :]), 1)


def _links(
    sents: Sequence[Sentence],
    owner: Sequence[int],
    languages: Sequence[str | None],
    config: AlignConfig,
) -> list[_Link]:
    """Every cross-article link, strongest first (deterministic order)."""
    import numpy as np

    f = _features(sents, owner, languages, config)
    texts = [s.text for s in sents]
    links = []
    for i, j in zip(*np.nonzero(_candidates(f, np.asarray(owner), config)), strict=True):
        link = _pair_link(f, int(i), int(j), texts, languages, config)
        if link is not None:
            links.append(link)
    keys = [(s.article, s.index) for s in sents]
    links.sort(key=lambda k: (k.rank, -round(k.score, 6), sorted((keys[k.i], keys[k.j]))))
    return links


def _one_to_one(links: list[_Link], owner: Sequence[int]) -> list[_Link]:
    """Greedy matching: each sentence keeps at most one link per other article."""
    taken: set[tuple[int, int]] = set()
    kept = []
    for link in links:
        a, b = (link.i, owner[link.j]), (link.j, owner[link.i])
        if a not in taken and b not in taken:
            taken.update((a, b))
            kept.append(link)
    return kept


# ---------------------------------------------------------------- groups


class _Groups:
    """Union-find over sentences; a group holds at most one sentence per article."""

    def __init__(self, owner: Sequence[int]) -> None:
        self.parent = list(range(len(owner)))
        self.articles = [{o} for o in owner]
        self.weakest: list[tuple[int, float] | None] = [None] * len(owner)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, link: _Link) -> bool:
        a, b = self.find(link.i), self.find(link.j)
        if a == b or self.articles[a] & self.articles[b]:
            return False
        self.parent[b] = a
        self.articles[a] |= self.articles[b]
        weak = [w for w in (self.weakest[a], self.weakest[b]) if w is not None]
        self.weakest[a] = max([(link.rank, link.score), *weak], key=lambda w: (w[0], -w[1]))
        return True


def _group(links: list[_Link], owner: Sequence[int]) -> tuple[_Groups, list[int]]:
    """Groups, and each sentence's strongest joined link rank (3 = unique)."""
    groups = _Groups(owner)
    best = [_RANK[UNIQUE]] * len(owner)
    for link in links:
        if groups.join(link):
            best[link.i] = min(best[link.i], link.rank)
            best[link.j] = min(best[link.j], link.rank)
    return groups, best


def _alignments(groups: _Groups, sents: Sequence[Sentence]) -> tuple[Alignment, ...]:
    members: dict[int, list[int]] = {}
    for i in range(len(sents)):
        members.setdefault(groups.find(i), []).append(i)
    out = []
    for root, idx in members.items():
        rank, score = groups.weakest[root] or (_RANK[UNIQUE], 0.0)
        ms = tuple(Member(sents[i].article, sents[i].index, sents[i].text) for i in idx)
        out.append(Alignment(KINDS[rank], tuple(sorted(ms, key=_member_key)), round(score, 4)))
    return tuple(sorted(out, key=lambda a: (_RANK[a.kind], _member_key(a.members[0]))))


def _member_key(m: Member) -> tuple[str, int]:
    return (m.article, m.sentence)


def _shares(
    articles: Sequence[Article], sents: Sequence[Sentence], best: list[int]
) -> tuple[Share, ...]:
    counts = {a.id: [0, 0, 0, 0] for a in articles}
    for s, rank in zip(sents, best, strict=True):
        counts[s.article][rank] += 1
    out = []
    for aid, c in counts.items():
        n = sum(c)
        frac = [x / n if n else 0.0 for x in c]
        out.append(Share(aid, n, frac[0], frac[1], frac[2], frac[3]))
    return tuple(out)


# ---------------------------------------------------------------- compare


def _check(story: Story, articles: Sequence[Article]) -> None:
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        raise InputError(story.id, "the same article id is given twice; pass each article once")
    stray = [i for i in ids if story.articles and i not in story.articles]
    if stray:
        raise InputError(story.id, f"articles {stray} are not in this story; pass its articles")


def compare(
    story: Story, articles: Sequence[Article], *, config: AlignConfig | None = None
) -> Comparison:
    """Align the sentences of ``articles`` (the articles of ``story``) into groups.

    Returns one :class:`~storyline.model.Alignment` per group (unique sentences included)
    and one :class:`~storyline.model.Share` per article, in the order given.
    """
    config = config or AlignConfig()
    _check(story, articles)
    sents = [s for a in articles for s in sentences(a)]
    order = {a.id: k for k, a in enumerate(sorted(articles, key=lambda a: a.id))}
    owner = [order[s.article] for s in sents]
    lang = {a.id: a.language for a in articles}
    if not sents:
        return Comparison(story.id, (), _shares(articles, sents, []), METHOD)
    languages = [lang[s.article] for s in sents]
    # one article alone has no cross-article pair: no sentence needs encoding
    links = (
        _one_to_one(_links(sents, owner, languages, config), owner) if len(set(owner)) > 1 else []
    )
    groups, best = _group(links, owner)
    return Comparison(story.id, _alignments(groups, sents), _shares(articles, sents, best), METHOD)


__all__ = ["METHOD", "AlignConfig", "compare", "sentences"]
