"""Views: each builds one dict, which the app renders as an HTML page or returns as JSON.

The JSON shapes extend those of :mod:`storyline.export` (the CLI's ``--json``): the same
field names, plus page data (``sentences``, ``timeline``, pagination). See docs/api.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storyline import export
from storyline.errors import InputError, NotFound, StorylineError
from storyline.model import UNIQUE, Alignment, Article, Failure, SharedPassage, Story, aware
from storyline.store.base import Store
from storyline.store.memo import VersionCache

if TYPE_CHECKING:
    from storyline.pipeline import IngestReport, StoryReport

#: Searches matching more stories than this get the facets of the filters alone (counting
#: the facets of 57,000 matching stories took ~1 s of CPU at 100,000 stories).
FACET_SEARCH_MAX = 5_000
#: A search's total is counted up to this many stories (or one page past the offset), then
#: shown as "more than 5,000" (``total_exact: false``): the exact total of a common word cost
#: a pass over every match (~140 ms of CPU for 57,000 texts at 100,000 stories; up to 5,000:
#: ~40 ms). The same bound as the facets': past it a search is "too many to count quickly".
SEARCH_TOTAL_MAX = FACET_SEARCH_MAX
#: Largest page size a client may ask for.
MAX_LIMIT = 200
#: Largest offset a client may ask for (larger ones would overflow SQLite's 64-bit integers).
MAX_OFFSET = 1_000_000_000
#: The name a JSON request body gets in failures ("request body:2" is its second article).
BODY_NAME = "request body"


class BadRequest(StorylineError):
    """A request parameter or body could not be understood (HTTP 400)."""


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """What the stories list shows: an optional search, filters and one page."""

    q: str | None = None
    source: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0
    agency: str | None = None
    sort: str = "coverage"
    singletons: bool = False

    def filters(self) -> dict[str, Any]:
        return {"source": self.source, "language": self.language, "since": self.since,
                "until": self.until, "agency": self.agency,
                "min_size": 1 if self.singletons else 2}  # fmt: skip


def parse_day(name: str, value: str | None) -> datetime | None:
    """A ``YYYY-MM-DD`` (or ISO datetime) query value as a UTC datetime; '' and None -> None."""
    if value is None or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None
    return aware(parsed)


def page_dict(total: int, limit: int, offset: int) -> dict[str, Any]:
    """Pagination fields shared by every list: total, limit, offset and the next/prev offsets."""
    nxt = offset + limit if offset + limit < total else None
    prev = max(0, offset - limit) if offset > 0 else None
    return {"total": total, "limit": limit, "offset": offset, "next": nxt, "prev": prev}


# ------------------------------------------------------------------ stories


def stories_view(store: Store, query: StoryQuery) -> dict[str, Any]:
    """One page of stories in the query's order (by coverage unless asked otherwise),
    searched and filtered, with facets of every matching story and, when one-article
    stories are hidden, how many were (``hidden_singletons``)."""
    q = (query.q or "").strip() or None
    page = {"limit": query.limit, "offset": query.offset, **query.filters()}
    try:
        stories, total, exact = _stories_and_total(store, q, page, query.sort)
    except InputError as exc:  # an unknown sort
        raise BadRequest(str(exc)) from None
    out = {"stories": summaries(store, stories), **page_dict(total, query.limit, query.offset)}
    out["total_exact"] = exact
    skip = q is not None and (not exact or total > FACET_SEARCH_MAX)  # a huge search's facets
    out["facets"] = store.story_facets(None if skip else q, **query.filters())
    out["facets_of_search"] = not skip
    hidden: int | None = 0
    if not query.singletons:  # a huge search is not counted twice: None, "some hidden"
        every = {**query.filters(), "min_size": 1}
        hidden = (
            None
            if skip
            else (store.count_search(q, **every) if q else store.count_stories(**every)) - total
        )
    out["hidden_singletons"] = hidden
    out["query"] = _query_dict(query)
    return out


def _stories_and_total(
    store: Store, q: str | None, page: dict[str, Any], sort: str
) -> tuple[list[Story], int, bool]:
    """The page, the total and whether it is exact: a search counts up to ``bound`` + 1
    stories, and a total past ``bound`` is given as ``bound`` ("bound+"), which still
    leaves a next page after this one."""
    filters = {k: v for k, v in page.items() if k not in ("limit", "offset")}
    if not q:
        return store.stories_page(**page, sort=sort), store.count_stories(**filters), True
    stories = store.search(q, **page, sort=sort)
    bound = max(SEARCH_TOTAL_MAX, page["offset"] + page["limit"] + 1)
    found = store.count_search(q, upto=bound + 1, **filters)
    return stories, min(found, bound), found <= bound


def _query_dict(query: StoryQuery) -> dict[str, Any]:
    data = asdict(query)
    for key in ("since", "until"):
        data[key] = data[key].date().isoformat() if data[key] else None
    return data


def summaries(store: Store, stories: Sequence[Story]) -> list[dict[str, Any]]:
    """``export.story_summary`` of each story, loading all their articles in one call."""
    ids = list(dict.fromkeys(i for s in stories for i in s.articles))
    by_id = {a.id: a for a in store.articles(ids)}
    return [export.story_summary(s, [by_id[i] for i in s.articles if i in by_id]) for s in stories]


# ------------------------------------------------------------------ one story


class Derived(VersionCache):
    """A small in-process cache of what a story page derives: its analysis and membership.

    Both are pure functions of the story, its articles (ids are content hashes), its
    comparison and the recorded corrections, which together are the key: an ingest or a
    correction that changes any of them misses the cache, so the version never changes.
    Least recently used goes first."""

    def __init__(self, size: int = 32) -> None:
        super().__init__(lambda: None, size)


def show_report(store: Store, story_id: str, cache: Derived | None = None) -> StoryReport:
    """What ``storyline show`` builds, by the same library calls: the stored story analysed,
    explained (with the recorded corrections) and with its articles' stored reuse."""
    from storyline.pipeline import stored_reuse

    return stored_reuse(store, _derived(store, story_id, cache)[0])


