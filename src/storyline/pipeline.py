"""Wires the stages together: the one place that knows their order.

ingest -> clean -> (store) -> stories -> compare -> (store). The shells (CLI, web) call the
functions here and nothing deeper.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from storyline import faults
from storyline.errors import NotFound, StoreError, StorylineError
from storyline.model import (
    Analysis,
    Article,
    Attribution,
    Comparison,
    Correction,
    DupGroup,
    Failure,
    Membership,
    SharedPassage,
    Story,
)
from storyline.stages import enter
from storyline.store.base import Store

if TYPE_CHECKING:
    from storyline.ingest.http import Fetcher
    from storyline.reuse import ReuseIndex, ReuseUpdate
    from storyline.scale import Engine
    from storyline.stories.features import Profile
    from storyline.stories.stream import StoryAssigner

Paths = Iterable[str | os.PathLike[str]]
Progress = Callable[[Article | Failure], None]


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did: new article ids, ids already stored, and failed inputs."""

    ingested: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    stories: int = 0
    resumed: Pending | None = None


@dataclass(frozen=True, slots=True)
class StoryReport:
    """One story with its articles (in story order), their comparison and its analysis
    (entities, numbers, quotes, conflicts, chain of sources, blindspots, timeline)."""

    story: Story
    articles: tuple[Article, ...]
    comparison: Comparison
    analysis: Analysis | None = None
    extras: dict[str, object] = field(default_factory=dict)


def analysed(report: StoryReport) -> StoryReport:
    """The report with its deeper analysis filled in (computed on demand: it is derived)."""
    if report.analysis is not None:
        return report
    from storyline.compare.analysis import analyse

    analysis = analyse(report.story, report.articles, report.comparison)
    return replace(report, analysis=analysis)


def prepare(
    paths: Paths,
    *,
    source: str | None = None,
    format: str = "auto",
    max_bytes: int | None = None,
    progress: Progress | None = None,
    skip: Collection[str] = (),
    fetcher: Fetcher | None = None,
) -> Iterator[Article | Failure]:
    """Read and clean inputs: cleaned Articles, and a Failure per input that failed; the
    files in ``skip`` are never read (see ``storyline.ingest.read``). URLs and the pages
    feeds and sitemaps link to are fetched with ``fetcher`` when one is given."""
    from storyline.ingest import MAX_BYTES, read

    items = read(paths, source=source, format=format, max_bytes=max_bytes or MAX_BYTES,
                 skip=skip, fetcher=fetcher)  # fmt: skip
    yield from clean_items(items, progress=progress)


def clean_items(
    items: Iterable[Article | Failure], *, progress: Progress | None = None
) -> Iterator[Article | Failure]:
    """Clean the read articles as one batch (repeated lines per source); pass failures on.

    Big batches are cleaned on every available core (see ``clean_batch(workers=None)``).
    """
    from functools import partial

    from storyline.clean import clean_batch as serial_clean_batch

    clean_batch = partial(serial_clean_batch, workers=None)

    articles: list[Article] = []
    enter("read")
    for item in items:
        faults.point("ingest.read")
        item = _sized(item)
        if isinstance(item, Failure):
            _tick(progress, item)
            yield item
        else:
            articles.append(item)
    enter("clean")
    for article in _clean_safely(articles, clean_batch):
        faults.point("ingest.clean")
        _tick(progress, article)
        yield article


#: Longest article text stored and compared (characters). The longest news reports run to
#: ~60,000; comparing a text far beyond that costs minutes and gigabytes (fuzzing found a
#: 1 MB line taking 120 s and 3.6 GB), so it fails alone, naming its input.
MAX_ARTICLE_CHARS = 100_000


def _sized(item: Article | Failure) -> Article | Failure:
    if isinstance(item, Failure) or len(item.text) <= MAX_ARTICLE_CHARS:
        return item
    return Failure(
        item.path or item.id,
        f"text too long: {len(item.text):,} characters > {MAX_ARTICLE_CHARS:,}; "
        "a news report is shorter: split the input into its reports",
    )


def _clean_safely(articles: list[Article], clean_batch: Callable) -> Iterator[Article | Failure]:
    """Clean the batch; if the batch fails, clean one by one so one bad article fails alone."""
    try:
        yield from list(clean_batch(articles))
        return
    except Exception:  # noqa: BLE001 - isolate the article that breaks, below
        pass
    for article in articles:
        try:
            yield from list(clean_batch([article]))
        except Exception as exc:  # noqa: BLE001 - reported as a Failure naming the input
            yield Failure(article.path or article.id, f"cleaning failed: {exc}")


def _tick(progress: Progress | None, item: Article | Failure) -> None:
    if progress is not None:
        progress(item)


