"""Clean one article's plain text: residue rules, credits, line classifier, head and captions."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from storyline.clean.credits import (
    merge_credits,
    parse_agency_credit,
    parse_photo_credit,
    quoted_sources,
    split_trailing_credit,
)
from storyline.clean.features import content_scores, load_model
from storyline.clean.residue import author_name, is_blank, navigation_runs, rule_reason
from storyline.clean.structure import mark_captions, mark_head
from storyline.model import Article, Credits, Residue
from storyline.text.lang import detect_language
from storyline.text.normalize import normalize_newlines

METHOD = "clean.v1"
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
    if found := parse_photo_credit(text):
        return "photo-credit", found
    if found := parse_agency_credit(text):
        return "agency-credit", found
    return None


def _rule_marks(lines: list[str], navigation: bool) -> Marks:
    reasons: list[str | None] = []
    credits: list[Credits] = []
    author = None
    for line in lines:
        reason = "blank" if is_blank(line) else None
        if reason is None and (found := _line_credit(line)):
            reason, credit = found
            credits.append(credit)
        if reason is None and len(line) <= MAX_AUTHOR_LINE and (name := author_name(line)):
            reason, author = "author-line", author or name
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
    if not rest:
        reasons[last] = "agency-credit"
        return found, None
    cut = lines[last].strip()[len(rest) :].strip()
    lines[last] = rest
    return found, Residue(cut, "agency-credit", last + 1)


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
    credit, cut = _cut_trailing_credit(lines, reasons)
    removed = [Residue(marks.lines[i], r, i + 1) for i, r in enumerate(reasons) if r is not None]
    removed += [cut] if cut else []
    removed += [r for r in article.removed if r.reason == "mojibake" and r not in removed]
    body = "\n".join(line for line, r in zip(lines, reasons, strict=True) if r is None)
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
        credits=merge_credits(article.credits, marks.credits, credit, sources),
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
    by_source: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_source[article.source].append(article)
    tasks: list[tuple[Article, frozenset[str]]] = []
    for group in by_source.values():
        repeated = repeated_lines(group, min_articles=min_articles)
        tasks.extend((article, repeated) for article in group)
    workers = available_cores() if workers is None else workers
    if workers > 1 and len(tasks) >= PARALLEL_MIN and _can_fork():
        yield from _clean_parallel(tasks, workers)
    else:
        yield from (clean(article, repeated=repeated) for article, repeated in tasks)


def _clean_chunk(tasks: list[tuple[Article, frozenset[str]]]) -> list[Article]:
    return [clean(article, repeated=repeated) for article, repeated in tasks]


def available_cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Fork is there (not on Windows) and this is no daemon process (those may not fork)."""
    daemon = multiprocessing.current_process().daemon
    return "fork" in multiprocessing.get_all_start_methods() and not daemon


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
