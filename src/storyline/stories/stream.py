"""Streaming story assignment: each arriving report joins the best open story or starts one.

How an article is placed (``stories.stream.v1``):

1. Its time is ``published``; an undated article, or one dated more than
   ``max_future_hours`` after now, takes the stream clock (the latest time seen) instead and
   carries the note ``"undated"`` or ``"future_date"``.
2. Candidates come from two compact indexes, never from all pairs: an inverted index of
   entity-like tokens and lemmas (looked up with the article's ``terms`` rarest terms that
   have postings, scanned newest first within ``window_hours``; the article is indexed under
   its ``terms`` rarest), and the int8 centroids of the open stories (a story closes after
   ``quiet_hours`` without a new report). Candidates are ranked by the cosine of int8
   random projections of their USE vectors (``dims`` bytes per article).
3. The ``rescore`` best candidates whose full profile is still cached are scored with the
   pair-similarity model (SemEval scale); the article joins the story of the best match when
   that score is at most ``join_below`` and the match is within ``window_hours``. Time is
   evidence too: when the article and a candidate both carry their own dates (neither is
   undated nor future-dated), that candidate may join at ``join_below + dated_margin``; the
   best match is the candidate whose score lies furthest under its own limit.
4. Two levels: an *event* (tight: the same happening, what the sentence comparison is made
   on) lies inside a *story* (looser: the developing storyline). A joining article also joins
   the best match's event when the score is at most ``event_below``; else it opens a new
   event in that story. Both thresholds are fitted on real pairs under grouped
   cross-validation (bench/calibrate_join.py; docs/stories.md).

Articles with fewer than ``min_words`` words get a story of their own and are not indexed,
so they neither join nor attract others (note ``"too_short"``). Articles without a language
are scored like any other (note ``"no_language"``); the features do not need one.
Corrections (:meth:`StoryAssigner.move`, :meth:`split`, :meth:`merge` for stories;
:meth:`move_to_event`, :meth:`split_event`, :meth:`merge_events` for events) pin articles: a
pinned article is never reassigned, and a merged story or event forwards to the one it joined.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from itertools import repeat

import numpy as np

from storyline.errors import InputError, NotFound
from storyline.model import Article, Correction, Event, Membership, Story, aware
from storyline.stories import features as F
from storyline.stories.profile_codec import stored_form
from storyline.text.normalize import words

METHOD = "stories.stream.v1"
#: ``Event.method`` of the events the assigner makes.
EVENT_METHOD = "stories.stream.v1.event"
#: Correction kinds at the event level (``Correction.story`` holds the event id).
EVENT_KINDS = ("move-event", "split-event", "merge-event")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_REASONS = ("founded", "joined", "moved", "merged", "split")


def minutes(when: datetime) -> int:
    """Minutes since 1970 (naive datetimes are taken as UTC)."""
    return int((aware(when) - _EPOCH).total_seconds() // 60)


def article_text(article: Article) -> str:
    """The text a story is judged on: title, teaser and cleaned body, each on its own line (the
    similarity features read a title off the first line). A plain-text article with an empty
    body falls back to ``raw``; a record (JSONL/CSV/HTML) never does: its raw form is markup
    or a JSON line whose keys every record shares."""
    body = article.text or (article.raw if article.format == "text" else "")
    return "\n".join(p for p in (article.title, article.teaser, body) if p)


@cache
def projection(dims: int, seed: int = 0, source: int = 512) -> np.ndarray:
    """A fixed orthonormal random projection (source -> dims), the same for every process
    (computed once per process; read-only)."""
    rng = np.random.default_rng(seed)
    with _one_blas_thread():  # threaded BLAS: same matrix, 20x slower on a busy machine
        q, _ = np.linalg.qr(rng.standard_normal((source, dims)))
    out = q.astype(np.float32)
    out.flags.writeable = False
    return out


def _one_blas_thread():
    """A context in which BLAS runs on one thread (threadpoolctl, when installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(1)


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors as int8 (x127); the dot product of two is ~cosine * 127**2."""
    vectors = np.atleast_2d(vectors).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return np.clip(np.rint(vectors * 127), -127, 127).astype(np.int8)


def term_key(term: str) -> int:
    """A stable 31-bit key of an index term."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little") >> 1