def build_stories(articles: Sequence[Article]) -> list[StoryReport]:
    """Group articles into stories and compare each story's articles."""
    from storyline.compare import compare
    from storyline.stories import group

    by_id = {a.id: a for a in articles}
    reports = []
    for story in group(list(articles)):
        members = tuple(by_id[i] for i in story.articles)
        reports.append(StoryReport(story, members, compare(story, members)))
    return reports


def compare_paths(
    paths: Paths,
    *,
    source: str | None = None,
    format: str = "auto",
    max_bytes: int | None = None,
    fetcher: Fetcher | None = None,
) -> tuple[list[StoryReport], list[Failure]]:
    """One shot, in memory: ingest, clean, group and compare the given inputs."""
    articles: dict[str, Article] = {}
    failures: list[Failure] = []
    for item in prepare(paths, source=source, format=format, max_bytes=max_bytes, fetcher=fetcher):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            articles.setdefault(item.id, item)
    return build_stories(list(articles.values())), failures


def ingest(
    store: Store,
    paths: Paths,
    *,
    source: str | None = None,
    format: str = "auto",
    max_bytes: int | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    fetcher: Fetcher | None = None,
    model: str | None = None,
) -> IngestReport:
    """Read, clean and store inputs, then regroup and compare the stored articles. The
    store's own database files are never read as inputs. URLs and the pages feeds and
    sitemaps link to are fetched with ``fetcher`` when one is given. ``model``: the pair
    model stories are assigned with (see :func:`assign_stream`; None: the database's).

    With an ``engine`` (:func:`storyline.scale.open_engine`) the per-article work (cleaning,
    story profiles) and the per-story work (comparison, analysis) run on it; reading, story
    assignment and every write stay here, so the store ends as a local ingest leaves it."""
    from storyline.ingest.files import database_files

    own = database_files(getattr(store, "path", None))
    if engine is None:
        items = prepare(paths, source=source, format=format, max_bytes=max_bytes, progress=progress,
                        skip=own, fetcher=fetcher)  # fmt: skip
        return store_items(store, items, model=model)
    from storyline.ingest import MAX_BYTES, read

    read_items = read(paths, source=source, format=format, max_bytes=max_bytes or MAX_BYTES,
                      skip=own, fetcher=fetcher)  # fmt: skip
    prepared = prepare_on(engine, read_items, progress=progress)
    return store_items(store, prepared, engine=engine, model=model)


def prepare_on(
    engine: Engine, items: Iterable[Article | Failure], *, progress: Progress | None = None
) -> list[Article | Failure]:
    """Clean the read ``items`` on ``engine``, in batches: the cleaned articles and failures,
    as :func:`clean_items` gives them."""
    from storyline.clean.cleaner import clean_tasks
    from storyline.scale import batches

    out: list[Article | Failure] = []
    articles: list[Article] = []
    for item in map(_sized, items):
        if isinstance(item, Failure):
            _tick(progress, item)
            out.append(item)
        else:
            articles.append(item)
    for results in engine.map("clean", batches(clean_tasks(articles), engine.batch_size)):
        for item in results:
            _tick(progress, item)
            out.append(item)
    return out


def store_items(
    store: Store,
    items: Iterable[Article | Failure],
    *,
    engine: Engine | None = None,
    model: str | None = None,
) -> IngestReport:
    """Store cleaned articles (idempotent), then regroup; failures are passed through.
    ``engine`` and ``model`` as for :func:`assign_stream`.

    Everything is written in one ``store.batch()``: killed at any instant, the database is as
    before the call or as after it. Work an earlier, interrupted version left stranded
    (:func:`pending`) is finished on the way and reported as ``resumed``."""
    items = list(items)
    failures = tuple(i for i in items if isinstance(i, Failure))
    articles = _unique([i for i in items if isinstance(i, Article)])
    with store.batch():
        faults.point("ingest.batch")
        resumed = pending(store)
        enter("store")
        added = store.add_articles(articles) if articles else []
        faults.point("ingest.stored")
        fresh = [a for a, is_new in zip(articles, added, strict=True) if is_new]
        stories = _finish(store, fresh, resumed, engine=engine, model=model)
    new = tuple(a.id for a in fresh)
    old = tuple(a.id for a, is_new in zip(articles, added, strict=True) if not is_new)
    return IngestReport(new, old, failures, stories, resumed if resumed.total else None)


@dataclass(frozen=True, slots=True)
class Pending:
    """Work a store holds undone: articles the reuse index has not seen (``unindexed``) or
    that have no story yet (``unassigned``), and stories without a stored analysis."""

    unindexed: int = 0
    unassigned: int = 0
    unanalysed: int = 0

    @property
    def total(self) -> int:
        return self.unindexed + self.unassigned + self.unanalysed


