"""Explained membership: why each article of a story is there.

For every article: its strongest matches inside the story (pair similarity on the SemEval
scale, lower = closer), the entity-like tokens and verbatim passages it shares with its best
match, the similarity parts of that pair and the time gap between the two. When the
:class:`~storyline.stories.stream.StoryAssigner` that placed the articles is given, its
reason ("founded", "joined", "moved", ...), pins and notes are carried over.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.errors import InputError
from storyline.model import Article, Membership, Story, aware
from storyline.stories import features as F
from storyline.stories.stream import METHOD, StoryAssigner, article_text
from storyline.text.normalize import words

#: Articles a member is compared with (its nearest by USE cosine) in a large story.
MAX_COMPARED = 40
#: A shared passage is a run of at least this many identical words.
PASSAGE_WORDS = 8


def shared_passages(a: str, b: str, *, min_words: int = PASSAGE_WORDS) -> list[str]:
    """Maximal runs of at least ``min_words`` identical words (match form) in both texts,
    longest first."""
    wa, wb = words(a), words(b)
    starts: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(wb) - min_words + 1):
        starts.setdefault(tuple(wb[j : j + min_words]), []).append(j)
    found, i = [], 0
    while i <= len(wa) - min_words:
        hits = starts.get(tuple(wa[i : i + min_words]))
        if not hits:
            i += 1
            continue
        length = max(_run(wa, wb, i, j) for j in hits)
        found.append(" ".join(wa[i : i + length]))
        i += length
    return sorted(found, key=len, reverse=True)


def _run(wa: list[str], wb: list[str], i: int, j: int) -> int:
    n = 0
    while i + n < len(wa) and j + n < len(wb) and wa[i + n] == wb[j + n]:
        n += 1
    return n


def _gap(a: Article, b: Article) -> float | None:
    if a.published is None or b.published is None:
        return None
    return round(abs((aware(a.published) - aware(b.published)).total_seconds()) / 3600, 2)


def _neighbours(profiles: Sequence[F.Profile], i: int) -> list[int]:
    others = [j for j in range(len(profiles)) if j != i]
    if len(others) <= MAX_COMPARED:
        return others
    sims = np.array([float(profiles[i].use @ profiles[j].use) for j in others])
    return [others[k] for k in np.argsort(-sims)[:MAX_COMPARED]]


def explain_story(
    story: Story,
    articles: Sequence[Article],
    *,
    profiles: Sequence[F.Profile] | None = None,
    assigner: StoryAssigner | None = None,
    model: str = "use",
    top: int = 3,
) -> tuple[Membership, ...]:
    """One :class:`Membership` per article of ``story`` (``articles`` are its records, in any
    order; profiles are computed when not given)."""
    from storyline.stories.similarity import _encoders, score_profiles

    by_id = {a.id: a for a in articles}
    missing = [a for a in story.articles if a not in by_id]
    if missing:
        raise InputError(story.id, f"articles {missing[:3]} not given; pass every member")
    members = [by_id[a] for a in story.articles]
    if profiles is None:
        use, e5 = _encoders(model)
        texts = [article_text(a) for a in members]
        profiles = F.profiles(texts, [a.language for a in members], use, e5)
    out = []
    for i in range(len(members)):
        others = _neighbours(profiles, i)
        sims = score_profiles([(profiles[i], profiles[j]) for j in others], model)
        ranked = sorted(zip(others, sims, strict=True), key=lambda p: p[1].score)[:top]
        out.append(_membership(story, members, profiles, i, ranked, assigner))
    return tuple(out)


def _membership(story, members, profiles, i, ranked, assigner) -> Membership:
    article = members[i]
    base = _assigned(story, article, assigner)
    if not ranked:
        return base
    j, best = ranked[0]
    return Membership(
        story=story.id,
        article=article.id,
        reason=base.reason,
        score=best.score,
        matches=tuple((members[k].id, s.score) for k, s in ranked),
        shared_entities=_top_entities(profiles[i], profiles[j], article, members[j]),
        shared_passages=tuple(shared_passages(article_text(article), article_text(members[j]))[:3]),
        parts=best.parts,
        gap_hours=_gap(article, members[j]),
        pinned=base.pinned,
        notes=base.notes,
        method=METHOD,
    )


def _top_entities(pa: F.Profile, pb: F.Profile, a: Article, b: Article) -> tuple[str, ...]:
    """Shared entity-like tokens, most mentioned first (at most 12)."""
    text = (article_text(a) + " " + article_text(b)).casefold()
    shared = sorted(pa.entities & pb.entities)
    return tuple(sorted(shared, key=lambda e: -text.count(e))[:12])


def _assigned(story: Story, article: Article, assigner: StoryAssigner | None) -> Membership:
    if assigner is not None and article.id in assigner.index_:
        return assigner.membership(article.id)
    reason = "founded" if story.articles and story.articles[0] == article.id else "joined"
    return Membership(story=story.id, article=article.id, reason=reason, method=METHOD)
