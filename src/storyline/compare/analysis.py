"""``analyse``: everything the compare stage finds in one story beyond sentence alignment,
and ``analysis_to_dict``, its stable JSON form (documented in docs/compare.md).
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.compare.align import sentences
from storyline.compare.blindspot import blindspots, facts, timeline
from storyline.compare.chain import chain, paths
from storyline.compare.claims import Statement, quote_conflicts, statement_conflicts
from storyline.compare.entities import Recogniser, RuleRecogniser
from storyline.compare.mentions import article_mentions, merge, name_key
from storyline.compare.numbers import quantities_of
from storyline.compare.quotes import find_quotes, group_quotes
from storyline.errors import InputError
from storyline.model import (
    UNIQUE,
    Analysis,
    Article,
    Comparison,
    Conflict,
    Entity,
    Member,
    Quantity,
    Sentence,
    Story,
)
from storyline.records import record_to_value

if TYPE_CHECKING:
    import numpy as np

METHOD = "compare.analyse.v1"
SCHEMA = 1
_Key = tuple[str, int]
_T = TypeVar("_T")


def _check(story: Story, articles: Sequence[Article], comparison: Comparison) -> None:
    if comparison.story != story.id:
        raise InputError(
            story.id, f"comparison is of story {comparison.story!r}; compare this story first"
        )
    ids = {a.id for a in articles}
    stray = sorted({m.article for g in comparison.alignments for m in g.members} - ids)
    if stray:
        raise InputError(
            story.id, f"comparison names articles {stray} not passed; pass all its articles"
        )


class _Story:
    """Per-story working state: sentences, mentions, entity names."""

    def __init__(self, articles: Sequence[Article], recogniser: Recogniser) -> None:
        self.articles = list(articles)
        self.sents = {a.id: sentences(a) for a in articles}
        self.mentions = {a.id: article_mentions(a, recogniser, self.sents[a.id]) for a in articles}
        self.entities = merge([m for ms in self.mentions.values() for m in ms], self.sents)
        self.names = {
            (m.article, m.start, m.end): (e.name, e.key) for e in self.entities for m in e.mentions
        }

    def keys_in(self, article: str, sentence: int, kind: str | None = None) -> list[str]:
        return [
            self.names[(m.article, m.start, m.end)][1]
            for m in self.mentions[article]
            if m.sentence == sentence
            and (kind is None or m.kind == kind)
            and (m.article, m.start, m.end) in self.names
        ]

    def quantities(self) -> list[Quantity]:
        out = []
        for a in self.articles:
            for q in quantities_of(self.sents[a.id], a.language):
                subject = next(iter(self.keys_in(a.id, q.sentence)), "")
                out.append(dataclasses.replace(q, subject=subject))
        return out

    def quotes(self) -> list:
        out = []
        for a in self.articles:
            names = {(s, e): v for (art, s, e), v in self.names.items() if art == a.id}
            out += find_quotes(a.text, self.sents[a.id], self.mentions[a.id], names)
        return out

    def statements(self, quantities: Iterable[Quantity]) -> dict[_Key, Statement]:
        by_sentence: dict[_Key, list[Quantity]] = defaultdict(list)
        for q in quantities:
            by_sentence[(q.article, q.sentence)].append(q)
        lang = {a.id: a.language for a in self.articles}
        out = {}
        for a in self.articles:
            for s in self.sents[a.id]:
                k = (a.id, s.index)
                people = frozenset(self.keys_in(a.id, s.index, "PER"))
                ents = frozenset(self.keys_in(a.id, s.index))
                out[k] = Statement(
                    Member(a.id, s.index, s.text), tuple(by_sentence[k]), people, lang[a.id], ents
                )
        return out


def _aligned_pairs(comparison: Comparison) -> set[tuple[_Key, _Key]]:
    out = set()
    for g in comparison.alignments:
        if g.kind == UNIQUE:
            continue
        ms = [(m.article, m.sentence) for m in g.members]
        out |= {(x, y) for x in ms for y in ms if x[0] < y[0]}
    return out


def _anchored_pairs(quantities: Sequence[Quantity]) -> set[tuple[_Key, _Key]]:
    """Sentences of different articles measuring from the same anchor."""
    by_anchor: dict[str, dict[_Key, None]] = defaultdict(dict)
    for q in quantities:
        if q.anchor:
            by_anchor[name_key(q.anchor)][(q.article, q.sentence)] = None
    return {(x, y) for ks in by_anchor.values() for x in ks for y in ks if x[0] < y[0]}


def _conflicts(st: _Story, comparison: Comparison, quantities, groups) -> tuple[Conflict, ...]:  # noqa: ANN001
    statements = st.statements(quantities)
    aligned = _aligned_pairs(comparison)
    out: dict[tuple, Conflict] = {}
    for x, y in sorted(aligned | _anchored_pairs(quantities)):
        if x in statements and y in statements:
            for c in statement_conflicts(
                statements[x], statements[y], aligned=(x, y) in aligned, key=name_key
            ):
                out.setdefault((x, y, c.reason, c.values), c)
    for c in judged_conflicts(st.articles, st.sents):
        key = ((c.a.article, c.a.sentence), (c.b.article, c.b.sentence), c.reason, c.values)
        out.setdefault(key, c)
    for c in quote_conflicts(groups):
        out.setdefault(
            ((c.a.article, c.a.sentence), (c.b.article, c.b.sentence), c.reason, c.values), c
        )
    return tuple(out.values())


#: Closest-sentence pairs below this USE cosine are not judged for conflicts.
JUDGE_MIN_COSINE = 0.5


def judged_conflicts(
    articles: Sequence[Article], sents: dict[str, tuple[Sentence, ...]]
) -> list[Conflict]:
    """Clashes the sentence judge (:mod:`storyline.compare.judgement`) finds between each
    sentence and its closest sentence in another article, when each is the other's closest
    (USE cosine >= :data:`JUDGE_MIN_COSINE`) and the judge calls the pair a conflict."""
    import numpy as np

    from storyline.compare.judgement import CONFLICT, decide, prepare
    from storyline.embed import open_encoder

    items = [(a, s) for a in sorted(articles, key=lambda a: a.id) for s in sents[a.id]]
    if len({a.id for a, _ in items}) < 2:
        return []
    vectors = open_encoder("use").encode([s.text for _, s in items])
    cos = vectors @ vectors.T
    owner = np.asarray([a.id for a, _ in items])
    out = []
    for i, j in _mutual_best(cos, owner):
        (a, x), (b, y) = items[i], items[j]
        verdict = decide(prepare(x.text, y.text, float(cos[i, j]), (a.language, b.language)))
        if verdict.kind == CONFLICT:
            ma, mb = Member(a.id, x.index, x.text), Member(b.id, y.index, y.text)
            out += [Conflict(ma, mb, c.kind, c.words) for c in verdict.conflicts]
    return out


def _mutual_best(cos: np.ndarray, owner: np.ndarray) -> list[tuple[int, int]]:
    """Pairs (i < j) of different articles, each the other's closest in its article."""
    import numpy as np

    best: dict[tuple[int, str], int] = {}
    for article in np.unique(owner):
        cols = np.nonzero(owner == article)[0]
        for i, k in enumerate(cols[np.argmax(cos[:, cols], axis=1)]):
            best[(i, str(article))] = int(k)
    pairs = []
    for (i, article), j in best.items():
        if owner[i] < article and best.get((j, str(owner[i]))) == i:
            if cos[i, j] >= JUDGE_MIN_COSINE:
                pairs.append((i, j))
    return pairs