def pending(store: Store) -> Pending:
    """What work the store holds undone (cheap: counts and one query)."""
    articles = store.count_articles()
    return Pending(
        max(0, articles - _indexed(store, articles)),
        max(0, articles - store.count_story_profiles()),
        len(store.stories_without_analysis()),
    )


def _indexed(store: Store, articles: int) -> int:
    """How many articles the stored reuse index covers, by its manifest (a legacy
    whole-index blob is taken as complete: the next ingest with new articles catches up)."""
    import json

    from storyline.reuse.persist import is_manifest

    state = store.reuse_state()
    if state is None:
        return 0
    if not is_manifest(state):
        return articles
    try:
        return int(json.loads(state)["articles"])
    except (ValueError, KeyError, TypeError):
        return articles


def finish_pending(store: Store) -> Pending:
    """Finish the work an interrupted run left (see :func:`pending`), in one batch; returns
    what was pending."""
    with store.batch():
        found = pending(store)
        if found.total:
            _finish(store, [], found)
    return found


def _finish(
    store: Store,
    fresh: list[Article],
    stranded: Pending,
    *,
    engine: Engine | None = None,
    model: str | None = None,
) -> int:
    """Index, assign, compare and analyse the ``fresh`` articles and whatever ``stranded``
    says is undone (``engine``: as for :func:`assign_stream`); returns how many stories
    there are."""
    if fresh or stranded.unindexed:
        enter("reuse")
        update_reuse(store, fresh)  # catches up stored articles the index has not seen
        faults.point("ingest.reused")
    assign = fresh or stranded.unassigned
    stories = restory(store, engine=engine, model=model) if assign else store.count_stories()
    missing = store.stories_without_analysis()
    if missing:
        store_analyses(store, [story_report(store, sid) for sid in missing])
    faults.point("ingest.finished")
    return stories


def _unique(articles: list[Article]) -> list[Article]:
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.id, article)
    return list(seen.values())


def restory(
    store: Store,
    *,
    method: str = "stories.stream.v1",
    engine: Engine | None = None,
    model: str | None = None,
) -> int:
    """Update the stored stories and their comparisons (a story whose articles did not change
    keeps its stored comparison); returns how many stories there are.

    "stories.stream.v1" (default): articles not yet assigned are assigned by the streaming
    :class:`~storyline.stories.stream.StoryAssigner` in time order, resumed from the stored
    profiles with the recorded corrections replayed where they were made (see
    :func:`assign_stream`). "stories.group.v1": regroup every stored article in one batch,
    keep the ids of the stored stories they continue, then replay the corrections."""
    if method == "stories.stream.v1":
        return assign_stream(store, engine=engine, model=model)
    if method != "stories.group.v1":
        raise ValueError(f"unknown story method {method!r}; use stories.stream.v1 or .group.v1")
    from storyline.stories import group
    from storyline.stories.corrections import apply_corrections, keep_ids

    articles = {a.id: a for a in store.articles()}
    previous = {s.id: s for s in store.stories()}
    stories = keep_ids(group(list(articles.values())), previous.values())
    stories = apply_corrections(stories, store.corrections(), articles)
    store.put_stories((s, _comparison(store, s, previous, articles)) for s in stories)
    return len(stories)


def _comparison(
    store: Store, story: Story, previous: dict[str, Story], articles: dict[str, Article]
) -> Comparison:
    old = previous.get(story.id)
    stored = store.comparison(story.id) if old and old.articles == story.articles else None
    if stored is not None:
        return stored
    from storyline.compare import compare

    return compare(story, _members(story, articles))


def story_report(store: Store, story_id: str) -> StoryReport:
    """A stored story with its articles and comparison; NotFound for an unknown id."""
    story = store.story(story_id)
    if story is None:
        raise NotFound(f"no story {story_id!r} in this database; list them with: storyline stories")
    articles = tuple(store.articles(story.articles))
    comparison = store.comparison(story_id)
    if comparison is None:
        from storyline.compare import compare

        comparison = compare(story, articles)
    report = StoryReport(story, articles, comparison)
    derived = store.stored_analysis(story_id)
    if derived is None:
        return report
    return replace(report, analysis=derived[0], extras={"membership": derived[1]})


def story_reports(store: Store) -> list[StoryReport]:
    """Every stored story as a report, newest first."""
    return [story_report(store, s.id) for s in store.stories()]


def ingest_uploads(
    store: Store,
    files: Sequence[tuple[str, bytes]],
    *,
    source: str | None = None,
    format: str = "auto",
) -> IngestReport:
    """Like :func:`ingest` for in-memory inputs (uploads): ``(name, content)`` pairs."""
    from storyline.ingest import read_text

    items = (
        x for name, data in files for x in read_text(data, name=name, source=source, format=format)
    )
    return store_items(store, clean_items(items))