#: term -> ``term_key(kind + term)`` of recent entity ("e:") and lemma ("l:") terms, looked
#: up by the term itself (a profile's set member, whose hash Python keeps), so a known term
#: costs neither the prefixed string nor the hashing (emptied when full).
_KIND_KEYS: dict[str, dict[str, int]] = {"e:": {}, "l:": {}}
_KIND_KEYS_MAX = 1 << 16


def _new_kind_key(kind: str, term: str) -> int:
    """The key of a term not in :data:`_KIND_KEYS` yet, now kept there."""
    keys = _KIND_KEYS[kind]
    if len(keys) >= _KIND_KEYS_MAX:
        keys.clear()
    key = keys[term] = term_key(kind + term)
    return key


@dataclass(slots=True)
class _StoryState:
    id: str
    members: array = field(default_factory=lambda: array("i"))
    last: int = 0
    first: int = 0
    forward: int = -1  # merged into this story index


class _Centroids:
    """Summed member vectors of the open stories, in one matrix (slots reused on close)."""

    def __init__(self, dims: int) -> None:
        self.sums = np.zeros((256, dims), dtype=np.float32)
        self.slot: dict[int, int] = {}
        self.story: list[int] = []

    def __contains__(self, story: int) -> bool:
        return story in self.slot

    def __iter__(self):
        return iter(list(self.story))

    def __len__(self) -> int:
        return len(self.story)

    def add(self, story: int, vec: np.ndarray) -> None:
        if story not in self.slot:
            if len(self.story) == len(self.sums):
                self.sums = np.concatenate([self.sums, np.zeros_like(self.sums)])
            self.slot[story] = len(self.story)
            self.sums[len(self.story)] = 0
            self.story.append(story)
        self.sums[self.slot[story]] += vec

    def remove(self, story: int) -> None:
        slot = self.slot.pop(story, None)
        if slot is None:
            return
        last = self.story.pop()
        if last != story:
            self.sums[slot] = self.sums[len(self.story)]
            self.story[slot], self.slot[last] = last, slot

    def nearest(self, vec: np.ndarray, top: int) -> list[int]:
        sums = self.sums[: len(self.story)]
        sims = sums @ vec / np.maximum(np.linalg.norm(sums, axis=1), 1e-9)
        top = min(top, len(sims))
        best = np.argpartition(-sims, top - 1)[:top]
        return [self.story[i] for i in best]


#: ``join_below``, ``event_below`` and ``dated_margin`` per pair model, fitted on the real dev
#: stream under grouped cross-validation (bench/calibrate_join.py [--model e5];
#: docs/stories.md).
THRESHOLDS = {"use": (2.2, 2.0, 0.4), "e5": (2.3, 1.9, 0.4)}
#: Notes of an article placed at the stream clock rather than at a date of its own.
_CLOCKED = ("undated", "future_date")


def _own_date(notes: Sequence[str]) -> bool:
    """Whether an article with these notes was placed at a date of its own."""
    return not any(n in _CLOCKED for n in notes)


