"""The ``storyline`` command: each command parses, calls one library function, prints."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

FORMATS = click.Choice(["auto", "text", "html", "jsonl", "csv", "feed", "sitemap", "warc"])
DB_HELP = "SQLite database file (created if missing)."
MAX_BYTES = click.option(
    "--max-bytes",
    type=int,
    default=None,
    help="Largest input file to read [default: 20 MB]; for a JSONL file, the largest line "
    "(larger JSONL files are read line by line).",
)


def _console():
    from rich.console import Console

    return Console(highlight=False)


def _emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _open(db: str, lock_timeout: float | None = None):
    from storyline.store import open_store

    tell = lambda msg: click.echo(msg, err=True)  # noqa: E731
    return open_store(db, lock_timeout=lock_timeout, on_wait=tell)


LOCK_TIMEOUT = click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=600,
    show_default=True,
    help="Seconds to wait while another process writes to the database.",
)


def _fail_if_nothing(done: int, failures: list) -> None:
    if done == 0 and failures:
        sys.exit(1)


class _Group(click.Group):
    """Any StorylineError a command lets through is printed as one ``Error:`` line (exit 1),
    never as a trace."""

    def invoke(self, ctx: click.Context) -> Any:
        from storyline.errors import StorylineError

        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--db", default=None, help=DB_HELP + "  [default: storyline.db]")
@click.option("--source", help="Outlet name for every input (default: inferred).")
@click.option("--format", "fmt", type=FORMATS, default="auto", show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@MAX_BYTES
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where the per-article and per-story work runs (ray: pip install 'storyline[ray]').",
)
@click.option(
    "--address", help="With --engine ray: auto, HOST:PORT or ray://HOST:PORT [default: start one]."
)
@click.option("--workers", type=click.IntRange(1, 100_000), help="With --engine ray: actors.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Also write the result as Parquet tables (partitioned by date) to this folder; "
    "without --db the database is OUT/storyline.db.",
)
@click.option(
    "--fetch", is_flag=True, help="Fetch URL inputs and the pages feeds and sitemaps link to."
)
@click.option("--allow-private", is_flag=True, help="Also fetch private and loopback addresses.")
@click.option(
    "--model",
    type=click.Choice(["use", "e5"]),
    default=None,
    help="Pair model for stories: use, or e5 (better recall, ~0.5 s more CPU per article; "
    "pip install 'storyline[embed]'). A database keeps the model it started with "
    "[default: the database's, use for a new one].",
)
@LOCK_TIMEOUT
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    source: str | None,
    fmt: str,
    quiet: bool,
    max_bytes: int | None,
    engine: str,
    address: str | None,
    workers: int | None,
    out: str | None,
    fetch: bool,
    allow_private: bool,
    model: str | None,
    lock_timeout: float,
) -> None:
    """Read, clean and store PATHS (files, folders, globs, feeds, sitemaps, WARC files and,
    with --fetch, URLs); update stories.

    One ingest is written in one transaction: killed at any moment, the database is as before
    it or as after it, and work an older, interrupted run left undone is finished. While
    another process writes, it says "waiting for the database lock" and waits.

    Folders and globs skip dot-files, SQLite databases and journals (*.db, *-wal, ...),
    backups and partial files (*~, *.bak, *.swp, *.tmp, *.part, ...); the --db file and its
    journals are never read (docs/ingest.md).

    The progress bar shows the stage running (read, clean, reuse, profile, assign, compare,
    store), the articles read so far and the articles per second since the start."""
    from contextlib import nullcontext
    from pathlib import Path

    from storyline.errors import StorylineError
    from storyline.pipeline import ingest as run_ingest
    from storyline.stages import watch as watch_stages
    from storyline.terminal import ingest_progress, print_ingest

    if address and engine != "ray":
        raise click.UsageError("--address goes with --engine ray")
    db = db or (str(Path(out) / "storyline.db") if out else "storyline.db")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
    console = _console()
    try:
        runner = _engine(engine, address, workers)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc
    with (
        runner,
        _open(db, lock_timeout) as store,
        _fetcher(allow_private, max_bytes) if fetch else nullcontext() as fetcher,
    ):
        with ingest_progress(console, disable=quiet) as bar, watch_stages(bar.stage):
            report = run_ingest(
                store, paths, source=source, format=fmt, max_bytes=max_bytes, progress=bar.tick,
                engine=None if engine == "local" else runner, fetcher=fetcher, model=model,
            )  # fmt: skip
        if out:
            from storyline.tables import export as write_tables

            written = write_tables(store, out, "parquet")
    print_ingest(console, report)
    if out:
        console.print(f"wrote {_counts(written)} to {out}", markup=False)
    _fail_if_nothing(len(report.ingested) + len(report.duplicates), list(report.failures))


def _engine(name: str, address: str | None, workers: int | None):
    from contextlib import nullcontext

    from storyline.scale import open_engine

    if name == "local":
        return nullcontext()
    return open_engine(name, address=address, workers=workers)


def _counts(written: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in written.items())


@main.command()
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "jsonl", "csv"]),
    default="parquet",
    show_default=True,
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write.")
def export(db: str, fmt: str, out: str) -> None:
    """Write the stored articles, stories, alignments, passages and attribution as tables
    (Parquet partitioned by date, or one JSONL/CSV file per table); see docs/scale.md."""
    from storyline.errors import StorylineError
    from storyline.tables import export as write_tables

    try:
        with _open(db) as store:
            written = write_tables(store, out, fmt)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc
    _console().print(f"wrote {_counts(written)} to {out}", markup=False)


def _fetcher(allow_private: bool, max_bytes: int | None, **settings: Any):
    from storyline.ingest.http import FetchConfig, Fetcher

    if max_bytes:
        settings["max_bytes"] = max_bytes
    return Fetcher(FetchConfig(allow_private=allow_private, **settings))


@main.command()
@click.argument("sources", type=click.Path(exists=True, dir_okay=False))
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option(
    "--every",
    type=click.FloatRange(min=1),
    default=300,
    show_default=True,
    help="Seconds between rounds.",
)
@click.option("--once", is_flag=True, help="One round, then exit.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per source and per round.")
@click.option("--source", help="Outlet name for every entry (default: inferred).")
@click.option("--allow-private", is_flag=True, help="Also fetch private and loopback addresses.")
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to one host.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds per response.",
)
@MAX_BYTES
def watch(
    sources: str,
    db: str,
    every: float,
    once: bool,
    as_json: bool,
    source: str | None,
    allow_private: bool,
    delay: float,
    timeout: float,
    max_bytes: int | None,
) -> None:
    """Poll the feeds and sitemaps listed in SOURCES (one URL a line, # comments) and ingest
    their new entries; Ctrl-C or SIGTERM stops between batches, nothing lost."""
    from storyline.watch import Watch, run

    console = _console()
    with (
        _open(db) as store,
        _fetcher(allow_private, max_bytes, delay=delay, timeout=timeout) as fetcher,
    ):
        job = Watch(store, fetcher, every=every, source=source)
        previous = _stop_on_signals(job.stop, console, as_json)
        printer = _WatchPrinter(console, as_json)
        try:
            rounds = run(job, sources, once=once, on_source=printer.source, on_round=printer.round)
        finally:
            _restore_signals(previous)
    last = rounds[-1] if rounds else None
    if (
        last is not None
        and last.results
        and all(r.status in ("failed", "invalid") for r in last.results)
    ):
        sys.exit(1)


def _stop_on_signals(stop: Any, console: Any, quiet: bool) -> dict[int, Any]:
    """SIGINT and SIGTERM set ``stop`` (the run ends after the current batch); a second
    SIGINT stops at once."""
    import signal

    def handler(signum: int, _frame: Any) -> None:
        if not quiet:
            console.print("stopping after the current batch (Ctrl-C again stops at once)")
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    return {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}


def _restore_signals(previous: dict[int, Any]) -> None:
    import signal

    for signum, handler in previous.items():
        signal.signal(signum, handler)


class _WatchPrinter:
    """A line per source and a summary per round, or JSON lines."""

    def __init__(self, console: Any, as_json: bool) -> None:
        self.console, self.as_json = console, as_json

    def source(self, result: Any) -> None:
        from rich.text import Text

        from storyline.watch import source_dict

        if self.as_json:
            click.echo(json.dumps(source_dict(result), ensure_ascii=False), nl=True)
            return
        counts = (f": {result.entries} entries, {result.new} new, ingested "
                  f"{result.ingested}" if result.status == "new" else "")  # fmt: skip
        self.console.print(Text(f"{result.status:>12}  {result.url}{counts}"))
        for f in result.failures:
            self.console.print(Text(f"error: {f.input}: {f.reason}", style="red"))

    def round(self, report: Any) -> None:
        from storyline.watch import round_dict, summary_line

        if self.as_json:
            click.echo(json.dumps(round_dict(report), ensure_ascii=False))
        else:
            self.console.print(summary_line(report), style="bold")


@main.command()
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--sort",
    type=click.Choice(["coverage", "recent", "size"]),
    default="coverage",
    show_default=True,
    help="coverage: most outlets, then most languages, then newest; recent: newest first; "
    "size: most articles, then newest.",
)
@click.option("--no-singletons", is_flag=True, help="Leave out one-article stories.")
@click.option("--level", type=click.Choice(("story", "event")), default="story", show_default=True,
              help="story: the developing storyline; event: one happening inside a story.")  # fmt: skip
def stories(db: str, as_json: bool, sort: str, no_singletons: bool, level: str) -> None:
    """List the stored stories (or, with --level event, their events), by coverage unless
    --sort says otherwise."""
    from storyline.export import level_summaries

    with _open(db) as store:
        listed = store.stories_page(limit=None, sort=sort, min_size=2 if no_singletons else 1)
        rows = level_summaries(store, level, listed)
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
    """Clean PATHS and print the cleaned text (or JSON lines) with its agency credits (each
    with its form: dateline, tag, byline, sign-off, copyright, and where it stands) and what
    was removed."""
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
@click.option("--allow-writes", is_flag=True, help="Accept uploads (POST); they need the token.")
@click.option("--token", envvar="STORYLINE_TOKEN", help="Token for writes [env: STORYLINE_TOKEN]; "
              "required to bind a non-loopback address; made up and shown if --allow-writes "
              "has none.")  # fmt: skip
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Also accept this Host header (repeatable; '*' for any).")  # fmt: skip
@click.option("--rate", default=50.0, show_default=True, type=click.FloatRange(min=0),
              help="Requests per second per client address (0: no limit).")  # fmt: skip
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds a request may run before it is answered 503 (0: no limit).")  # fmt: skip
@click.option("--max-upload", default=10.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Largest request body in MB.")  # fmt: skip
def serve(db: str, host: str, port: int, **settings: Any) -> None:
    """Serve the web UI and the REST API over the database at DB (read-only by default)."""
    from storyline.errors import MissingDependency, StorylineError

    try:
        import uvicorn

        from storyline.web import create_app
        from storyline.web.access import serve_access
    except (ImportError, MissingDependency) as exc:
        msg = f"the web UI needs its extra: pip install 'storyline[web]' ({exc})"
        raise click.ClickException(msg) from exc
    max_upload = int(settings.pop("max_upload") * 1_000_000)
    try:
        access = serve_access(host, **settings)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc
    with _open(db) as store:
        app = create_app(store, max_upload=max_upload, access=access)
        click.echo(f"storyline: open http://{host}:{port}/ (API docs: /api/docs); Ctrl-C stops")
        if access.allow_writes and not settings["token"]:
            click.echo(f"storyline: uploads need this token: {access.token}")
        uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command()
@click.argument("article_id")
@click.option("--db", default="storyline.db", show_default=True, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def article(article_id: str, db: str, as_json: bool) -> None:
    """Show one stored article: metadata, credits (each agency credit with its form and
    place), removed residue, shared passages, duplicate group and wire attribution."""
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
@click.option(
    "--sort",
    type=click.Choice(["name", "articles", "wire"]),
    default="name",
    show_default=True,
    help="name: natural order (o2 before o10); articles / wire: most articles / highest "
    "wire share first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def outlets(db: str, sort: str, as_json: bool) -> None:
    """Per outlet: articles, share of wire copy, and dependency on each agency."""
    from storyline.outlets import sort_outlets

    with _open(db) as store:
        dependencies = sort_outlets(store.outlet_dependency(), sort)
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


@main.command()
@click.option("--db", default="storyline.db", show_default=True, help="SQLite database file.")
@click.option("--repair", is_flag=True, help="Finish the work an interrupted run left.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@LOCK_TIMEOUT
def check(db: str, repair: bool, as_json: bool, lock_timeout: float) -> None:
    """Check a database: SQLite integrity, and work left undone by an interrupted run
    (articles not indexed or without a story, stories without analysis). Exit 1 if not ok."""
    from storyline.maintenance import check as run_check
    from storyline.terminal import print_check

    _must_exist(db)
    with _open(db, lock_timeout) as store:
        report = run_check(store, repair=repair)
    if as_json:
        from dataclasses import asdict

        _emit_json({"ok": report.ok, **asdict(report)})
    else:
        print_check(_console(), db, report)
    if not report.ok:
        sys.exit(1)


@main.command()
@click.option("--db", default="storyline.db", show_default=True, help="SQLite database file.")
@click.argument("out", type=click.Path(dir_okay=False))
def backup(db: str, out: str) -> None:
    """Copy the database to the new file OUT, safely while others read and write it
    (SQLite's online backup API)."""
    from storyline.maintenance import backup as run_backup

    _must_exist(db)
    with _open(db) as store:
        run_backup(store, out)
    click.echo(f"backed up {db} -> {out}")


def _must_exist(db: str) -> None:
    import os

    if not os.path.isfile(db):
        raise click.ClickException(f"{db}: no such database file; pass --db FILE")


# --- sentence judge (docs/compare.md) ---


@main.command()
@click.argument("in_csv", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_csv",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the pairs with kind, score and conflicts added.",
)
def pairs(in_csv: str, out_csv: str) -> None:
    """Judge sentence pairs: IN_CSV has columns sentence1, sentence2[, language].

    Adds kind (verbatim, near_verbatim, paraphrase, extends, conflict, unique), score and
    conflicts (conflict kinds joined by ';'). Malformed rows are reported by line and skipped.
    """
    from storyline.compare.pairs import judge_csv
    from storyline.errors import StorylineError

    try:
        report = judge_csv(in_csv, out_csv)
    except StorylineError as exc:
        raise click.ClickException(str(exc)) from exc
    for message in report.skipped:
        click.echo(message, err=True)
    click.echo(f"judged {report.judged} pairs -> {out_csv} ({len(report.skipped)} rows skipped)")
    _fail_if_nothing(report.judged, report.skipped)


if __name__ == "__main__":  # pragma: no cover
    main()