# --- reuse: duplicates, shared passages, attribution (docs/reuse.md) ---


@dataclass(frozen=True, slots=True)
class ArticleReport:
    """One stored article with its reuse: passages, the articles they are shared with,
    its duplicate group and its attribution."""

    article: Article
    passages: tuple[SharedPassage, ...]
    partners: tuple[Article, ...]
    group: DupGroup | None
    attribution: Attribution | None


#: Most articles one stored index segment covers (about 130 MB at 300 words; SQLite keeps at
#: most 1 GB in one value): a larger ingest or rebuild is indexed and stored in such chunks.
REUSE_SEGMENT_ARTICLES = 10_000


def update_reuse(store: Store, articles: Sequence[Article]) -> ReuseUpdate:
    """Compare the new (already stored) ``articles`` with the stored ones and store only what
    they changed; the index is kept in the store as one segment per ingest, each holding only
    what that ingest added (see docs/reuse.md for its cost)."""
    index, stored = _reuse_index(store, {a.id for a in articles})
    return _merged(_add_stored(store, index, list(articles), stored))


@dataclass(slots=True)
class _Segments:
    """Where the stored segments stand: the articles they cover, how many there are, and
    whether the next one written must replace them all (a rebuilt index)."""

    articles: int
    count: int
    restart: bool = False


def _reuse_index(store: Store, new: set[str]) -> tuple[ReuseIndex, _Segments]:
    """The stored index and where its stored segments stand.

    Loads the segments (skipping one a concurrent ingest wrote from the same starting
    point); without any, a legacy whole-index blob (re-stored as the first segment), else an
    empty index; unreadable segments give an empty index whose segments replace them. One
    behind the store is caught up from the stored articles (its results are re-stored:
    idempotent); ``new`` articles are left for the caller."""
    from storyline.reuse import ReuseIndex
    from storyline.reuse.persist import is_manifest, load_segments

    segments = store.reuse_segments()
    state = None if segments else store.reuse_state()
    try:
        if segments:
            index = load_segments(segments, strict=False)
        elif state and not is_manifest(state):
            index = ReuseIndex.from_bytes(state)
        else:
            index = ReuseIndex()
        stored = _Segments(len(index) if segments else 0, len(segments))
    except StorylineError as err:  # damaged or foreign: rebuilt from the stored articles
        reason = str(err).split("; ")[0]
        warnings.warn(f"{reason}: rebuilt from the stored articles", stacklevel=2)
        index, stored = ReuseIndex(), _Segments(0, 0, restart=True)
    if len(index) + len(new) < store.count_articles():
        known = set(index.index_) | new
        _add_stored(store, index, [a for a in store.articles() if a.id not in known], stored)
    return index, stored


def _add_stored(
    store: Store, index: ReuseIndex, articles: list[Article], stored: _Segments
) -> list[ReuseUpdate]:
    """Add ``articles`` in chunks; store each chunk's update with the segment of what the
    index gained since ``stored.articles`` (``stored`` is advanced)."""
    from storyline.reuse.persist import dump_segment, manifest

    updates = []
    for lo in range(0, len(articles), REUSE_SEGMENT_ARTICLES):
        update = index.add(articles[lo : lo + REUSE_SEGMENT_ARTICLES])
        if len(index) > stored.articles:
            segment = dump_segment(index, stored.articles)
            head = manifest(index, stored.count + 1)
            store.put_reuse(update, head, segment, restart=stored.restart)
            stored.articles, stored.count, stored.restart = len(index), stored.count + 1, False
        updates.append(update)
    return updates


def _merged(updates: list[ReuseUpdate]) -> ReuseUpdate:
    """One update for consecutive ones, as if their articles were added at once: later
    groups and attributions win."""
    from storyline.reuse import ReuseUpdate

    if len(updates) <= 1:
        return updates[0] if updates else ReuseUpdate()
    groups: dict[str, DupGroup] = {}
    replaced: set[str] = set()
    for u in updates:
        for gone in u.replaced:  # a group made by an earlier chunk is simply dropped
            if groups.pop(gone, None) is None:
                replaced.add(gone)
        groups.update((g.id, g) for g in u.groups)
    attributions = {a.article: a for u in updates for a in u.attributions}
    return ReuseUpdate(
        links=tuple(x for u in updates for x in u.links),
        groups=tuple(sorted(groups.values(), key=lambda g: g.id)),
        replaced=tuple(sorted(replaced)),
        passages=tuple(p for u in updates for p in u.passages),
        attributions=tuple(attributions.values()),
        added=tuple(i for u in updates for i in u.added),
    )


