"""The ``storyline`` command: each command parses, calls one library function, prints."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

FORMATS = click.Choice(["auto", "text", "html", "jsonl", "csv"])
DB_HELP = "SQLite database file (created if missing)."
MAX_BYTES = click.option(
    "--max-bytes", type=int, default=None, help="Largest input file to read [default: 20 MB]."
)


def _console():
    from rich.console import Console

    return Console(highlight=False)


def _emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _open(db: str):
    from storyline.store import open_store

    return open_store(db)


def _fail_if_nothing(done: int, failures: list) -> None:
    if done == 0 and failures:
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storyline")
def main() -> None:
    """storyline: news reports from many outlets in, compared stories out.

    Quick look at two reports:  storyline compare examples/*.txt
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON form.")
@click.option("--source", help="Outlet name for every input (default: inferred).")
@click.option("--format", "fmt", type=FORMATS, default="auto", show_default=True)
@MAX_BYTES
def compare(
    paths: tuple[str, ...], as_json: bool, source: str | None, fmt: str, max_bytes: int | None
) -> None:
    """Ingest PATHS in memory, group them into stories and compare each story."""
    from storyline.pipeline import analysed, compare_paths

    reports, failures = compare_paths(paths, source=source, format=fmt, max_bytes=max_bytes)
    reports = [analysed(r) for r in reports]
    if as_json:
        from storyline.pipeline import attach_reuse

        reports = attach_reuse(reports)
    if as_json:
        from storyline.export import stories_dict

        _emit_json(stories_dict(reports, failures))
    else:
        from storyline.terminal import print_analysis, print_failures, print_story

        console = _console()
        print_failures(console, failures)
        for report in reports:
            print_story(console, report)
            print_analysis(console, report)
    _fail_if_nothing(len(reports), failures)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--source", help="Outlet name for every input (default: inferred).")
@click.option("--format", "fmt", type=FORMATS, default="auto", show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@MAX_BYTES
def ingest(
    paths: tuple[str, ...],
    db: str,
    source: str | None,
    fmt: str,
    quiet: bool,
    max_bytes: int | None,
) -> None:
    """Read, clean and store PATHS (files, folders, globs); update stories."""
    from rich.progress import Progress

    from storyline.pipeline import ingest as run_ingest
    from storyline.terminal import print_ingest

    console = _console()
    with _open(db) as store, Progress(console=console, disable=quiet, transient=True) as bar:
        task = bar.add_task("ingesting", total=None)
        tick = lambda _: bar.advance(task)  # noqa: E731
        report = run_ingest(
            store, paths, source=source, format=fmt, max_bytes=max_bytes, progress=tick
        )
    print_ingest(console, report)
    _fail_if_nothing(len(report.ingested) + len(report.duplicates), list(report.failures))


@main.command()
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--level", type=click.Choice(("story", "event")), default="story", show_default=True,
              help="story: the developing storyline; event: one happening inside a story.")  # fmt: skip
def stories(db: str, as_json: bool, level: str) -> None:
    """List the stored stories (or, with --level event, their events), newest first."""
    from storyline.export import level_summaries

    with _open(db) as store:
        rows = level_summaries(store, level)
    if as_json:
        _emit_json({"events" if level == "event" else "stories": rows})
        return
    from rich.table import Column, Table
    from rich.text import Text

    width = max((len(r["id"]) for r in rows), default=2)
    ident = Column("id", no_wrap=True, min_width=width)  # an id is never cut: `show` needs it
    table = Table(ident, "size", "title", "sources", "languages", "published")
    for r in rows:
        span = " .. ".join(x for x in (r["first_published"], r["last_published"]) if x)
        cells = (r["id"], str(r["size"]), r["title"] or "", ", ".join(r["sources"]),
                 ", ".join(r["languages"]), span)  # fmt: skip
        table.add_row(*(Text(c) for c in cells))  # Text: article data is never markup
    _console().print(table)


@main.command()
@click.argument("story_id")
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON form.")
def show(story_id: str, db: str, as_json: bool) -> None:
    """Show one stored story with its comparison."""
    from storyline.errors import NotFound
    from storyline.pipeline import analysed, explained, story_report

    with _open(db) as store:
        try:
            report = story_report(store, story_id)
            report = explained(analysed(report), store.corrections(), store=store)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from exc
        from storyline.pipeline import stored_reuse

        report = stored_reuse(store, report)
    if as_json:
        from storyline.export import stories_dict

        _emit_json(stories_dict([report]))
    else:
        from storyline.terminal import print_analysis, print_story

        print_story(_console(), report)
        print_analysis(_console(), report)
        from storyline.terminal import print_reuse

        print_reuse(_console(), report)
        from storyline.terminal import print_membership

        print_membership(_console(), report)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=FORMATS, default="auto", show_default=True)
@click.option("--source", help="Outlet name for every input (default: inferred).")
@click.option("--jsonl", is_flag=True, help="One JSON line per input instead of text.")
@MAX_BYTES
def clean(
    paths: tuple[str, ...], fmt: str, source: str | None, jsonl: bool, max_bytes: int | None
) -> None:
    """Clean PATHS and print the cleaned text (or JSON lines) with what was removed."""
    from storyline.export import clean_dict
    from storyline.model import Failure
    from storyline.pipeline import prepare

    console = _console()
    done, failures = 0, []
    for item in prepare(paths, source=source, format=fmt, max_bytes=max_bytes):
        if isinstance(item, Failure):
            failures.append(item)
            click.echo(f"error: {item.input}: {item.reason}", err=True)
            continue
        done += 1
        if jsonl:
            click.echo(json.dumps(clean_dict(item), ensure_ascii=False))
        else:
            from storyline.terminal import print_clean

            print_clean(console, item)
    _fail_if_nothing(done, failures)


@main.command()
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(db: str, host: str, port: int) -> None:
    """Serve the web UI and the REST API over the database at DB."""
    from storyline.errors import MissingDependency

    try:
        import uvicorn

        from storyline.web import create_app
    except (ImportError, MissingDependency) as exc:
        msg = f"the web UI needs its extra: pip install 'storyline[web]' ({exc})"
        raise click.ClickException(msg) from exc
    with _open(db) as store:
        click.echo(f"storyline: open http://{host}:{port}/ (API docs: /api/docs); Ctrl-C stops")
        uvicorn.run(create_app(store), host=host, port=port, log_level="warning")


@main.command()
@click.argument("article_id")
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def article(article_id: str, db: str, as_json: bool) -> None:
    """Show one stored article: metadata, credits, removed residue, shared passages,
    duplicate group and wire attribution."""
    from storyline.errors import NotFound
    from storyline.pipeline import article_report

    with _open(db) as store:
        try:
            report = article_report(store, article_id)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        from storyline.export import article_report_dict

        _emit_json(article_report_dict(report))
    else:
        from storyline.terminal import print_article

        print_article(_console(), report)


@main.command()
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def outlets(db: str, as_json: bool) -> None:
    """Per outlet: articles, share of wire copy, and dependency on each agency."""
    with _open(db) as store:
        dependencies = store.outlet_dependency()
    if as_json:
        from storyline.export import outlets_dict

        _emit_json(outlets_dict(dependencies))
    else:
        from storyline.terminal import print_outlets

        print_outlets(_console(), dependencies)


@main.group()
def bench() -> None:
    """Benchmarks on synthetic data (figures and ratios against the alternative)."""


@bench.command("dedup")
@click.option("--docs", default=200_000, show_default=True, type=click.IntRange(min=10))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_dedup(docs: int, as_json: bool) -> None:
    """Near-duplicate and shared-passage detection against datasketch MinHash LSH."""
    from storyline.reuse.benchmark import format_table, run_bench

    result = run_bench(docs)
    if as_json:
        _emit_json(result)
    else:
        click.echo(format_table(result))


# --- stories: pair similarity and corrections (docs/stories.md) ---


@main.command()
@click.option(
    "--pairs",
    "pairs_csv",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV with pair_id, lang1, lang2, text1, text2 (and optionally Overall).",
)
@click.option(
    "--out",
    "out_csv",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write pair_id,score (1 = same story .. 4 = unrelated).",
)
@click.option("--model", type=click.Choice(["use", "e5"]), default="use", show_default=True)
def similarity(pairs_csv: str, out_csv: str, model: str) -> None:
    """Score article pairs on the SemEval-2022 scale; print agreement when rated."""
    from storyline.errors import StorylineError
    from storyline.stories.similarity import score_pairs

    try:
        found = score_pairs(pairs_csv, out_csv, model=model)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"scored {found.pairs} pairs -> {out_csv} ({found.method})")
    if found.pearson == found.pearson:  # nan when the input has no Overall column
        from storyline.terminal import print_similarity_metrics

        print_similarity_metrics(_console(), found)


LEVELS = ("story", "event")
_LEVEL = click.option(
    "--level", type=click.Choice(LEVELS), default="story", show_default=True,
    help="Correct stories, or events (the ids are then event ids: storyline stories --level event).",
)  # fmt: skip


@main.group()
def story() -> None:
    """Correct stories by hand: split, merge, move (kept on every later ingest)."""


def _correct(db: str, call: Any, *args: Any) -> None:
    from storyline.errors import StorylineError

    with _open(db) as store:
        try:
            changed = call(store, *args)
        except StorylineError as exc:
            raise click.ClickException(str(exc)) from exc
    from storyline.text.normalize import strip_controls

    for s in changed:  # a title is article data: no terminal control codes get through
        click.echo(f"{s.id}  {len(s.articles)} articles  {strip_controls(s.title or '')}")


@story.command("split")
@click.argument("story_id")
@click.argument("article_ids", nargs=-1, required=True)
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@_LEVEL
def story_split(story_id: str, article_ids: tuple[str, ...], db: str, level: str) -> None:
    """Take ARTICLE_IDS out of STORY_ID into a new story (or event, with --level event)."""
    from storyline.pipeline import split_event, split_story

    _correct(db, split_event if level == "event" else split_story, story_id, list(article_ids))


@story.command("merge")
@click.argument("story_id")
@click.argument("other_id")
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@_LEVEL
def story_merge(story_id: str, other_id: str, db: str, level: str) -> None:
    """Fold story OTHER_ID into STORY_ID (or event into event, with --level event)."""
    from storyline.pipeline import merge_events, merge_stories

    _correct(db, merge_events if level == "event" else merge_stories, story_id, other_id)


@story.command("move")
@click.argument("article_id")
@click.argument("story_id")
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@_LEVEL
def story_move(article_id: str, story_id: str, db: str, level: str) -> None:
    """Move ARTICLE_ID into story STORY_ID (or into an event, with --level event)."""
    from storyline.pipeline import move_article, move_to_event

    _correct(db, move_to_event if level == "event" else move_article, article_id, story_id)


if __name__ == "__main__":  # pragma: no cover
    main()
