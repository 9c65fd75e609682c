"""Corrections over batch grouping ("stories.corrections.v1"): keep story ids across regroupings
and replay a person's recorded split/merge/move after every automatic grouping, so a corrected
article never drifts back.

* :func:`keep_ids` gives each new story the id of the stored story it overlaps most (each old
  id used once), so links and recorded corrections keep pointing at the same story when it
  grows.
* :func:`apply_corrections` replays :class:`~storyline.model.Correction` records in order:
  ``move`` puts ``articles`` into ``story``; ``split`` takes ``articles`` out into the story
  ``other`` (its id chosen when the split was recorded); ``merge`` folds story ``other`` (and
  the ``articles`` it held when the merge was recorded) into ``story``. A story id that no
  longer exists is created; article ids that are not stored are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from storyline.model import Article, Correction, Story
from storyline.stories.group import _title


def keep_ids(stories: Sequence[Story], previous: Iterable[Story]) -> list[Story]:
    """``stories`` with the id of the ``previous`` story each overlaps most (greedy by overlap,
    ties by old id); a story overlapping none keeps its own id."""
    where = {a: old.id for old in previous for a in old.articles}
    pairs = []
    for n, story in enumerate(stories):
        counts: dict[str, int] = {}
        for a in story.articles:
            if a in where:
                counts[where[a]] = counts.get(where[a], 0) + 1
        pairs += [(-c, old, n) for old, c in counts.items()]
    chosen: dict[int, str] = {}
    for _, old, n in sorted(pairs):
        if n not in chosen and old not in chosen.values():
            chosen[n] = old
    taken = set(chosen.values())
    out = []
    for n, s in enumerate(stories):
        sid = chosen.get(n, s.id if s.id not in taken else f"{s.id}-{n}")
        out.append(Story(sid, s.articles, s.title, s.method))
    return out


def apply_corrections(
    stories: Sequence[Story], corrections: Iterable[Correction], articles: Mapping[str, Article]
) -> list[Story]:
    """The stories after replaying ``corrections`` in order (see the module doc); empty
    stories are dropped and titles of changed stories recomputed."""
    members = {s.id: list(s.articles) for s in stories}
    for c in corrections:
        _replay(members, c, articles)
    old = {s.id: s for s in stories}
    out = []
    for sid, ids in members.items():
        if not ids:
            continue
        before = old.get(sid)
        if before is not None and tuple(ids) == before.articles:
            out.append(before)
        else:
            method = before.method if before is not None else "stories.corrections.v1"
            out.append(Story(sid, tuple(ids), _title([articles[a] for a in ids]), method))
    return out


def _replay(members: dict[str, list[str]], c: Correction, articles: Mapping[str, Article]) -> None:
    if c.kind == "move":
        _put(members, c.story, c.articles, articles)
    elif c.kind == "split" and c.other:
        _put(members, c.other, c.articles, articles)
    elif c.kind == "merge" and c.other and c.other != c.story:
        held = list(c.articles) + members.pop(c.other, [])
        _put(members, c.story, held, articles)


def _put(
    members: dict[str, list[str]], target: str, ids: Iterable[str], articles: Mapping[str, Article]
) -> None:
    wanted = list(dict.fromkeys(a for a in ids if a in articles))
    for sid, held in members.items():
        if sid != target:
            held[:] = [a for a in held if a not in wanted]
    into = members.setdefault(target, [])
    into += [a for a in wanted if a not in into]