def attach_reuse(reports: Sequence[StoryReport]) -> list[StoryReport]:
    """One shot, in memory: the reports with passages, attribution and duplicate groups of
    their articles (computed over all of them) in ``extras``."""
    from storyline.reuse import reuse

    articles = {a.id: a for r in reports for a in r.articles}
    groups, passages, attributions, _ = reuse(articles.values())
    by_id = {att.article: att for att in attributions}
    return [_with_reuse(r, passages, by_id, groups) for r in reports]


def stored_reuse(store: Store, report: StoryReport) -> StoryReport:
    """The report with its articles' stored passages, attribution and groups in ``extras``."""
    ids = [a.id for a in report.articles]
    passages = {p for i in ids for p in store.passages_of(i)}
    by_id = {i: att for i in ids if (att := store.attribution(i)) is not None}
    groups = {g for i in ids if (g := store.dup_group_of(i)) is not None}
    return _with_reuse(report, sorted(passages, key=_passage_order), by_id, list(groups))


def _with_reuse(
    report: StoryReport,
    passages: Iterable[SharedPassage],
    attributions: dict[str, Attribution],
    groups: Iterable[DupGroup],
) -> StoryReport:
    ids = {a.id for a in report.articles}
    extras = dict(report.extras)
    extras["passages"] = tuple(p for p in passages if p.a in ids or p.b in ids)
    extras["attribution"] = {i: attributions[i] for i in sorted(ids) if i in attributions}
    extras["dup_groups"] = tuple(sorted((g for g in groups if ids & set(g.articles)),
                                        key=lambda g: g.id))  # fmt: skip
    return replace(report, extras=extras)


def _passage_order(p: SharedPassage) -> tuple[str, int, str, int]:
    return (p.a, p.a_start, p.b, p.b_start)


def article_report(store: Store, article_id: str) -> ArticleReport:
    """A stored article with its reuse; NotFound for an unknown id."""
    article = store.article(article_id)
    if article is None:
        raise NotFound(
            f"no article {article_id!r} in this database; ids are listed by: storyline stories --json"
        )
    passages = tuple(store.passages_of(article_id))
    others = {p.b if p.a == article_id else p.a for p in passages}
    partners = tuple(store.articles(sorted(others)))
    group = store.dup_group_of(article_id)
    return ArticleReport(article, passages, partners, group, store.attribution(article_id))


# --- stories: explained membership and corrections (docs/stories.md) ---


def explained(
    report: StoryReport,
    corrections: Iterable[Correction] = (),
    *,
    model: str | None = None,
    store: Store | None = None,
    profiles: Sequence[Profile] | None = None,
) -> StoryReport:
    """The report with ``extras["membership"]``: one Membership per article saying why it is in
    the story. With ``store`` (and ``model`` None or "use") the members' profiles stored at
    ingest are used (or ``profiles``, the members' profiles as stored, when the caller has read
    them); else, or when one is missing, every member is encoded again (~0.1 s each).
    ``model`` None is the model that assigned them: e5 when the profiles all carry e5 vectors
    (a ``--model e5`` database), else use. An article a recorded correction placed says so
    ("moved", "split", "merged") and is pinned."""
    if "membership" in report.extras:
        return report
    from storyline.stories.explain import explain_story

    if profiles is None and store and model in (None, "use"):
        profiles = stored_profiles(store, report.story.articles)
    if model is None:  # the model that assigned them
        model = _profiles_model(profiles or [])
    placed = _placed_by(corrections)
    members = tuple(
        replace(m, reason=placed[m.article], pinned=True) if m.article in placed else m
        for m in explain_story(report.story, report.articles, profiles=profiles, model=model)
    )
    if report.analysis is not None:
        members = tuple(_named(m, report.analysis) for m in members)
    return replace(report, extras={**report.extras, "membership": members})


def _named(m: Membership, analysis: Analysis) -> Membership:
    """``m`` with the story's named entities (people, places, bodies) that its article and
    its best match both mention as ``shared_entities``, most mentioned first."""
    if not m.matches:
        return m
    pair = {m.article, m.matches[0][0]}
    both = [e for e in analysis.entities if pair <= {x.article for x in e.mentions}]
    both.sort(key=lambda e: -len(e.mentions))
    return replace(m, shared_entities=tuple(e.name for e in both[:12])) if both else m


def stored_profiles(store: Store, ids: Sequence[str]) -> list[Profile] | None:
    """The similarity profiles stored at ingest for ``ids``, in that order; None when one of
    them has none (a database from before streaming, or articles not assigned yet)."""
    from storyline.stories.profile_codec import profile_from_bytes

    data = {aid: blob for aid, _, blob in store.story_profiles(ids)}
    if any(aid not in data for aid in ids):
        return None
    return [profile_from_bytes(data[aid]) for aid in ids]