def analyse(
    story: Story,
    articles: Sequence[Article],
    comparison: Comparison,
    *,
    recogniser: Recogniser | None = None,
    timings: dict[str, float] | None = None,
) -> Analysis:
    """Entities, quantities, quotes, conflicts, attribution chain, facts with their
    blindspots, and the timeline of one story (``comparison`` from ``compare.align.compare``).

    ``timings``, when given, receives the seconds each stage took (keys: ``entities``,
    ``numbers``, ``quotes``, ``claims``, ``chain``, ``blindspot``), for benchmarks.
    """
    _check(story, articles, comparison)
    lap = _Laps(timings)
    st = lap("entities", lambda: _Story(articles, recogniser or RuleRecogniser()))
    quantities = lap("numbers", st.quantities)
    quotes = lap("quotes", st.quotes)
    groups = lap("quotes", lambda: group_quotes(quotes))
    conflicts = lap("claims", lambda: _conflicts(st, comparison, quantities, groups))
    links = lap("chain", lambda: chain(articles, comparison))
    fs = lap("blindspot", lambda: facts(articles, comparison))
    return Analysis(
        story=story.id,
        entities=st.entities,
        quantities=tuple(quantities),
        quotes=tuple(quotes),
        quote_groups=groups,
        conflicts=conflicts,
        chain=links,
        facts=fs,
        blindspots=lap("blindspot", lambda: blindspots(articles, fs)),
        timeline=lap("blindspot", lambda: timeline(articles, fs)),
        method=METHOD,
    )


class _Laps:
    """Runs a stage and, when ``timings`` is a dict, adds its seconds under ``name``."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings

    def __call__(self, name: str, step: Callable[[], _T]) -> _T:
        if self.timings is None:
            return step()
        start = time.perf_counter()
        out = step()
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
        return out


# ---------------------------------------------------------------- JSON


def _entity_dict(e: Entity) -> dict[str, Any]:
    per_article: dict[str, int] = defaultdict(int)
    for m in e.mentions:
        per_article[m.article] += 1
    return {
        "key": e.key,
        "name": e.name,
        "kind": e.kind,
        "aliases": list(e.aliases),
        "articles": dict(sorted(per_article.items())),
        "mentions": record_to_value(e.mentions),
    }


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The analysis as JSON-ready dicts and lists; the shape is in docs/compare.md."""
    return {
        "schema": SCHEMA,
        "method": analysis.method,
        "story": analysis.story,
        "entities": [_entity_dict(e) for e in analysis.entities],
        "quantities": record_to_value(analysis.quantities),
        "quotes": record_to_value(analysis.quotes),
        "quote_groups": record_to_value(analysis.quote_groups),
        "conflicts": record_to_value(analysis.conflicts),
        "chain": record_to_value(analysis.chain),
        "chain_paths": paths(analysis.chain),
        "facts": record_to_value(analysis.facts),
        "blindspots": record_to_value(analysis.blindspots),
        "timeline": record_to_value(analysis.timeline),
    }


__all__ = ["METHOD", "SCHEMA", "analyse", "analysis_to_dict"]
