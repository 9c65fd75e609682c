"""Clean one article's plain text: residue rules, credits, line classifier, head and captions."""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from storyline.clean.credits import (
    merge_credits,
    parse_photo_credit,
    quoted_sources,
    split_trailing_credit,
)
from storyline.clean.features import content_scores, load_model
from storyline.clean.grammar import (
    TAG,
    byline_credit,
    copyright_credit,
    dateline,
    find_credits,
    house_form,
    may_hold_credit,
    several_reports,
    signed_line_starts,
    tag_line,
)
from storyline.clean.residue import author_name, is_blank, navigation_runs, rule_reason
from storyline.clean.structure import mark_captions, mark_head
from storyline.model import Article, Credits, CreditSpan, Residue
from storyline.parallel import can_fork, cores
from storyline.text.lang import detect_language
from storyline.text.normalize import normalize_newlines

METHOD = "clean.v1"
#: Removal reasons of the head lines marked by :func:`storyline.clean.structure.mark_head`.
HEAD_REASONS = frozenset({"title", "kicker", "teaser"})
MAX_CREDIT_LINE = 200
MAX_AUTHOR_LINE = 80
#: The line classifier judges only page dumps: documents with at least this many non-blank
#: lines. Shorter inputs are reports already (1-3 KB); rules alone clean them, so no body
#: sentence of a short report can be lost to a statistical guess.
MIN_CLASSIFIED_LINES = 40
#: clean_batch uses several processes only for batches at least this large, in chunks of CHUNK.
PARALLEL_MIN = 256
CHUNK = 64


@dataclass(frozen=True, slots=True)
class Marks:
    """Per-line reasons (None = body) and what the lines said about the article."""

    lines: list[str]
    reasons: list[str | None]
    credits: Credits
    author: str | None


def _line_credit(line: str) -> tuple[str, Credits] | None:
    text = line.strip()
    if len(text) > MAX_CREDIT_LINE:
        return None
    signed = text[:1].lower() in signed_line_starts()
    if signed and (found := house_form(text) or copyright_credit(text)):
        return "agency-credit", found
    if found := parse_photo_credit(text):
        return "photo-credit", found
    if found := tag_line(text):
        return "agency-credit", found
    return None


def _at_line(credits: Credits, lineno: int) -> Credits:
    """``credits`` with its spans placed on input line ``lineno`` (the line was removed)."""
    spans = tuple(dataclasses.replace(s, lineno=lineno) for s in credits.spans)
    return dataclasses.replace(credits, spans=spans)


def _rule_marks(lines: list[str], navigation: bool) -> Marks:
    reasons: list[str | None] = []
    credits: list[Credits] = []
    author = None
    for i, line in enumerate(lines):
        reason = "blank" if is_blank(line) else None
        if reason is None and (found := _line_credit(line)):
            reason, credit = found
            credits.append(_at_line(credit, i + 1))
        if reason is None and len(line) <= MAX_AUTHOR_LINE and (name := author_name(line)):
            reason, author = "author-line", author or name
            credits += [_at_line(c, i + 1)] if (c := byline_credit(line)) else []
        reasons.append(reason or rule_reason(line))
    for i in navigation_runs(lines) if navigation else ():
        reasons[i] = reasons[i] or "navigation"
    return Marks(lines, reasons, merge_credits(*credits), author)


def classify(marks: Marks, model: dict[str, Any], threshold: float | None = None) -> None:
    """Mark as ``boilerplate`` the still-kept lines the classifier scores below threshold."""
    threshold = model["threshold"] if threshold is None else threshold
    idx = [i for i, line in enumerate(marks.lines) if not is_blank(line)]
    if len(idx) < MIN_CLASSIFIED_LINES:
        return
    scores = content_scores([marks.lines[i] for i in idx], model)
    for i, p in zip(idx, scores, strict=True):
        if marks.reasons[i] is None and p < threshold:
            marks.reasons[i] = "boilerplate"


