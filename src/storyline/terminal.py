"""Readable terminal output for the CLI (rich). Every article string is printed as text,
never interpreted as markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from storyline.model import KINDS, UNIQUE, Article, Failure
from storyline.pipeline import IngestReport, StoryReport

STYLE = {
    "verbatim": "bold green",
    "near_verbatim": "green",
    "paraphrase": "cyan",
    "unique": "yellow",
}


def print_failures(console: Console, failures: Iterable[Failure]) -> None:
    for f in failures:
        console.print(Text(f"error: {f.input}: {f.reason}", style="red"))


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
        f"failed {len(report.failures)}; {report.stories} stories"
    )


def print_clean(console: Console, article: Article) -> None:
    """A cleaned article: header fields, the text, then each removed line with its reason."""
    console.rule(Text(f"{article.path or article.id} ({article.source})", style="bold"))
    for label, value in (("title", article.title), ("kicker", article.kicker),
                         ("teaser", article.teaser), ("language", article.language)):  # fmt: skip
        if value:
            console.print(Text(f"{label}: ", style="bold") + Text(value))
    console.print(Text(article.text))
    for residue in article.removed:
        console.print(Text(f"  removed [{residue.reason}] ", style="dim") + Text(residue.line))


def print_analysis(console: Console, report: StoryReport) -> None:
    """The deeper comparison: entities, quotes, conflicts and the chain of sources."""
    analysis = report.analysis
    if analysis is None:
        return
    names = _labels(report.articles)
    people = [e.name for e in analysis.entities if len(e.mentions) > 1][:12]
    console.print(Text("entities: ", style="bold") + Text(", ".join(people)))
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