def _placed_by(corrections: Iterable[Correction]) -> dict[str, str]:
    """Article id -> reason of the last correction that placed it."""
    reasons = {"move": "moved", "split": "split", "merge": "merged"}
    return {a: reasons[c.kind.removesuffix("-event")] for c in corrections for a in c.articles}


def correct(store: Store, correction: Correction) -> list[Story]:
    """Check the ids of ``correction`` against the store (NotFound naming an unknown one),
    record it and regroup; returns the stories it names, as stored now."""
    _check_ids(store, correction)
    with store.batch():
        store.add_correction(correction)
        restory(store)
    named = [] if correction.kind.endswith("-event") else [correction.story, correction.other]
    named += [s.id for a in correction.articles for s in store.stories_of(a)]
    return [s for sid in dict.fromkeys(named) if sid and (s := store.story(sid)) is not None]


def split_story(store: Store, story_id: str, article_ids: Sequence[str]) -> list[Story]:
    """Take ``article_ids`` out of a stored story into a new story (kept on later ingests)."""
    from storyline.stories import story_id as new_id

    other = new_id(article_ids) if article_ids else None
    return correct(store, Correction("split", story_id, tuple(article_ids), other, _now()))


def merge_stories(store: Store, story_id: str, other_id: str) -> list[Story]:
    """Fold story ``other_id`` into ``story_id`` (kept on later ingests)."""
    other = store.story(other_id)
    held = other.articles if other is not None else ()
    return correct(store, Correction("merge", story_id, held, other_id, _now()))


def move_article(store: Store, article_id: str, story_id: str) -> list[Story]:
    """Move one stored article into story ``story_id`` (kept on later ingests)."""
    return correct(store, Correction("move", story_id, (article_id,), None, _now()))


def split_event(store: Store, event_id: str, article_ids: Sequence[str]) -> list[Story]:
    """Take ``article_ids`` out of a stored event into a new event of the same story."""
    return correct(store, Correction("split-event", event_id, tuple(article_ids), None, _now()))


def merge_events(store: Store, event_id: str, other_id: str) -> list[Story]:
    """Fold event ``other_id`` into ``event_id`` (into its story too when they differ)."""
    other = store.event(other_id)
    held = other.articles if other is not None else ()
    return correct(store, Correction("merge-event", event_id, held, other_id, _now()))


def move_to_event(store: Store, article_id: str, event_id: str) -> list[Story]:
    """Move one stored article into event ``event_id`` (and its story)."""
    return correct(store, Correction("move-event", event_id, (article_id,), None, _now()))


def _check_event_ids(store: Store, c: Correction) -> None:
    hint = "ids are listed by: storyline stories --level event --json"
    for eid in (c.story, c.other) if c.kind == "merge-event" else (c.story,):
        if eid is None or store.event(eid) is None:
            raise NotFound(f"no event {eid!r} in this database; {hint}")
    event = store.event(c.story)
    for aid in c.articles:
        if store.article(aid) is None:
            raise NotFound(f"no article {aid!r} in this database; {hint}")
        if c.kind == "split-event" and event and aid not in event.articles:
            raise NotFound(f"article {aid!r} is not in event {c.story!r}; split takes its own")
    if c.kind == "split-event" and event and len(set(c.articles)) >= len(event.articles):
        from storyline.errors import InputError

        raise InputError(c.story, "a split must leave at least one article in the event")