def _derived(
    store: Store, story_id: str, cache: Derived | None
) -> tuple[StoryReport, dict[str, Any]]:
    """The story's report analysed and explained, and its JSON (``export.story_dict``); from
    ``cache`` when the story, comparison and corrections are unchanged. Reuse is left out:
    it changes whenever an article elsewhere copies from this story's articles."""
    from storyline.pipeline import analysed, explained, story_report

    story = store.story(story_id)
    if story is None:
        story_report(store, story_id)  # raises NotFound, saying what to do
    corrections = tuple(store.corrections())

    def derive() -> tuple[StoryReport, dict[str, Any]]:
        report = story_report(store, story_id)  # reads the stored analysis: only on a miss
        derived = explained(analysed(report), corrections, store=store)
        return derived, export.story_dict(derived)

    key = (story, store.comparison(story_id), corrections)
    return cache.get(key, derive) if cache is not None else derive()


def story_view(
    store: Store, story_id: str, cache: Derived | None = None, picks: Sequence[str] = ()
) -> dict[str, Any]:
    """One story as ``storyline show --json`` (comparison, analysis, membership, reuse) plus
    each article's sentences, a publication timeline and the shared passages by text, and
    what the page draws (:func:`desk_parts`); ``picks``: articles to show side by side."""
    derived, base = _derived(store, story_id, cache)
    out = dict(base)  # shared with the cache: only top-level keys are added
    for key, value in _reuse(store, derived, cache).items():
        out.setdefault(key, value)
    out["sentences"] = sentence_columns(derived.articles, derived.comparison.alignments)
    out["timeline"] = timeline(derived.articles)
    out.update(desk_parts(derived.articles, out, picks))
    out["events"] = events_of(store, story_id)
    return out


