"""Readable terminal output for the CLI (rich). Every article string is printed as text,
never interpreted as markup."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from storyline.maintenance import CheckReport
from storyline.model import (
    KINDS,
    UNIQUE,
    Article,
    CopiedPassage,
    CreditSpan,
    Failure,
    Membership,
    OutletDependency,
)
from storyline.pipeline import ArticleReport, IngestReport, Pending, StoryReport

STYLE = {
    "verbatim": "bold green",
    "near_verbatim": "green",
    "paraphrase": "cyan",
    "unique": "yellow",
}


def print_failures(console: Console, failures: Iterable[Failure]) -> None:
    for f in failures:
        # soft_wrap: one line per failure whatever the width, so it can be grepped
        console.print(Text(f"error: {f.input}: {f.reason}", style="red"), soft_wrap=True)


def print_story(console: Console, report: StoryReport) -> None:
    """One story: header, articles with credits, aligned groups, then what only one has."""
    names = _labels(report.articles)
    title = report.story.title or "(untitled story)"
    console.rule(Text(f"Story {report.story.id}: {title}", style="bold"))
    console.print(_articles_table(report, names))
    groups = [g for g in report.comparison.alignments if g.kind != UNIQUE]
    for group in groups:
        head = Text(f"{group.kind} ({group.score:.2f}) ", style=STYLE[group.kind])
        console.print(head + Text(", ".join(names[m.article] for m in group.members)))
        for m in group.members:
            console.print(Text(f"  {names[m.article]}: ", style="dim") + Text(m.text))
    for article in report.articles:
        only = [g.members[0].text for g in report.comparison.alignments if _unique_of(g, article)]
        if only:
            console.print(Text(f"only in {names[article.id]} ({len(only)}):", style=STYLE[UNIQUE]))
            for sentence in only:
                console.print(Text("  - ") + Text(sentence))


def _unique_of(group, article: Article) -> bool:
    return group.kind == UNIQUE and group.members[0].article == article.id


def _labels(articles: Sequence[Article]) -> dict[str, str]:
    return {a.id: f"[{i + 1}] {a.source}" for i, a in enumerate(articles)}


def _articles_table(report: StoryReport, names: dict[str, str]) -> Table:
    """Per article: language, the three kinds of credits, and the share of each kind."""
    table = Table(show_header=True, header_style="bold", expand=False)
    for col in (
        "article",
        "lang",
        "agencies",
        "photo",
        "quoted",
        "verb.",
        "near",
        "para.",
        "uniq.",
    ):
        table.add_column(col, overflow="fold")
    shares = {s.article: s for s in report.comparison.shares}
    for a in report.articles:
        s = shares.get(a.id)
        pct = [f"{getattr(s, k) * 100:.0f}%" if s else "-" for k in KINDS]
        c = a.credits
        cells = (names[a.id], a.language or "?", ", ".join(c.agencies))
        more = (", ".join(c.photo_agencies), ", ".join(c.quoted_sources))
        table.add_row(*(escape(x) for x in (*cells, *more)), *pct)
    return table


def print_ingest(console: Console, report: IngestReport) -> None:
    print_failures(console, report.failures)
    console.print(
        f"ingested {len(report.ingested)}, duplicate {len(report.duplicates)}, "
        f"failed {len(report.failures)}; {report.stories} "
        + ("story" if report.stories == 1 else "stories")
    )
    if report.resumed is not None:
        console.print(f"finished work an interrupted run left: {describe_pending(report.resumed)}")


def describe_pending(p: Pending) -> str:
    """``p`` in words, e.g. "600 articles not indexed, 600 articles without a story"."""
    parts = [(p.unindexed, "articles not indexed for reuse"),
             (p.unassigned, "articles without a story"),
             (p.unanalysed, "stories without analysis")]  # fmt: skip
    return ", ".join(f"{n} {what}" for n, what in parts if n) or "nothing"


def print_clean(console: Console, article: Article) -> None:
    """A cleaned article: header fields, the text, its agency credits, then each removed line
    with its reason."""
    console.rule(Text(f"{article.path or article.id} ({article.source})", style="bold"))
    for label, value in (("title", article.title), ("kicker", article.kicker),
                         ("teaser", article.teaser), ("language", article.language)):  # fmt: skip
        if value:
            console.print(Text(f"{label}: ", style="bold") + Text(value))
    console.print(Text(article.text))
    print_credit_spans(console, article)
    print_removed(console, article)


def print_credit_spans(console: Console, article: Article) -> None:
    """One line per agency credit: its kind, surface, agencies and where it was found."""
    for span in article.credits.spans:
        console.print(Text(f"credit {span.kind}: ", style="bold") + Text(credit_span_line(span)))


def print_analysis(console: Console, report: StoryReport) -> None:
    """The deeper comparison: entities, quotes, conflicts and the chain of sources."""
    analysis = report.analysis
    if analysis is None:
        return
    names = _labels(report.articles)
    people = [e.name for e in analysis.entities if len(e.mentions) > 1][:12]
    label = f"entities mentioned more than once ({len(analysis.entities)} in all): "
    console.print(Text(label, style="bold") + Text(", ".join(people)))
    for q in analysis.quotes:
        if q.direct:
            head = Text(f"quote {names[q.article]} ", style="dim")
            console.print(head + Text(f"{q.speaker or '?'}: ") + Text(q.text))
    for c in analysis.conflicts:
        console.print(
            Text(f"conflict ({c.reason}): ", style="bold red") + Text(" vs ".join(c.values))
        )
        for m in (c.a, c.b):
            console.print(
                Text(f"  {names.get(m.article, m.article)}: ", style="dim") + Text(m.text)
            )
    if not analysis.conflicts:
        console.print(Text("no conflicting facts found", style="dim"))
    links = [f"{link.source} -> {link.target}" for link in analysis.chain]
    if links:
        console.print(Text("chain of sources: ", style="bold") + Text("; ".join(links)))


# --- reuse: copied passages, attribution, outlets ---


def print_reuse(console: Console, report: StoryReport) -> None:
    """Per article of the story: its copied passages (with the other article and source),
    earliest publisher, copied share, agencies confirmed or flagged (from ``extras``)."""
    extras: dict[str, Any] = dict(report.extras)
    passages = extras.get("passages") or ()
    attributions = extras.get("attribution") or {}
    names = _labels(report.articles)
    texts = {a.id: a for a in report.articles}
    console.print(Text("copied passages", style="bold"))
    for article in report.articles:
        att = attributions.get(article.id)
        console.print(Text(names[article.id], style="bold") + Text(f" {_attribution_line(att)}"))
        for p in passages:
            if article.id in (p.a, p.b):
                console.print(_passage_line(p, article, texts, names))
    for g in extras.get("dup_groups") or ():
        console.print(Text(f"{g.kind} duplicates ({g.similarity:.2f}): ", style="bold")
                      + Text(", ".join(names.get(a, a) for a in g.articles)))  # fmt: skip


def _attribution_line(att) -> str:
    if att is None:
        return "shares no passage"
    earliest = {c.earliest for c in att.passages if c.earliest}
    parts = [f"copied {att.copied_share * 100:.0f}%", f"wire {att.wire_share * 100:.0f}%"]
    parts.append("earliest: " + (", ".join(sorted(earliest)) or "unknown (undated)"))
    if att.confirmed_agencies:
        parts.append("confirmed: " + ", ".join(att.confirmed_agencies))
    credits = candidate_credits(att.passages)
    if credits:
        parts.append("candidates: " + credits)
    if att.flagged_uncredited:
        parts.append("FLAGGED: shares agency copy but credits no agency")
    return "; ".join(parts)


def candidate_credits(passages: Iterable[CopiedPassage]) -> str:
    """Candidate agencies with the outlets that credit them: "dpa (Epoch Times); Reuters (X)"."""
    by_agency: dict[str, set[str]] = {}
    for c in passages:
        for k in c.candidates:
            by_agency.setdefault(k.agency, set()).add(k.source)
    return "; ".join(f"{ag} ({', '.join(sorted(s))})" for ag, s in sorted(by_agency.items()))


def _passage_line(p, article: Article, texts: dict[str, Article], names: dict[str, str]) -> Text:
    mine = p.a == article.id
    start, end, other = (p.a_start, p.a_end, p.b) if mine else (p.b_start, p.b_end, p.a)
    label = names.get(other) or (texts[other].source if other in texts else other)
    head = Text(f"  {p.words} words, {p.similarity:.2f}, with {label}: ", style="dim")
    return head + Text(article.text[start:end])


def print_removed(console: Console, article: Article) -> None:
    """Each removed line with its reason; blank lines only counted."""
    blank = sum(1 for r in article.removed if r.reason == "blank")
    for residue in article.removed:
        if residue.reason != "blank":
            console.print(Text(f"  removed [{residue.reason}] ", style="dim") + Text(residue.line))
    if blank:
        console.print(Text(f"  removed {blank} blank lines", style="dim"))


def credit_span_line(span: CreditSpan) -> str:
    """ "'Berlin (dpa)' dpa at 0-12" or "'(dpa/red)' dpa, removed line 26"."""
    where = (
        f"at {span.start}-{span.end}" if span.start is not None else f"removed line {span.lineno}"
    )
    report = f", report {span.report + 1}" if span.report else ""
    return f"{span.surface!r} {', '.join(span.agencies)} {where}{report}"


def print_article(console: Console, report: ArticleReport) -> None:
    """One article: metadata, credits, removed residue, passages, group, attribution."""
    a = report.article
    console.rule(Text(f"Article {a.id} ({a.source})", style="bold"))
    meta = (("title", a.title), ("published", a.published and a.published.isoformat()),
            ("language", a.language), ("url", a.url), ("author", a.author))  # fmt: skip
    for label, value in meta:
        if value:
            console.print(Text(f"{label}: ", style="bold") + Text(str(value)))
    for field in ("agencies", "photo_agencies", "quoted_sources", "lines"):
        values = getattr(a.credits, field)
        if values:
            console.print(Text(f"credits {field}: ", style="bold") + Text(", ".join(values)))
    print_credit_spans(console, a)
    print_removed(console, a)
    partners = {p.id: p for p in report.partners}
    names = {i: f"{i} ({p.source})" for i, p in partners.items()}
    console.print(Text(f"{len(report.passages)} shared passages", style="bold"))
    for p in report.passages:
        console.print(_passage_line(p, a, partners, names))
    if report.group is not None:
        g = report.group
        console.print(Text(f"{g.kind} duplicate group {g.id}: ", style="bold")
                      + Text(", ".join(g.articles)))  # fmt: skip
    console.print(Text("attribution: ", style="bold") + Text(_attribution_line(report.attribution)))


def print_outlets(console: Console, dependencies: Iterable[OutletDependency]) -> None:
    """Per outlet: articles, wire share, and the dependency on each agency."""
    table = Table("outlet", "articles", "wire", "by agency", header_style="bold")
    for d in dependencies:
        agencies = ", ".join(f"{ag} {share * 100:.0f}%" for ag, share in d.by_agency)
        table.add_row(Text(d.source), str(d.articles), f"{d.wire_share * 100:.0f}%", Text(agencies))
    console.print(table)


def print_similarity_metrics(console: Console, found: Any) -> None:
    """Agreement of scored pairs with human ratings: Pearson overall and per language pair,
    and the same-story AUC (``found`` is a SimilarityMetrics)."""
    console.print(Text(f"Pearson {found.pearson:.3f}   same-story AUC {found.same_story_auc:.3f}"
                       f"   ({found.pairs} pairs)", style="bold"))  # fmt: skip
    table = Table("languages", "pairs", "Pearson", header_style="bold")
    for languages, pairs, r in found.by_language:
        table.add_row(Text(languages), str(pairs), "nan" if r != r else f"{r:.3f}")
    console.print(table)


def print_membership(console: Console, report: StoryReport) -> None:
    """Why each article is in the story (``report.extras["membership"]``, see
    ``pipeline.explained``): reason, best matches, shared entities and passages, time gap."""
    members = cast("tuple[Membership, ...]", report.extras.get("membership") or ())
    if not members:
        return
    console.print(Text("Why these articles belong together", style="bold"))
    for m in members:
        console.print(Text(f"{m.article}: {m.reason}" + (" (pinned)" if m.pinned else "")
                           + ("" if m.score is None else f", score {m.score:.2f}")
                           + ("" if m.gap_hours is None else f", {m.gap_hours:g} h apart")))  # fmt: skip
        if m.matches:
            best = ", ".join(f"{a} {s:.2f}" for a, s in m.matches)
            console.print(Text(f"  closest: {best}", style="dim"))
        if m.shared_entities:
            console.print(Text("  shares: " + ", ".join(m.shared_entities), style="dim"))
        for passage in m.shared_passages[:2]:
            console.print(Text(f"  same words: “{passage}”", style="dim"))


def print_check(console: Console, db: str, report: CheckReport) -> None:
    """What ``storyline check`` found, one line per finding."""
    for problem in report.problems:
        console.print(Text(f"damaged: {problem}"))
    if report.problems:
        console.print("the file is damaged: restore a backup (storyline backup makes one)")
    if report.repaired is not None:
        console.print(f"repaired: {describe_pending(report.repaired)}")
    elif report.pending.total:
        console.print(f"pending: {describe_pending(report.pending)}; run: storyline check --repair")
    console.print(f"{db}: {'ok' if report.ok else 'not ok'}")


class IngestBar:
    """The ingest progress bar: the stage running, the articles read and the articles per
    second since the start (recomputed at every refresh). ``tick`` is the pipeline's progress
    callback, ``stage`` a stage watcher (:func:`storyline.stages.watch`)."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task = progress.add_task("starting", total=None)
        self.articles = 0

    def tick(self, item: Article | Failure) -> None:
        self.articles += isinstance(item, Article)
        self.progress.update(self.task, completed=self.articles)

    def stage(self, name: str) -> None:
        self.progress.update(self.task, description=name)


def rate(task: Any) -> str:
    """``"N articles, R articles/s"`` of a progress task, R since the task started."""
    seconds = task.elapsed or 0.0
    per_s = task.completed / seconds if seconds > 0 else 0.0
    return f"{int(task.completed)} articles, {per_s:.1f} articles/s"


@contextmanager
def ingest_progress(console: Console, *, disable: bool = False) -> Iterator[IngestBar]:
    """A transient progress bar for ``storyline ingest``: ``with ingest_progress(c) as bar``."""
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(rate(task))

    columns = (SpinnerColumn(), TextColumn("{task.description:<8}"), RateColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, disable=disable, transient=True) as progress:
        yield IngestBar(progress)
