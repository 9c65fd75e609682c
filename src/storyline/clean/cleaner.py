"""Clean one article's plain text: residue rules, credits, line classifier, head and captions."""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import re
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
#: A run of words that opens or closes lines of several of one source's reports (a wall or
#: a banner glued to the title on one line) is residue from this many words on ...
SPAN_WORDS = 8
#: ... up to this many (longer shared runs are report text, or whole repeated lines), when
#: it recurs in at least this share of the source's reports (and ``min_articles`` of them):
#: a notice glued to titles recurs across the pages of an outlet, while the same closing
#: words in a few reports of one story are wire copy (a stream without outlet names is one
#: source: in the SemEval dev stream, 2,514 texts, runs in 3 reports were half wire
#: paragraphs of one story and cost 2 same-story pairs).
MAX_SPAN_WORDS = 80
SPAN_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Repeated:
    """What repeats across one source's reports (:func:`repeated_text`), in :func:`line_key`
    form: whole lines, and runs of :data:`SPAN_WORDS` or more words that open (``heads``) or
    close (``tails``) a line that goes on with words of its own."""

    lines: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()
    tails: frozenset[str] = frozenset()


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
    repeated: Repeated | frozenset[str] | None = None,
    model: dict[str, Any] | None = None,
) -> Article:
    """Return ``article`` with its body cleaned and the residue, head and credits recorded.

    ``text`` keeps the body lines unchanged, one block per line (but for a run of words its
    source repeats at a line's start or end, cut off); ``removed`` lists every other line or
    cut run with its reason (see docs/cleaning.md). Title, kicker, teaser, author and captions
    are filled in when not already set. ``repeated`` is what repeats across this source's
    reports (:func:`repeated_text`; a frozenset holds whole lines only, in :func:`line_key`
    form); ``model`` replaces the shipped line classifier (as trained by bench/train_residue.py).
    """
    html = article.format == "html"
    if not isinstance(repeated, Repeated):
        repeated = Repeated(lines=frozenset(repeated or ()))
    marks = mark(article.text, repeated=repeated.lines, classifier=False, navigation=not html)
    lines, reasons = list(marks.lines), marks.reasons
    cuts = _cut_repeated_runs(lines, reasons, repeated)
    captions = mark_captions(lines, reasons)
    kicker, title, teaser = mark_head(lines, reasons, article.title)
    if not html:
        classify(marks, model or load_model())
        _keep_datelines(lines, reasons)
    credit, cut = _cut_trailing_credit(lines, reasons)
    removed = [Residue(lines[i], r, i + 1) for i, r in enumerate(reasons) if r is not None]
    removed += cuts
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


def _report_lines(articles: Iterable[Article]) -> list[set[str]]:
    """The line keys of each report: the versions of one report (articles with one URL, e.g.
    a page read again after an update) count as one, so the body they share is not taken
    for the source's boilerplate."""
    reports: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        keys = {line_key(x) for x in normalize_newlines(article.text).split("\n")}
        reports[article.url or article.id].update(k for k in keys if k)
    return list(reports.values())


def _in_reports(reports: list[set[str]], min_articles: int) -> frozenset[str]:
    counts = Counter(k for keys in reports for k in keys)
    return frozenset(k for k, n in counts.items() if n >= min_articles)


def repeated_lines(articles: Iterable[Article], *, min_articles: int = 3) -> frozenset[str]:
    """Line keys found in at least ``min_articles`` of the given articles' reports (one
    source; the versions of one URL count once)."""
    return _in_reports(_report_lines(articles), min_articles)


def _shared_runs(entries: list[tuple[int, list[str]]], min_articles: int) -> frozenset[str]:
    """Of each (report, line words) entry, the longest closing run of :data:`SPAN_WORDS` to
    :data:`MAX_SPAN_WORDS` words, shorter than its line, that closes lines of at least
    ``min_articles`` reports. Runs grow a word at a time under a rolling hash, so a notice
    glued to thousands of lines costs one pass per word of its length."""
    alive = [
        (i, hash(tuple(words[-SPAN_WORDS:])))
        for i, (_, words) in enumerate(entries)
        if len(words) > SPAN_WORDS
    ]
    best = [0] * len(entries)
    k = SPAN_WORDS
    while alive:
        reports: dict[int, set[int]] = defaultdict(set)
        for i, h in alive:
            reports[h].add(entries[i][0])
        kept = [(i, h) for i, h in alive if len(reports[h]) >= min_articles]
        for i, _ in kept:
            best[i] = k
        k += 1
        alive = [
            (i, hash((h, entries[i][1][-k])))
            for i, h in kept
            if k < len(entries[i][1]) and k <= MAX_SPAN_WORDS
        ]
    return frozenset(" ".join(words[-n:]) for (_, words), n in zip(entries, best, strict=True) if n)