def _reuse(store: Store, derived: StoryReport, cache: Derived | None) -> dict[str, Any]:
    """The JSON of the stored reuse of the story's articles (passages, attribution,
    duplicate groups) and its ``passage_groups``; from ``cache`` while no article or
    passage was added to the store (reuse only changes when an ingest adds both)."""
    from storyline.pipeline import stored_reuse

    def make() -> dict[str, Any]:
        report = stored_reuse(store, derived)
        out = {key: export.reuse_json(export.stories_json(value))
               for key, value in report.extras.items() if key != "membership"}  # fmt: skip
        out["passage_groups"] = passage_groups(report)
        return out

    if cache is None:
        return make()
    ids = tuple(a.id for a in derived.articles)
    return cache.get(("reuse", ids, store.count_articles(), store.count_passages()), make)  # type: ignore[no-any-return]


def desk_parts(
    articles: Sequence[Article], story: dict[str, Any], picks: Sequence[str]
) -> dict[str, Any]:
    """``coverage`` (articles per outlet, language, agency), ``timeline_chart``,
    ``fact_matrix`` (fact groups x outlets) and ``picked`` (the side-by-side articles)."""
    from storyline.web import desk

    try:
        picked = desk.pick_articles(articles, story["sentences"], picks)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    facts = (story.get("analysis") or {}).get("facts", [])
    return {"coverage": desk.coverage_strip(articles),
            "timeline_chart": desk.timeline_chart(articles),
            "fact_matrix": desk.fact_matrix(facts, articles), "picked": picked,
            "picked_by_hand": bool(picks)}  # fmt: skip


def events_of(store: Store, story_id: str) -> list[dict[str, Any]]:
    """The events of a story (largest first): ``id``, ``title``, ``size``, ``articles``."""
    events = sorted(store.events(story_id), key=lambda e: (-len(e.articles), e.id))
    return [{"id": e.id, "title": e.title, "size": len(e.articles),
             "articles": list(e.articles)} for e in events]  # fmt: skip


def event_view(store: Store, event_id: str) -> dict[str, Any]:
    """One event (the tight level inside a story) as a story page: its articles compared
    side by side (computed on view), analysis and reuse, plus ``event_of`` (its story)."""
    from storyline.compare import compare
    from storyline.model import Story
    from storyline.pipeline import StoryReport, analysed, stored_reuse

    event = store.event(event_id)
    if event is None:
        raise NotFound(
            f"no event {event_id!r} in this database; see storyline stories --level event"
        )
    story = Story(event.id, event.articles, event.title, event.method)
    articles = tuple(store.articles(event.articles))
    report = stored_reuse(store, analysed(StoryReport(story, articles, compare(story, articles))))
    out = export.story_dict(report)
    for key, value in report.extras.items():
        out.setdefault(key, export.reuse_json(export.stories_json(value)))
    out["sentences"] = sentence_columns(report.articles, report.comparison.alignments)
    out["timeline"] = timeline(report.articles)
    out["passage_groups"] = passage_groups(report)
    out.update(desk_parts(report.articles, out, ()))
    parent = store.story(event.story)
    out["event_of"] = {"id": event.story, "title": parent.title if parent else None}
    out["api"] = f"/api/events/{event.id}"
    return out