def _check_ids(store: Store, c: Correction) -> None:
    if c.kind.endswith("-event"):
        _check_event_ids(store, c)
        return
    hint = "ids are listed by: storyline stories --json"
    for sid in (c.story, c.other) if c.kind == "merge" else (c.story,):
        if sid is None or store.story(sid) is None:
            raise NotFound(f"no story {sid!r} in this database; {hint}")
    for aid in c.articles:
        if store.article(aid) is None:
            raise NotFound(f"no article {aid!r} in this database; {hint}")
    story = store.story(c.story)
    outside = [a for a in c.articles if c.kind == "split" and story and a not in story.articles]
    if outside:
        raise NotFound(f"article {outside[0]!r} is not in story {c.story!r}; split takes its own")
    if c.kind == "split" and story and len(c.articles) >= len(story.articles):
        from storyline.errors import InputError

        raise InputError(c.story, "a split must leave at least one article in the story")


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def assign_stream(store: Store, *, engine: Engine | None = None, model: str | None = None) -> int:
    """Assign every stored article that has no stored profile yet (new ones, or all of a
    database from before streaming) with the streaming assigner; returns how many stories
    there are. The assigner resumes from its saved state when that state has seen every
    stored profile (reading cached profiles from the store only when a candidate needs one),
    else it is rebuilt by replaying the stored profiles and corrections. Only the stories
    that changed are compared and written, in one transaction with the new profiles and the
    new state. ``engine``: where the new articles are profiled and the changed stories
    compared and analysed (here and on this machine's cores when None). ``model``: the pair
    model, "use" or "e5" (``pip install 'storyline[embed]'``; e5 vectors in every profile,
    its own thresholds, ~0.5 s more CPU per article); a database keeps the model of its
    first assignment, None follows it, and another model raises
    :class:`~storyline.errors.StoreError` (its stored profiles were made for that one)."""
    from storyline.model import AssignerState, Assignment
    from storyline.stories.profile_codec import profile_to_bytes
    from storyline.stories.replay import arrival_order, titled
    from storyline.stories.state_codec import state_to_bytes

    enter("assign")
    corrections = store.corrections()
    assigner, articles = _resume_assigner(store, corrections, model)
    fresh_ids = [a for a in store.article_ids() if a not in assigner.index_]
    fresh = arrival_order(_load(store, articles, fresh_ids))
    enter("profile")
    found = profile_articles(assigner, fresh, engine)
    enter("assign")
    assigner.partial_fit(fresh, found)
    previous = {s.id: s for s in store.stories()}
    current = assigner.stories()
    changed = [s for s in current if s.id not in previous or previous[s.id].articles != s.articles]
    _load(store, articles, [a for s in changed for a in s.articles])
    pairs_in = zip(fresh, found, strict=True)
    rows = tuple((a.id, len(corrections), profile_to_bytes(p)) for a, p in pairs_in)
    state = AssignerState(
        store.count_story_profiles() + len(rows), len(corrections), state_to_bytes(assigner)
    )
    stories = titled(changed, articles, previous)
    faults.point("assign.profiled")
    enter("compare")
    done = _compared_on(engine, stories, articles) if engine is not None else {}
    pairs = tuple(
        (s, done[s.id][0] if s.id in done else _compared(store, s, previous, articles))
        for s in stories
    )
    removed = tuple(previous.keys() - {s.id for s in current})
    enter("store")
    store.save_assignment(Assignment(rows, state, pairs, removed))
    faults.point("assign.saved")
    _save_events(store, assigner, articles)
    reports = [
        StoryReport(s, _members(s, articles), c, done[s.id][1] if s.id in done else None)
        for s, c in pairs
    ]
    enter("compare")
    store_analyses(store, reports, corrections)
    return len(current)


def _compared_on(
    engine: Engine, stories: Sequence[Story], articles: dict[str, Article]
) -> dict[str, tuple[Comparison, Analysis]]:
    """Story id -> (comparison, analysis) of ``stories``, computed on ``engine`` in batches."""
    from storyline.scale import batches

    work = [(s, _members(s, articles)) for s in stories]
    results = engine.map("compare_stories", batches(work, STORIES_PER_BATCH))
    done = [pair for batch in results for pair in batch]
    return {s.id: pair for s, pair in zip(stories, done, strict=True)}


#: Stories an engine compares per batch (a story's cost grows with its articles' sentences).
STORIES_PER_BATCH = 8


def _compared(
    store: Store, story: Story, previous: dict[str, Story], articles: dict[str, Article]
) -> Comparison:
    faults.point("assign.compare")
    return _comparison(store, story, previous, articles)


def profile_articles(
    assigner: StoryAssigner, articles: Sequence[Article], engine: Engine | None = None
) -> list[Profile]:
    """Similarity profiles of ``articles`` for ``assigner``: large batches on every core
    (see :mod:`storyline.stories.workers`), or on ``engine``, in the same chunks of
    ``workers.CHUNK`` articles either way (so every engine gets the same profiles)."""
    from storyline.stories import workers

    if engine is None:
        return workers.profile_many(assigner, articles)
    from storyline.scale import batches

    chunks = batches(list(articles), workers.CHUNK)
    return [p for done in engine.map("profiles", chunks, model=assigner.model) for p in done]


def _save_events(store: Store, assigner: StoryAssigner, articles: dict[str, Article]) -> None:
    """Store the events of every story whose events differ from the stored ones (after new
    articles, a story or an event correction; a store from before events gets them all)."""
    from storyline.stories.replay import titled_events

    def by_story(events: Iterable) -> dict[str, set[tuple[str, tuple[str, ...]]]]:
        out: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
        for e in events:
            out.setdefault(e.story, set()).add((e.id, e.articles))
        return out

    current_events = assigner.events()
    current, stored = by_story(current_events), by_story(store.events())
    changed = {s for s in current.keys() | stored.keys() if current.get(s) != stored.get(s)}
    if not changed:
        return
    events = [e for e in current_events if e.story in changed]
    _load(store, articles, [a for e in events for a in e.articles])
    store.put_events(titled_events(events, articles), stories=changed)