def _edge_candidates(
    lines: list[tuple[int, str]], least: int, *, tail: bool
) -> list[tuple[int, list[str]]]:
    """(report, words) of the line keys whose last (``tail``) or first :data:`SPAN_WORDS`
    words, with more words beside them, close or open lines of ``least`` reports; the words
    of an opening are given last word first, so :func:`_shared_runs` reads both ends alike.
    Only these lines are split whole."""
    reports: dict[tuple[str, ...], set[int]] = defaultdict(set)
    edges = []
    for r, key in lines:
        parts = key.rsplit(" ", SPAN_WORDS) if tail else key.split(" ", SPAN_WORDS)
        if len(parts) > SPAN_WORDS:
            edge = tuple(parts[1:] if tail else parts[:-1])
            reports[edge].add(r)
            edges.append((r, key, edge))
    return [
        (r, key.split(" ") if tail else key.split(" ")[::-1])
        for r, key, edge in edges
        if len(reports[edge]) >= least
    ]


def repeated_text(articles: Iterable[Article], *, min_articles: int = 3) -> Repeated:
    """What repeats across at least ``min_articles`` reports of one source (the versions of one
    URL count once): whole lines, and runs of words that open or close lines (a paywall or
    cookie notice that a text dump glued to each title; those also in :data:`SPAN_SHARE` of
    the reports)."""
    reports = _report_lines(articles)
    whole = _in_reports(reports, min_articles)
    rest = [(r, k) for r, keys in enumerate(reports) for k in keys if k not in whole]
    least = max(min_articles, math.ceil(SPAN_SHARE * len(reports)))
    tails = _shared_runs(_edge_candidates(rest, least, tail=True), least)
    flipped = _shared_runs(_edge_candidates(rest, least, tail=False), least)
    heads = frozenset(" ".join(h.split()[::-1]) for h in flipped)
    return Repeated(whole, heads, tails)


_WORD = re.compile(r"\S+")


def _cut_repeated_runs(
    lines: list[str], reasons: list[str | None], repeated: Repeated
) -> list[Residue]:
    """Cut the source's repeated opening and closing runs off the kept lines (in place; a run
    is cut only where words of the line's own remain). Returns the cut runs as residue
    (``repeated-in-source``) of their lines."""
    if not (repeated.heads or repeated.tails):
        return []
    sizes = sorted({r.count(" ") + 1 for r in repeated.heads | repeated.tails}, reverse=True)
    # a line is tried at every size only when its first / last SPAN_WORDS words open / close a run
    openings = {" ".join(r.split()[:SPAN_WORDS]) for r in repeated.heads}
    closings = {" ".join(r.split()[-SPAN_WORDS:]) for r in repeated.tails}
    cuts: list[Residue] = []
    for i, line in enumerate(lines):
        if reasons[i] is not None:
            continue
        spans = [m.span() for m in _WORD.finditer(line)]
        words = [line[a:b].casefold() for a, b in spans]
        head = tail = 0
        if " ".join(words[:SPAN_WORDS]) in openings:
            head = next((k for k in sizes if k < len(words)
                         and " ".join(words[:k]) in repeated.heads), 0)  # fmt: skip
        if " ".join(words[-SPAN_WORDS:]) in closings:
            tail = next((k for k in sizes if k < len(words) - head
                         and " ".join(words[-k:]) in repeated.tails), 0)  # fmt: skip
        if not head and not tail:
            continue
        start = spans[head][0] if head else 0
        end = spans[len(words) - tail - 1][1] if tail else len(line)
        if head:
            cuts.append(Residue(line[: spans[head - 1][1]].strip(), "repeated-in-source", i + 1))
        if tail:
            cuts.append(Residue(line[spans[-tail][0] :].strip(), "repeated-in-source", i + 1))
        lines[i] = line[start:end]
    return cuts


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
) -> list[tuple[Article, Repeated]]:
    """``(article, what repeats across its source's reports)`` for each article, grouped
    by source in input order: the order and the arguments :func:`clean_batch` cleans with
    (an engine cleans these tasks elsewhere with :func:`clean`)."""
    by_source: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_source[article.source].append(article)
    tasks: list[tuple[Article, Repeated]] = []
    for group in by_source.values():
        repeated = repeated_text(group, min_articles=min_articles)
        tasks.extend((article, repeated) for article in group)
    return tasks


def _clean_chunk(tasks: list[tuple[Article, Repeated]]) -> list[Article]:
    return [clean(article, repeated=repeated) for article, repeated in tasks]


def _clean_parallel(tasks: list[tuple[Article, Repeated]], workers: int) -> Iterator[Article]:
    """Clean ``tasks`` in ``workers`` forked processes, in order, in chunks of CHUNK articles.

    The first article is cleaned here first, so the models are loaded once and shared by fork.
    """
    yield from _clean_chunk(tasks[:1])
    chunks = [tasks[i : i + CHUNK] for i in range(1, len(tasks), CHUNK)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for cleaned in pool.map(_clean_chunk, chunks):
            yield from cleaned