def passage_groups(report: StoryReport) -> list[dict[str, Any]]:
    """The report's shared ``passages`` grouped by their text (as it reads in the first of
    the story's articles that has it): each with ``words``, ``pairs`` (how many passage
    records it stands for) and ``articles`` (``{"article", "start", "end"}`` for every
    article that carries it, in the story or not); most widely shared first."""
    texts = {a.id: a.text for a in report.articles}
    groups: dict[str, dict[str, Any]] = {}
    passages: Iterable[SharedPassage] = report.extras.get("passages", ())  # type: ignore[assignment]
    for p in passages:
        side = (p.a, p.a_start, p.a_end) if p.a in texts else (p.b, p.b_start, p.b_end)
        text = texts[side[0]][side[1] : side[2]]
        group = groups.setdefault(text, {"text": text, "words": p.words, "pairs": 0,
                                         "articles": {}})  # fmt: skip
        group["pairs"] += 1
        for aid, start, end in ((p.a, p.a_start, p.a_end), (p.b, p.b_start, p.b_end)):
            group["articles"].setdefault(aid, {"article": aid, "start": start, "end": end})
    out = [{**g, "articles": list(g["articles"].values())} for g in groups.values()]
    attributions = report.extras.get("attribution") or {}
    for g in out:
        g.update(passage_credits(g["articles"], attributions))  # type: ignore[arg-type]
    return sorted(out, key=lambda g: (-len(g["articles"]), -g["words"], g["text"]))


def passage_credits(carriers: list[dict[str, Any]], attributions: dict[str, Any]) -> dict[str, Any]:
    """A passage's ``candidates`` (agency, outlet and article that credits it), ``confirmed``
    agencies and ``earliest`` carrier, from the attribution stretch of a carrier that holds
    it (empty when none of its carriers has an attribution)."""
    for c in carriers:
        att = attributions.get(c["article"])
        for cp in att.passages if att else ():
            if cp.start <= c["start"] and c["end"] <= cp.end:
                return {"candidates": [asdict(k) for k in cp.candidates],
                        "confirmed": list(cp.confirmed), "earliest": cp.earliest}  # fmt: skip
    return {"candidates": [], "confirmed": [], "earliest": None}


def sentence_columns(
    articles: Sequence[Article], alignments: Sequence[Alignment]
) -> dict[str, list[dict[str, Any]]]:
    """Per article id, its sentences with ``kind``, ``group`` ("g3" is the fourth non-unique
    alignment, ``alignments[3]`` in the JSON; None for a sentence no other article shares)
    and ``paragraph`` (it starts a new one)."""
    where: dict[tuple[str, int], tuple[str | None, str]] = {}
    texts: dict[str, dict[int, str]] = {}
    shared = 0
    for g in alignments:
        group = None if g.kind == UNIQUE else f"g{shared}"
        shared += group is not None
        for m in g.members:
            where[(m.article, m.sentence)] = (group, g.kind)
            texts.setdefault(m.article, {})[m.sentence] = m.text
    return {a.id: _column(a, texts.get(a.id, {}), where) for a in articles}


def _column(
    article: Article, known: dict[int, str], where: dict[tuple[str, int], tuple[str | None, str]]
) -> list[dict[str, Any]]:
    rows, end = [], 0
    for index, text, start, stop in _spans(article, known):
        group, kind = where.get((article.id, index), (None, UNIQUE))
        rows.append({"index": index, "text": text, "kind": kind, "group": group,
                     "paragraph": "\n" in article.text[end:start]})  # fmt: skip
        end = stop
    return rows


def _spans(article: Article, known: dict[int, str]) -> list[tuple[int, str, int, int]]:
    """(index, text, start, end) of each sentence: from the comparison's members when they
    cover the text (segmenting is the slow part of a page), else by segmenting again."""
    spans, pos, text = [], 0, article.text
    if known and set(known) == set(range(len(known))):
        for index in range(len(known)):
            start = text.find(known[index], pos)
            if start < 0 or text[pos:start].strip():
                break
            pos = start + len(known[index])
            spans.append((index, known[index], start, pos))
        else:
            if not text[pos:].strip():
                return spans
    from storyline.compare.align import sentences

    return [(s.index, s.text, s.start, s.end) for s in sentences(article)]