def _members(story: Story, articles: dict[str, Article]) -> tuple[Article, ...]:
    return tuple(articles[a] for a in story.articles)


def store_analyses(
    store: Store, reports: Iterable[StoryReport], corrections: Sequence[Correction] | None = None
) -> None:
    """Analyse and explain stored stories and keep the results with them, so ``show`` and the
    web read them instead of computing them on every first view (``corrections``: the
    store's, when the caller has not read them already)."""
    from storyline.parallel import chunked_map

    if corrections is None:
        corrections = store.corrections()
    reports, fixed = list(reports), tuple(corrections)
    for lo in range(0, len(reports), ANALYSIS_BLOCK):  # bounds the profiles held at once
        block = reports[lo : lo + ANALYSIS_BLOCK]
        jobs = [(r, fixed, stored_profiles(store, r.story.articles)) for r in block]
        done = chunked_map(
            _analyse_jobs, jobs, chunk=ANALYSIS_CHUNK, min_items=ANALYSIS_PARALLEL_MIN
        )
        for report, (analysis, membership) in zip(block, done, strict=True):
            store.put_analysis(report.story.id, analysis, membership)
            faults.point("analysis.stored")


#: store_analyses analyses at least this many stories on every core, in chunks of
#: ANALYSIS_CHUNK (each story is independent; smaller batches stay in this process), and
#: reads the stored profiles of at most ANALYSIS_BLOCK stories at a time.
ANALYSIS_PARALLEL_MIN = 128
ANALYSIS_CHUNK = 32
ANALYSIS_BLOCK = 1024

_AnalysisJob = tuple[StoryReport, tuple[Correction, ...], "list[Profile] | None"]


def _analyse_jobs(jobs: list[_AnalysisJob]) -> list[tuple[Analysis, tuple[Membership, ...]]]:
    """Analysis and membership of each (report, corrections, stored member profiles)."""
    out = []
    for report, corrections, profiles in jobs:
        done = explained(analysed(report), corrections, profiles=profiles)
        out.append((done.analysis, done.extras["membership"]))
    return out  # type: ignore[return-value]


def _load(store: Store, articles: dict[str, Article], ids: Sequence[str]) -> list[Article]:
    """The articles of ``ids``, read from the store into ``articles`` where missing."""
    missing = [a for a in dict.fromkeys(ids) if a not in articles]
    articles.update((a.id, a) for a in store.articles(missing))
    return [articles[a] for a in dict.fromkeys(ids) if a in articles]


def _resume_assigner(
    store: Store, corrections: Sequence[Correction], model: str | None = None
) -> tuple[StoryAssigner, dict[str, Article]]:
    """(assigner, articles read): from the saved state when it is current, else replayed,
    with the database's pair model (see :func:`assign_stream` for ``model``)."""
    from storyline.stories.profile_codec import profile_from_bytes
    from storyline.stories.replay import apply_upto, replay
    from storyline.stories.state_codec import state_from_bytes, uses_defaults

    def loader(ids: list[str]) -> list[Profile]:
        found = stored_profiles(store, ids)
        if found is None:
            raise StoreError("a cached profile is missing from story_profiles; run restory")
        return found

    saved = store.assigner_state()
    if saved is not None and saved.profiles == store.count_story_profiles():
        try:
            assigner: StoryAssigner | None = state_from_bytes(saved.data)
        except ValueError:
            assigner = None
        if assigner is not None:
            model = _same_model(assigner.model, model)
            if uses_defaults(assigner):
                apply_upto(assigner, corrections, saved.corrections, len(corrections))
                assigner.profile_loader_ = loader
                return assigner, {}
    articles = {a.id: a for a in store.articles()}
    stored = [(a, n, profile_from_bytes(d)) for a, n, d in store.story_profiles()]
    if stored:
        model = _same_model(_profiles_model([p for _, _, p in stored]), model)
    assigner = replay(articles, stored, corrections, model=model or "use")
    assigner.profile_loader_ = loader
    return assigner, articles


def _profiles_model(profiles: Sequence[Profile]) -> str:
    """The pair model ``profiles`` were made for: "e5" when they all carry e5 vectors (none:
    "use")."""
    return "e5" if profiles and all(p.e5 is not None for p in profiles) else "use"


def _same_model(stored: str, asked: str | None) -> str:
    """The database's pair model, or StoreError when another one is asked for."""
    if asked is not None and asked != stored:
        raise StoreError(
            f"this database's stories are assigned with the {stored!r} pair model; "
            f"it cannot switch to {asked!r} (its stored profiles were made for {stored!r}): "
            f"ingest with --model {stored} or into a new database"
        )
    return stored