def mark(
    text: str,
    *,
    repeated: frozenset[str] = frozenset(),
    classifier: bool = True,
    navigation: bool = True,
    model: dict[str, Any] | None = None,
    threshold: float | None = None,
) -> Marks:
    """Give every line of ``text`` a removal reason, or None when it is body."""
    lines = normalize_newlines(text).split("\n")
    marks = _rule_marks(lines, navigation=navigation)
    for i, line in enumerate(lines):
        if marks.reasons[i] is None and line_key(line) in repeated:
            marks.reasons[i] = "repeated-in-source"
    if classifier:
        classify(marks, model or load_model(), threshold)
    return marks


def line_key(line: str) -> str:
    """The form lines are compared in across one source's articles."""
    return " ".join(line.split()).casefold()


def _cut_trailing_credit(
    lines: list[str], reasons: list[str | None]
) -> tuple[Credits, Residue | None]:
    """Cut an agency credit off the last body line; a credit-only line gets a reason instead."""
    kept = [i for i, r in enumerate(reasons) if r is None]
    if not kept:
        return Credits(), None
    last = kept[-1]
    rest, found = split_trailing_credit(lines[last])
    if found is None:
        return Credits(), None
    cut = lines[last].strip()[len(rest) :].strip()
    found = _at_line(
        dataclasses.replace(found, spans=(CreditSpan(TAG, cut, found.agencies),)), last + 1
    )
    if not rest:
        reasons[last] = "agency-credit"
        return found, None
    lines[last] = rest
    return found, Residue(cut, "agency-credit", last + 1)


def _keep_datelines(lines: list[str], reasons: list[str | None]) -> None:
    """Lines the classifier took for boilerplate are body when they hold a dateline
    ("Wien , 7 . Aug . ( Exchange ) Die ...", "Rome, 19 mars.\n(Havas). Les"): a report starts."""
    if "boilerplate" not in reasons:
        return
    for i in range(len(lines)):
        nxt = reasons[i + 1] if i + 1 < len(lines) else ""
        if reasons[i] != "boilerplate" and (reasons[i] is not None or nxt != "boilerplate"):
            continue
        if not may_hold_credit(lines[i]) and not may_hold_credit(lines[i + 1][:4] if nxt else ""):
            continue
        span = dateline("\n".join(lines[i : i + 2]), 0)
        if span is not None:
            stop = i + 2 if (span.end or 0) > len(lines[i]) + 1 else i + 1
            for k in range(i, stop):
                reasons[k] = None if reasons[k] == "boilerplate" else reasons[k]


def _removed_credits(lines: list[str], reasons: list[str | None]) -> Credits:
    """Credits on head lines (title, kicker, teaser) and on lines the classifier removed: a
    print page's OCR lines often look like boilerplate to it. A bare closing agency ("...
    coupée . ATS") counts on the last line only."""
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    found = []
    for i, reason in enumerate(reasons):
        if (reason in HEAD_REASONS or reason == "boilerplate") and (
            i == last or may_hold_credit(lines[i])
        ):
            spans = find_credits(lines[i], final=i == last, whole=False)
            spans = tuple(replace(s, start=None, end=None, lineno=i + 1) for s in spans)
            found += [Credits(agencies=tuple(a for s in spans for a in s.agencies), spans=spans)]
    return merge_credits(*found)


def _body_credits(body: str) -> tuple[Credits, Residue | None]:
    """Datelines and closing tags left in the cleaned body, with offsets into it; a note when
    the body holds several datelined reports."""
    spans = find_credits(body, whole=False)  # whole-line credits were read per line
    if not spans:
        return Credits(), None
    agencies = tuple(a for s in spans for a in s.agencies)
    note = several_reports(spans)
    found = Credits(agencies=agencies, lines=tuple(s.surface for s in spans), spans=spans)
    return merge_credits(found), Residue(note, "several-reports") if note else None