def timeline(articles: Iterable[Article]) -> list[dict[str, Any]]:
    """Articles in publication order (undated ones last) with hours since the first."""
    from storyline.web.desk import published_utc

    dated = sorted((a for a in articles if a.published), key=published_utc)
    undated = [a for a in articles if not a.published]
    first = published_utc(dated[0]) if dated else None
    rows = []
    for a in [*dated, *undated]:
        hours = (published_utc(a) - first).total_seconds() / 3600 if first and a.published else None
        rows.append({"article": a.id, "source": a.source, "title": a.title,
                     "published": a.published.isoformat() if a.published else None,
                     "hours_after_first": None if hours is None else round(hours, 2)})  # fmt: skip
    return rows


# ------------------------------------------------------------------ one article


def article_view(store: Store, article_id: str) -> dict[str, Any]:
    """One article as ``storyline article --json`` (the article in full, its shared passages,
    duplicate group and attribution) plus its stories and its raw lines with reasons."""
    from storyline.pipeline import article_report

    report = article_report(store, article_id)
    out = export.article_report_dict(report)
    out["stories"] = [{"id": s.id, "title": s.title} for s in store.stories_of(article_id)]
    out["raw_lines"] = raw_lines(report.article)
    return out


def outlets_view(store: Store, *, limit: int, offset: int, sort: str = "name") -> dict[str, Any]:
    """One page of ``storyline outlets --json``: per outlet, its articles, wire share and
    dependency on each agency; by name in natural order (o2 before o10), or most
    ``articles`` or highest ``wire`` share first."""
    from storyline.web.desk import sort_outlets

    dependencies = sort_outlets(store.outlet_dependency(), sort)
    out = export.outlets_dict(dependencies[offset : offset + limit])
    return {**out, **page_dict(len(dependencies), limit, offset), "sort": sort}