class StoryAssigner:
    """Online story assignment (scikit-learn style: settings keyword-only, learned state in
    attributes ending in ``_``; :meth:`partial_fit` assigns, :meth:`predict` looks up)."""

    def __init__(
        self,
        *,
        quiet_hours: float = 72.0,
        window_hours: float = 96.0,
        join_below: float | None = None,
        event_below: float | None = None,
        dated_margin: float | None = None,
        candidates: int = 64,
        rescore: int = 8,
        terms: int = 24,
        postings_scan: int = 64,
        dims: int = 256,
        min_words: int = 5,
        max_future_hours: float = 24.0,
        max_profiles: int = 20_000,
        model: str = "use",
        seed: int = 0,
    ) -> None:
        if model not in THRESHOLDS:
            raise ValueError(f"unknown pair model {model!r}; use one of {sorted(THRESHOLDS)}")
        join, event, margin = THRESHOLDS[model]
        join = join if join_below is None else join_below
        self.quiet_hours, self.window_hours, self.join_below = quiet_hours, window_hours, join
        self.event_below = min(event if event_below is None else event_below, join)
        self.dated_margin = margin if dated_margin is None else dated_margin
        self.candidates, self.rescore, self.terms = candidates, rescore, terms
        self.postings_scan, self.dims, self.min_words = postings_scan, dims, min_words
        self.max_future_hours, self.max_profiles = max_future_hours, max_profiles
        self.model, self.seed = model, seed
        self._init_state()

    # ---------------------------------------------------------------- state
    def _init_state(self) -> None:
        self.projection_ = projection(self.dims, self.seed)
        self.ids_: list[str] = []
        self.index_: dict[str, int] = {}
        self.vectors_ = np.zeros((1024, self.dims), dtype=np.int8)
        self.times_ = array("q")
        self.story_of_ = array("i")
        self.best_ = array("i")  # best matching article index, -1 if none
        self.score_ = array("f")
        self.reason_ = array("b")
        self.pinned_: set[int] = set()
        self.notes_: dict[int, tuple[str, ...]] = {}
        self.postings_: dict[int, array] = {}
        self.stories_: list[_StoryState] = []
        self.story_index_: dict[str, int] = {}
        self.event_of_ = array("i")
        self.events_: list[_StoryState] = []  # members, times, forward; story in event_story_
        self.event_story_ = array("i")
        self.event_index_: dict[str, int] = {}
        self.open_ = _Centroids(self.dims)
        self.swept_ = -(2**62)
        self.profiles_: OrderedDict[int, F.Profile | None] = OrderedDict()
        self.clock_: int | None = None
        #: Reads profiles by article id for cached entries that are placeholders (None), as
        #: after :func:`storyline.stories.state_codec.state_from_bytes`; not part of the state.
        self.profile_loader_: Callable[[list[str]], list[F.Profile]] | None = None

    @property
    def n_articles_(self) -> int:
        return len(self.ids_)

    # ------------------------------------------------------------- timing
    def _time(self, article: Article, now: datetime | None) -> tuple[int, tuple[str, ...]]:
        now_min = minutes(now or article.ingested or datetime.now(UTC))
        if article.published is None:
            return (self.clock_ if self.clock_ is not None else now_min), ("undated",)
        t = minutes(article.published)
        if t > now_min + self.max_future_hours * 60:
            return (self.clock_ if self.clock_ is not None else now_min), ("future_date",)
        return t, ()

    # ------------------------------------------------------------ public API
    def partial_fit(
        self,
        articles: Iterable[Article],
        profiles: Sequence[F.Profile] | None = None,
        *,
        now: datetime | None = None,
    ) -> StoryAssigner:
        """Assign ``articles`` in the order given (profiles are computed when not given).
        An article id seen before keeps its story."""
        articles = list(articles)
        if profiles is None:
            profiles = self.profile(articles)
        if len(profiles) != len(articles):
            raise ValueError("partial_fit: give one profile per article")
        for article, prof in zip(articles, profiles, strict=True):
            self.assign(article, prof, now=now)
        return self

    def bulk_load(
        self,
        ids: Sequence[str],
        times: np.ndarray,
        vectors: np.ndarray,
        terms: Sequence[Sequence[int]],
        stories: Sequence[str],
    ) -> StoryAssigner:
        """Load already-assigned articles into the index without scoring them (restoring a
        stored assignment at start-up): ids, times in minutes since 1970 (:func:`minutes`),
        USE vectors (n, 512) or projected int8 vectors (n, dims), index term keys
        (:func:`term_key`) and story ids. Their profiles are not cached, so they are found
        as candidates but only re-cached articles are rescored."""
        start = len(self.ids_)
        vectors = np.asarray(vectors)
        if vectors.dtype != np.int8:
            vectors = quantise(vectors.astype(np.float32) @ self.projection_)
        need = start + len(ids)
        if need > len(self.vectors_):
            grown = np.zeros((max(need, 2 * len(self.vectors_)), self.dims), np.int8)
            grown[:start] = self.vectors_[:start]
            self.vectors_ = grown
        self.vectors_[start:need] = vectors
        for n, (aid, t, keys, sid) in enumerate(zip(ids, times, terms, stories, strict=True)):
            self._load_one(start + n, aid, int(t), keys, sid)
        self.clock_ = max(self.clock_ or -(2**62), int(np.max(times))) if len(ids) else self.clock_
        return self

    def _load_one(self, idx: int, aid: str, t: int, keys: Sequence[int], sid: str) -> None:
        story = self.story_index_.get(sid)
        if story is None:
            story = self.story_index_[sid] = len(self.stories_)
            self.stories_.append(_StoryState(sid, first=t, last=t))
        event = self.event_index_.get("ev-" + sid)
        if event is None:
            event = self._new_event("ev-" + sid, t, story, exact=True)
        self.event_of_.append(event)
        self.events_[event].members.append(idx)
        self.ids_.append(aid)
        self.index_[aid] = idx
        self.times_.append(t)
        self.story_of_.append(story)
        self.best_.append(-1)
        self.score_.append(float("nan"))
        self.reason_.append(0)
        state = self.stories_[story]
        state.members.append(idx)
        state.first, state.last = min(state.first, t), max(state.last, t)
        for key in keys:
            posting = self.postings_.get(key)
            if posting is None:
                posting = self.postings_[key] = array("i")
            posting.append(idx)

    def profile(self, articles: Sequence[Article]) -> list[F.Profile]:
        """Profiles of ``articles`` with the encoders of this assigner's model."""
        from storyline.stories.similarity import _encoders

        use, e5 = _encoders(self.model)
        texts = [article_text(a) for a in articles]
        return F.profiles(texts, [a.language for a in articles], use, e5)

    def predict(self, articles: Iterable[Article]) -> list[str]:
        """The story id of each article (it must have been assigned with partial_fit)."""
        out = []
        for article in articles:
            if article.id not in self.index_:
                raise NotFound(f"article {article.id} is not assigned; call partial_fit first")
            out.append(self.story_id(article.id))
        return out

    def story_id(self, article_id: str) -> str:
        """The current story of an assigned article."""
        idx = self._article(article_id)
        return self.stories_[self._resolve(self.story_of_[idx])].id

    def assign(
        self, article: Article, prof: F.Profile, *, now: datetime | None = None
    ) -> Membership:
        """Place one article (see the module doc) and return why it went where it did."""
        if not article.id:
            raise InputError("article", "has no id; give every article a stable id")
        if article.id in self.index_:
            return self.membership(article.id)
        t, notes = self._time(article, now)
        notes += ("no_language",) if not article.language and not prof.language else ()
        self._assign_at(article, stored_form(prof), t, notes)
        return self.membership(article.id)

    # --------------------------------------------------------- internals
    def _assign_at(
        self, article: Article, prof: F.Profile, t: int, notes: tuple[str, ...] = ()
    ) -> None:
        short = len(words(article_text(article))) < self.min_words
        # the same before and after it is placed
        keys, known = ([], []) if short else self._terms(prof)
        dated = _own_date(notes)
        best, score, limit = (-1, None, 0.0) if short else self._best_match(prof, t, known, dated)
        joins = score is not None and score <= limit
        story = self._resolve(self.story_of_[best]) if joins else self._new_story(article.id, t)
        tight = joins and score is not None and score <= self.event_below
        event = (
            self._event(self.event_of_[best]) if tight else self._new_event(article.id, t, story)
        )
        idx = self._append(article.id, prof, t, story, best if joins else -1, score)
        self.event_of_.append(event)
        self.events_[event].members.append(idx)
        notes += ("too_short",) if short else ()
        if notes:
            self.notes_[idx] = notes
        if not short:
            self._index(idx, prof, story, keys)
        self.clock_ = t if self.clock_ is None else max(self.clock_, t)

    def _new_story(self, article_id: str, t: int) -> int:
        digest = hashlib.sha1(article_id.encode()).hexdigest()[:12]
        sid = f"st-{digest}"
        while sid in self.story_index_:
            sid = f"st-{hashlib.sha1(sid.encode()).hexdigest()[:12]}"
        self.story_index_[sid] = len(self.stories_)
        self.stories_.append(_StoryState(sid, first=t, last=t))
        return len(self.stories_) - 1

    def _new_event(self, key: str, t: int, story: int, *, exact: bool = False) -> int:
        eid = key if exact else f"ev-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
        while eid in self.event_index_:
            eid = f"ev-{hashlib.sha1(eid.encode()).hexdigest()[:12]}"
        self.event_index_[eid] = len(self.events_)
        self.events_.append(_StoryState(eid, first=t, last=t))
        self.event_story_.append(story)
        return len(self.events_) - 1

    def _event(self, event: int) -> int:
        while self.events_[event].forward >= 0:
            event = self.events_[event].forward
        return event

    def _append(
        self, aid: str, prof: F.Profile, t: int, story: int, best: int, score: float | None
    ) -> int:
        idx = len(self.ids_)
        if idx == len(self.vectors_):
            self.vectors_ = np.concatenate([self.vectors_, np.zeros_like(self.vectors_)])
        self.vectors_[idx] = quantise(prof.use @ self.projection_)[0]
        self.ids_.append(aid)
        self.index_[aid] = idx
        self.times_.append(t)
        self.story_of_.append(story)
        self.best_.append(best)
        self.score_.append(float("nan") if score is None else score)
        self.reason_.append(1 if best >= 0 else 0)
        state = self.stories_[story]
        state.members.append(idx)
        state.first, state.last = min(state.first, t), max(state.last, t)
        return idx

    def _index(self, idx: int, prof: F.Profile, story: int, keys: list[int]) -> None:
        for key in keys:
            self.postings_.setdefault(key, array("i")).append(idx)
        self.open_.add(story, self.vectors_[idx].astype(np.float32))
        self.profiles_[idx] = prof
        while len(self.profiles_) > self.max_profiles:
            self.profiles_.popitem(last=False)

    def _terms(self, prof: F.Profile) -> tuple[list[int], list[int]]:
        """Keys of the article's rarest entities and lemmas (fewest postings so far): the
        ``terms`` rarest, to index it under, and the ``terms`` rarest that some article is
        indexed under already, to look candidates up with (a report with many terms of its
        own would otherwise look up only terms nobody has, and find no one that way)."""
        ent, lem = _KIND_KEYS["e:"].get, _KIND_KEYS["l:"].get  # known terms: no Python call
        keys = [ent(e) or _new_kind_key("e:", e) for e in prof.entities]
        keys += [lem(w) or _new_kind_key("l:", w) for w in prof.lemmas if len(w) >= 5]
        # in key order, then stably by posting size: ties (every term of a new topic has no
        # posting yet) go by key, not by the order of a set, which changes with each
        # process's string hashing (PYTHONHASHSEED), so the same stream gives the same
        # stories in any process; the sizes in C loops, without a Python call per key
        keys = sorted(set(keys))
        sizes = list(map(len, map(self.postings_.get, keys, repeat((), len(keys)))))
        order = sorted(range(len(keys)), key=sizes.__getitem__)
        known = [keys[i] for i in order if sizes[i]][: self.terms]
        return [keys[i] for i in order[: self.terms]], known

    def _close_quiet(self, t: int) -> None:
        """Close stories quiet for ``quiet_hours`` (swept at most once per stream hour)."""
        if t < self.swept_ + 60:
            return
        self.swept_ = t
        cutoff = t - self.quiet_hours * 60
        for story in [s for s in self.open_ if self.stories_[s].last < cutoff]:
            self.open_.remove(story)

    def _candidates(self, prof: F.Profile, t: int, keys: list[int]) -> np.ndarray:
        lo, hi = t - self.window_hours * 60, t + self.window_hours * 60
        found: list[int] = []
        for key in keys:
            posting = self.postings_.get(key)
            if posting is None:
                continue
            for idx in reversed(posting[-self.postings_scan :]):
                if lo <= self.times_[idx] <= hi:
                    found.append(idx)
        found += self._from_open_stories(prof)
        return np.unique(np.asarray(found, dtype=np.int64))

    def _from_open_stories(self, prof: F.Profile, top: int = 4, last: int = 3) -> list[int]:
        if not len(self.open_):
            return []
        chosen = self.open_.nearest(prof.use @ self.projection_, top)
        return [i for s in chosen for i in self.stories_[s].members[-last:]]

    def _best_match(
        self, prof: F.Profile, t: int, keys: list[int], dated: bool = False
    ) -> tuple[int, float | None, float]:
        """(best candidate or -1, its score or None, the join limit that applies to it)."""
        from storyline.stories.similarity import pair_scores

        self._close_quiet(t)
        cands = self._candidates(prof, t, keys)
        cands = np.array([c for c in cands if self._reachable(int(c), t)], dtype=np.int64)
        if len(cands) == 0:
            return -1, None, 0.0
        query = quantise(prof.use @ self.projection_)[0].astype(np.int32)
        approx = self.vectors_[cands].astype(np.int32) @ query
        cands = cands[np.argsort(-approx)[: self.rescore]]
        scores = np.array(pair_scores([(prof, p) for p in self._cached(cands)], self.model))
        limits = np.full(len(cands), self.join_below)
        if dated and self.dated_margin:
            # bulk-loaded articles have no notes: they count as dated
            own = [_own_date(self.notes_.get(int(c), ())) for c in cands]
            limits += self.dated_margin * np.array(own)
        best = int(np.argmin(scores - limits))
        return int(cands[best]), float(scores[best]), float(limits[best])

    def _cached(self, idxs: np.ndarray) -> list[F.Profile]:
        """The cached profiles of ``idxs``, reading placeholders through the loader."""
        missing = [int(i) for i in idxs if self.profiles_[int(i)] is None]
        if missing:
            if self.profile_loader_ is None:
                raise RuntimeError("restored assigner: set profile_loader_ before assigning")
            loaded = self.profile_loader_([self.ids_[i] for i in missing])
            for i, prof in zip(missing, loaded, strict=True):
                self.profiles_[i] = stored_form(prof)
        return [p for i in idxs if (p := self.profiles_[int(i)]) is not None]

    def _reachable(self, idx: int, t: int) -> bool:
        """A candidate counts when its profile is cached, it lies within ``window_hours`` and
        its story has not been quiet for ``quiet_hours`` at time ``t``."""
        if idx not in self.profiles_ or abs(self.times_[idx] - t) > self.window_hours * 60:
            return False
        story = self.stories_[self._resolve(self.story_of_[idx])]
        quiet = self.quiet_hours * 60
        return story.first - quiet <= t <= story.last + quiet

    def _resolve(self, story: int) -> int:
        while self.stories_[story].forward >= 0:
            story = self.stories_[story].forward
        return story

    def _article(self, article_id: str) -> int:
        if article_id not in self.index_:
            raise NotFound(f"article {article_id} is not assigned; check the id")
        return self.index_[article_id]

    def _story(self, story_id: str) -> int:
        if story_id not in self.story_index_:
            raise NotFound(f"story {story_id} does not exist; list stories to find its id")
        return self._resolve(self.story_index_[story_id])

    # ------------------------------------------------------------ read out
    def members(self, story_id: str) -> tuple[str, ...]:
        """Article ids of a story, in arrival order."""
        s = self._story(story_id)
        return tuple(
            dict.fromkeys(self.ids_[i] for i in self.stories_[s].members if self.story_of_[i] == s)
        )

    def stories(self) -> list[Story]:
        """Every non-empty story (merged stories are folded into the one they joined)."""
        out = []
        for n, state in enumerate(self.stories_):
            if state.forward < 0:
                ids = tuple(
                    dict.fromkeys(self.ids_[i] for i in state.members if self.story_of_[i] == n)
                )
                if ids:
                    out.append(Story(state.id, ids, method=METHOD))
        return out

    def membership(self, article_id: str) -> Membership:
        """Why an article is in its story, from what the assigner keeps (the strongest match
        and its score; see :mod:`storyline.stories.explain` for the full explanation)."""
        idx = self._article(article_id)
        best, score = self.best_[idx], self.score_[idx]
        gap = abs(self.times_[idx] - self.times_[best]) / 60 if best >= 0 else None
        return Membership(
            story=self.story_id(article_id),
            article=article_id,
            reason=_REASONS[self.reason_[idx]],
            score=None if score != score else round(float(score), 4),
            matches=((self.ids_[best], round(float(score), 4)),) if best >= 0 else (),
            gap_hours=gap,
            pinned=idx in self.pinned_,
            notes=self.notes_.get(idx, ()),
            method=METHOD,
        )

    # ---------------------------------------------------------------- events
    def event_id(self, article_id: str) -> str:
        """The current event of an assigned article."""
        return self.events_[self._event(self.event_of_[self._article(article_id)])].id

    def events(self) -> list[Event]:
        """Every non-empty event, each with the id of the story it lies in."""
        return [
            self._as_event(n)
            for n, e in enumerate(self.events_)
            if e.forward < 0 and self._event_ids(n)
        ]

    def _event_ids(self, event: int) -> tuple[str, ...]:
        members = self.events_[event].members
        return tuple(dict.fromkeys(self.ids_[i] for i in members if self.event_of_[i] == event))

    def _as_event(self, event: int) -> Event:
        story = self.stories_[self._resolve(self.event_story_[event])].id
        return Event(self.events_[event].id, story, self._event_ids(event), method=EVENT_METHOD)

    def _event_index(self, event_id: str) -> int:
        if event_id not in self.event_index_:
            raise NotFound(f"event {event_id} does not exist; list events to find its id")
        return self._event(self.event_index_[event_id])

    def _set_event(self, idx: int, event: int) -> None:
        if self.event_of_[idx] != event:
            self.events_[event].members.append(idx)
            self.event_of_[idx] = event
        state = self.events_[event]
        state.first = min(state.first, self.times_[idx])
        state.last = max(state.last, self.times_[idx])

    def move_to_event(self, article_id: str, event_id: str) -> Event:
        """Move an article into an event (and that event's story) and pin it there."""
        event = self._event_index(event_id)
        story = self._resolve(self.event_story_[event])
        self._place(self._article(article_id), story, _REASONS.index("moved"), event)
        return self._as_event(event)

    def split_event(self, event_id: str, article_ids: Sequence[str]) -> tuple[Event, Event]:
        """Take ``article_ids`` out of an event into a new event of the same story."""
        event = self._event_index(event_id)
        idxs = [self._article(a) for a in article_ids]
        if not idxs or any(self._event(self.event_of_[i]) != event for i in idxs):
            raise InputError(event_id, "split needs one or more articles of this event")
        story = self._resolve(self.event_story_[event])
        new = self._new_event(article_ids[0] + "/split-event", self.times_[idxs[0]], story)
        for i in idxs:
            self._place(i, story, _REASONS.index("split"), new)
        self.pinned_.update(i for i in self.events_[event].members if self.event_of_[i] == event)
        return self._as_event(event), self._as_event(new)

    def merge_events(self, event_id: str, other_id: str) -> Event:
        """Fold event ``other_id`` into ``event_id`` (and into its story when they differ)."""
        event, other = self._event_index(event_id), self._event_index(other_id)
        if event != other:
            story = self._resolve(self.event_story_[event])
            for i in list(self.events_[other].members):
                if self.event_of_[i] == other:
                    self._place(i, story, _REASONS.index("merged"), event)
            self.events_[other].forward = event
        return self._as_event(event)

    # ---------------------------------------------------------- corrections
    def _place(self, idx: int, story: int, reason: int, event: int | None = None) -> None:
        """Put article ``idx`` in ``story`` (and ``event``; default: its event when that lies
        in ``story``, else a new event of its own there) and pin it."""
        if event is None:
            event = self._event(self.event_of_[idx])
            if self._resolve(self.event_story_[event]) != story:
                event = self._new_event(self.ids_[idx] + "/moved", self.times_[idx], story)
        self._set_event(idx, event)
        old = self._resolve(self.story_of_[idx])
        if old != story:
            self.stories_[story].members.append(idx)
            vec = self.vectors_[idx].astype(np.float32)
            if old in self.open_:
                self.open_.add(old, -vec)
            self.open_.add(story, vec)
        self.story_of_[idx] = story
        state = self.stories_[story]
        state.first = min(state.first, self.times_[idx])
        state.last = max(state.last, self.times_[idx])
        self.reason_[idx] = reason
        self.pinned_.add(idx)

    def move(self, article_id: str, story_id: str) -> Story:
        """Move an article to another story and pin it there; returns the target story."""
        story = self._story(story_id)
        self._place(self._article(article_id), story, _REASONS.index("moved"))
        return self._as_story(story)

    def split(self, story_id: str, article_ids: Sequence[str]) -> tuple[Story, Story]:
        """Take ``article_ids`` out of a story into a new one (all pinned); returns both."""
        story = self._story(story_id)
        idxs = [self._article(a) for a in article_ids]
        if not idxs or any(self._resolve(self.story_of_[i]) != story for i in idxs):
            raise InputError(story_id, "split needs one or more articles of this story")
        new = self._new_story(article_ids[0] + "/split", self.times_[idxs[0]])
        events: dict[int, int] = {}  # old event -> its part in the new story
        for i in idxs:
            old = self._event(self.event_of_[i])
            if old not in events:
                key = self.events_[old].id + "/split"
                events[old] = self._new_event(key, self.times_[i], new)
            self._place(i, new, _REASONS.index("split"), events[old])
        for i in self.stories_[story].members:
            if self.story_of_[i] == story:
                self.pinned_.add(i)
        return self._as_story(story), self._as_story(new)

    def merge(self, story_id: str, other_id: str) -> Story:
        """Fold ``other_id`` into ``story_id`` (its articles pinned there); later matches to
        the old story land in the merged one."""
        story, other = self._story(story_id), self._story(other_id)
        if story == other:
            return self._as_story(story)
        for i in list(self.stories_[other].members):
            if self.story_of_[i] == other:
                event = self._event(self.event_of_[i])
                self.event_story_[event] = story  # events keep their members across a merge
                self._place(i, story, _REASONS.index("merged"), event)
        self.stories_[other].forward = story
        self.open_.remove(other)
        return self._as_story(story)

    def apply(self, correction: Correction) -> tuple[Story, ...]:
        """Replay a stored :class:`Correction` (use it to restore corrections at start-up)."""
        if correction.kind == "move":
            return tuple(self.move(a, correction.story) for a in correction.articles)
        if correction.kind == "split":
            return self.split(correction.story, correction.articles)
        if correction.kind == "merge" and correction.other:
            return (self.merge(correction.story, correction.other),)
        if correction.kind in EVENT_KINDS:
            self.apply_event(correction)
            return ()
        raise InputError("correction", f"unknown kind {correction.kind!r}; use move/split/merge")

    def apply_event(self, correction: Correction) -> tuple[Event, ...]:
        """Replay a stored event-level :class:`Correction` (``story`` holds the event id)."""
        kind, event = correction.kind, correction.story
        if kind == "move-event":
            return tuple(self.move_to_event(a, event) for a in correction.articles)
        if kind == "split-event":
            return self.split_event(event, correction.articles)
        if kind == "merge-event" and correction.other:
            return (self.merge_events(event, correction.other),)
        raise InputError("correction", f"unknown event kind {kind!r}; use {EVENT_KINDS}")

    def _as_story(self, story: int) -> Story:
        state = self.stories_[story]
        ids = tuple(
            dict.fromkeys(self.ids_[i] for i in state.members if self.story_of_[i] == story)
        )
        return Story(state.id, ids, method=METHOD)