def clean(
    article: Article,
    *,
    repeated: frozenset[str] = frozenset(),
    model: dict[str, Any] | None = None,
) -> Article:
    """Return ``article`` with its body cleaned and the residue, head and credits recorded.

    ``text`` keeps the body lines unchanged, one block per line; ``removed`` lists every other
    line with its reason (see docs/cleaning.md). Title, kicker, teaser, author and captions
    are filled in when not already set. ``repeated`` holds :func:`line_key` forms of lines that
    repeat across this source's articles (see :func:`clean_batch`); ``model`` replaces the
    shipped line classifier (as trained by bench/train_residue.py).
    """
    html = article.format == "html"
    marks = mark(article.text, repeated=repeated, classifier=False, navigation=not html)
    lines, reasons = list(marks.lines), marks.reasons
    captions = mark_captions(lines, reasons)
    kicker, title, teaser = mark_head(lines, reasons, article.title)
    if not html:
        classify(marks, model or load_model())
        _keep_datelines(lines, reasons)
    credit, cut = _cut_trailing_credit(lines, reasons)
    removed = [Residue(marks.lines[i], r, i + 1) for i, r in enumerate(reasons) if r is not None]
    removed += [r for r in article.removed if r.reason == "mojibake" and r not in removed]
    body = "\n".join(line for line, r in zip(lines, reasons, strict=True) if r is None)
    in_body, note = _body_credits(body)
    in_body = merge_credits(in_body, _removed_credits(lines, reasons))
    removed += [x for x in (cut, note) if x]
    language = article.language or detect_language(body)
    sources = Credits(quoted_sources=quoted_sources(body, language))
    return dataclasses.replace(
        article,
        text=body,
        removed=tuple(sorted(removed, key=lambda r: r.lineno or 0)),
        title=article.title or _line(lines, title),
        kicker=article.kicker or _line(lines, kicker),
        teaser=article.teaser or _line(lines, teaser),
        author=article.author or marks.author,
        captions=article.captions or tuple(lines[i].strip() for i in captions),
        credits=merge_credits(article.credits, marks.credits, credit, in_body, sources),
        language=language,
    )


def _line(lines: list[str], index: int | None) -> str | None:
    return lines[index].strip() if index is not None else None


def repeated_lines(articles: Iterable[Article], *, min_articles: int = 3) -> frozenset[str]:
    """Line keys found in at least ``min_articles`` of the given articles (one source)."""
    counts: Counter[str] = Counter()
    for article in articles:
        keys = {line_key(x) for x in normalize_newlines(article.text).split("\n")}
        counts.update(k for k in keys if k)
    return frozenset(k for k, n in counts.items() if n >= min_articles)


def clean_batch(
    articles: Iterable[Article], *, min_articles: int = 3, workers: int | None = 1
) -> Iterator[Article]:
    """Clean many articles; lines repeated across one source's articles become residue.

    The articles are buffered per source (the repeated lines are known only after all of a
    source's articles were seen) and yielded source by source, in input order within a source.
    ``workers`` > 1 cleans batches of at least :data:`PARALLEL_MIN` articles in that many
    forked processes (same output, same order); ``None`` uses every core the process may use.
    """
    tasks = clean_tasks(articles, min_articles=min_articles)
    workers = cores() if workers is None else workers
    if workers > 1 and len(tasks) >= PARALLEL_MIN and can_fork():
        yield from _clean_parallel(tasks, workers)
    else:
        yield from (clean(article, repeated=repeated) for article, repeated in tasks)


def clean_tasks(
    articles: Iterable[Article], *, min_articles: int = 3
) -> list[tuple[Article, frozenset[str]]]:
    """``(article, lines repeated across its source's articles)`` for each article, grouped
    by source in input order: the order and the arguments :func:`clean_batch` cleans with
    (an engine cleans these tasks elsewhere with :func:`clean`)."""
    by_source: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_source[article.source].append(article)
    tasks: list[tuple[Article, frozenset[str]]] = []
    for group in by_source.values():
        repeated = repeated_lines(group, min_articles=min_articles)
        tasks.extend((article, repeated) for article in group)
    return tasks


def _clean_chunk(tasks: list[tuple[Article, frozenset[str]]]) -> list[Article]:
    return [clean(article, repeated=repeated) for article, repeated in tasks]


def _clean_parallel(tasks: list[tuple[Article, frozenset[str]]], workers: int) -> Iterator[Article]:
    """Clean ``tasks`` in ``workers`` forked processes, in order, in chunks of CHUNK articles.

    The first article is cleaned here first, so the models are loaded once and shared by fork.
    """
    yield from _clean_chunk(tasks[:1])
    chunks = [tasks[i : i + CHUNK] for i in range(1, len(tasks), CHUNK)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for cleaned in pool.map(_clean_chunk, chunks):
            yield from cleaned