def outlet_view(store: Store, source: str, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One outlet: its dependency (as in the outlets list), its wire share by agency over
    time, one page of its stories by coverage and the facts it alone reports in them."""
    from storyline.web import desk

    found = [d for d in store.outlet_dependency() if d.source == source]
    if not found:
        raise NotFound(f"no outlet {source!r} among the stored articles; see /outlets")
    stories = store.stories_page(source=source, sort="coverage", limit=None)
    ids = list(dict.fromkeys(i for s in stories for i in s.articles))
    mine = [a for a in store.articles(ids) if a.source == source]
    atts = [t for t in (store.attribution(a.id) for a in mine) if t is not None]
    shared = [s for s in stories if len(s.articles) > 1][: desk.ALONE_STORIES]
    analyses = {s.id: got[0] for s in shared if (got := store.stored_analysis(s.id))}
    return {"outlet": export.reuse_json(found[0]),
            "over_time": desk.wire_over_time(mine, atts),
            "stories": summaries(store, stories[offset : offset + limit]),
            **page_dict(len(stories), limit, offset),
            "alone": desk.alone_reports(shared, source, analyses),
            "analysed_stories": len(analyses)}  # fmt: skip


def raw_lines(article: Article) -> list[dict[str, Any]]:
    """The raw text's lines, each with the reason it was removed (None if it was kept).

    A residue is matched by its line number when that line holds it, else by the first
    not yet matched line with the same text."""
    lines = article.raw.split("\n")
    reasons: dict[int, str] = {}
    for residue in article.removed:
        k = _residue_line(lines, residue.line, residue.lineno, reasons)
        if k is not None:
            reasons[k] = residue.reason
    return [{"lineno": k + 1, "text": line, "reason": reasons.get(k)}
            for k, line in enumerate(lines)]  # fmt: skip


def _residue_line(
    lines: list[str], text: str, lineno: int | None, taken: dict[int, str]
) -> int | None:
    wanted = text.strip()
    if lineno and 0 < lineno <= len(lines) and lineno - 1 not in taken:
        line = lines[lineno - 1].strip()
        if line == wanted or (wanted and wanted in line):
            return lineno - 1
    for k, line in enumerate(lines):
        if k not in taken and line.strip() == wanted:
            return k
    return None


# ------------------------------------------------------------------ ingest


def ingest_view(
    store: Store,
    files: Sequence[tuple[str, bytes]],
    *,
    source: str | None = None,
    format: str = "auto",
) -> dict[str, Any]:
    """Ingest uploaded (name, content) pairs; the result with failures per file."""
    from storyline.pipeline import store_items

    items = read_uploads(files, source=source, format=format)
    return ingest_result(store, files, items, store_items(store, items))


def read_uploads(
    files: Sequence[tuple[str, bytes]], *, source: str | None = None, format: str = "auto"
) -> list[Article | Failure]:
    """The uploads read and cleaned (what ``pipeline.ingest_uploads`` stores); BadRequest
    for no files or an unknown format."""
    from storyline.ingest import read_text
    from storyline.pipeline import clean_items

    if not files:
        raise BadRequest("no files in the upload; attach one or more files as 'files'")
    try:
        items = [x for name, data in files
                 for x in read_text(data, name=name, source=source, format=format)]  # fmt: skip
    except ValueError as exc:  # an unknown format
        raise BadRequest(str(exc)) from exc
    return list(clean_items(items))


def ingest_result(
    store: Store,
    files: Sequence[tuple[str, bytes]],
    items: Sequence[Article | Failure],
    report: IngestReport,
) -> dict[str, Any]:
    """The answer to one upload whose ``items`` were stored by ``report`` (which may have
    stored other uploads' items too): only this upload's ids and failures."""
    mine = {i.id for i in items if isinstance(i, Article)}
    ingested = [i for i in report.ingested if i in mine]
    duplicates = [i for i in report.duplicates if i in mine]
    failures = [export.failure_dict(f) for f in items if isinstance(f, Failure)]
    paths = {a.id: a.path for a in store.articles(ingested + duplicates)}
    return {
        "ingested": ingested,
        "duplicates": duplicates,
        "failures": failures,
        "stories": report.stories,
        "files": [_file_result(name, data, paths, failures) for name, data in files],
    }


def _file_result(
    name: str, data: bytes, paths: dict[str, str | None], failures: list[dict[str, str]]
) -> dict[str, Any]:
    mine = [f for f in failures if f["input"] == name or f["input"].startswith(name + ":")]
    articles = [i for i, path in paths.items() if path == name]
    return {"name": name, "bytes": len(data), "articles": articles, "failures": mine}


def body_items(body: bytes) -> bytes:
    """A JSON request body (an article object, a list of them, or {"articles": [...]}) as
    JSON Lines for the JSONL reader; BadRequest naming what is wrong."""
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"{BODY_NAME} is not valid JSON: {exc}") from None
    except RecursionError:
        raise BadRequest(f"{BODY_NAME} is nested too deeply to read") from None
    items = value.get("articles", [value]) if isinstance(value, dict) else value
    if not isinstance(items, list) or not items:
        raise BadRequest(f"{BODY_NAME}: send an article object, a list of them or "
                         '{"articles": [...]}')  # fmt: skip
    bad = [k for k, item in enumerate(items) if not isinstance(item, dict)]
    if bad:
        raise BadRequest(f"{BODY_NAME}: item {bad[0]} is not a JSON object")
    return "\n".join(json.dumps(item, ensure_ascii=False) for item in items).encode()


def health_view(store: Store) -> dict[str, Any]:
    """Liveness plus what is stored."""
    from importlib.metadata import version

    return {"status": "ok", "version": version("storyline"), "articles": store.count_articles(),
            "stories": store.count_stories()}  # fmt: skip


def articles_view(store: Store, *, limit: int, offset: int) -> dict[str, Any]:
    """One page of stored articles in ingest order (without raw text)."""
    from itertools import islice

    page = islice(store.articles(), offset, offset + limit)
    out = {"articles": [export.article_dict(a) for a in page]}
    return {**out, **page_dict(store.count_articles(), limit, offset)}
