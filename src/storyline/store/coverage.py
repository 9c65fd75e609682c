"""A story's coverage, kept beside it so the stories list can sort and facet without reading
articles: how many articles, outlets and languages it has, and its facet keys (each outlet,
language and credited agency once).

Both backends use these definitions: the SQLite store keeps them in the ``stories`` columns
``size``, ``outlets``, ``languages`` and the ``story_keys`` table (migration
``0010_story_coverage``), refreshed in the transaction that writes a story; the in-memory
store computes them with :func:`coverage`. See docs/store.md, "Coverage and facets".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.errors import InputError
from storyline.model import Article
from storyline.store.checks import Filters

#: The orders of the stories list. ``coverage``: most outlets first, then most languages,
#: then newest; ``recent``: newest first; ``size``: most articles first, then newest.
SORTS = ("coverage", "recent", "size")
#: Facet kinds, in the order a page shows them; ``date`` is the day of a story's latest report.
FACETS = ("language", "source", "agency", "date")
#: Most values a facet lists (the most frequent; the most recent days for ``date``).
FACET_TOP = 12

ORDER_SQL = {
    "coverage": "s.outlets DESC, s.languages DESC, s.latest DESC, s.id",
    "recent": "s.latest DESC, s.id",
    "size": "s.size DESC, s.latest DESC, s.id",
}


def check_sort(sort: str) -> str:
    """``sort`` if it is one of :data:`SORTS`, else InputError naming the choices."""
    if sort not in SORTS:
        raise InputError("sort", f"{sort!r} is not an order of stories; use {', '.join(SORTS)}")
    return sort


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the stories list knows of one story without reading its articles."""

    size: int
    outlets: int
    languages: int
    keys: frozenset[tuple[str, str]]  # ("source" | "language" | "agency", value)


def coverage(articles: Iterable[Article]) -> Coverage:
    """The coverage of a story with these articles."""
    arts = list(articles)
    keys = {("source", a.source) for a in arts}
    keys |= {("language", a.language) for a in arts if a.language}
    keys |= {("agency", g) for a in arts for g in a.credits.agencies}
    outlets = sum(1 for kind, _ in keys if kind == "source")
    languages = sum(1 for kind, _ in keys if kind == "language")
    return Coverage(len(arts), outlets, languages, frozenset(keys))


def sort_key(sort: str, cover: Coverage) -> tuple[Any, ...]:
    """A key that orders stories as :data:`ORDER_SQL` does, for an ascending sort of stories
    already sorted newest first (the sort is stable)."""
    if sort == "coverage":
        return (-cover.outlets, -cover.languages)
    if sort == "size":
        return (-cover.size,)
    return ()


def facet_lists(counts: Iterable[tuple[str, str, int]], top: int = FACET_TOP) -> dict[str, Any]:
    """``{kind: [{"value", "count"}, ...]}`` from (kind, value, count) rows: most frequent
    first (ties by value), the most recent first for ``date``; at most ``top`` each."""
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in FACETS}
    for kind, value, count in counts:
        if kind in out and value:
            out[kind].append({"value": value, "count": int(count)})
    for kind, rows in out.items():
        if kind == "date":
            rows.sort(key=lambda r: r["value"], reverse=True)
        else:
            rows.sort(key=lambda r: (-r["count"], r["value"]))
        del rows[top:]
    return out


def count_facets(
    covers: Iterable[tuple[Coverage, str]],
) -> list[tuple[str, str, int]]:
    """(kind, value, stories) over (coverage, latest time key) pairs: the in-memory facets."""
    counts: dict[tuple[str, str], int] = {}
    for cover, latest in covers:
        keys = set(cover.keys)
        if latest:
            keys.add(("date", latest[:10]))
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return [(kind, value, n) for (kind, value), n in counts.items()]


# ------------------------------------------------------------------ SQLite

_COUNTS = (
    "UPDATE stories SET "
    "size = (SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = stories.id), "
    "outlets = (SELECT COUNT(DISTINCT a.source) FROM story_articles sa "
    "JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = stories.id), "
    "languages = (SELECT COUNT(DISTINCT a.language) FROM story_articles sa "
    "JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = stories.id)"
)
_KEYS_FROM = (
    "FROM story_articles sa JOIN stories s ON s.id = sa.story_id "
    "JOIN articles a ON a.id = sa.article_id"
)
_KEYS = (
    "INSERT OR IGNORE INTO story_keys (kind, value, story_id, size) "
    f"SELECT 'source', a.source, s.id, s.size {_KEYS_FROM} {{where}} "
    f"UNION SELECT 'language', a.language, s.id, s.size {_KEYS_FROM} "
    "{where_and} a.language IS NOT NULL AND a.language != '' "
    f"UNION SELECT 'agency', j.value, s.id, s.size {_KEYS_FROM}, "
    "json_each(a.credits, '$.agencies') j {where}"
)


def create_tables(conn: sqlite3.Connection) -> None:
    """The columns, table and indexes of migration ``0010_story_coverage``, filled in."""
    for column in ("size", "outlets", "languages"):
        conn.execute(f"ALTER TABLE stories ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        "CREATE TABLE story_keys (kind TEXT NOT NULL, value TEXT NOT NULL, "
        "story_id TEXT NOT NULL, size INTEGER NOT NULL, "
        "PRIMARY KEY (kind, value, story_id)) WITHOUT ROWID"
    )
    for statement in (
        "CREATE INDEX story_keys_story ON story_keys (story_id)",
        "CREATE INDEX story_keys_size ON story_keys (size, kind, value)",
        "CREATE INDEX stories_coverage ON stories (outlets DESC, languages DESC, latest DESC, id)",
        "CREATE INDEX stories_size ON stories (size DESC, latest DESC, id)",
    ):
        conn.execute(statement)
    refresh(conn)


def refresh(conn: sqlite3.Connection, story_id: str | None = None) -> None:
    """Recompute the coverage columns and keys of one story (all stories when None)."""
    if story_id is None:
        conn.execute(_COUNTS)
        conn.execute("DELETE FROM story_keys")
        conn.execute(_KEYS.format(where="", where_and="WHERE"))
        return
    conn.execute(_COUNTS + " WHERE id = ?", (story_id,))
    conn.execute("DELETE FROM story_keys WHERE story_id = ?", (story_id,))
    where = "WHERE s.id = :id"
    conn.execute(_KEYS.format(where=where, where_and=where + " AND"), {"id": story_id})


def delete(conn: sqlite3.Connection, story_id: str | None = None) -> None:
    """Drop the keys of one story (of all when None), before the story row goes."""
    if story_id is None:
        conn.execute("DELETE FROM story_keys")
    else:
        conn.execute("DELETE FROM story_keys WHERE story_id = ?", (story_id,))


def filter_clauses(
    agency: str | None, min_size: int, *, probe: bool = False
) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``stories s`` for the agency and minimum size filters. ``probe``:
    the agency is looked up per story (for an agency most stories have: a page in coverage
    order then stops after about a page of stories, 0.1 ms instead of 30 ms for AFP) rather
    than listing its stories first (cheaper for a rare one)."""
    clauses: list[str] = []
    params: list[Any] = []
    if agency is not None and probe:
        clauses.append(
            "EXISTS (SELECT 1 FROM story_keys g WHERE g.kind = 'agency' AND g.value = ? "
            "AND g.story_id = s.id)"
        )
        params.append(agency)
    elif agency is not None:  # the size test inside keeps the list of ids short
        clauses.append(
            "s.id IN (SELECT story_id FROM story_keys WHERE kind = 'agency' AND value = ? "
            "AND size >= ?)"
        )
        params += [agency, min_size]
    if min_size > 1:
        clauses.append("s.size >= ?")
        params.append(min_size)
    return clauses, params


def count_sql(filters: Filters) -> tuple[str, list[Any]] | None:
    """A count of the stories kept by ``filters`` from ``story_keys`` alone, when they are
    at most one outlet, language or agency (non-empty) and a minimum size; else None."""
    keyed = [(kind, value) for kind in ("source", "language", "agency")
             if (value := getattr(filters, kind)) is not None]  # fmt: skip
    if len(keyed) != 1 or not keyed[0][1] or filters.since is not None or filters.until is not None:
        return None
    sql = "SELECT COUNT(*) FROM story_keys WHERE kind = ? AND value = ? AND size >= ?"
    return sql, [*keyed[0], filters.min_size]


def bounded_search_sql(where: str) -> str:
    """Counts at most ``?`` (the last parameter) stories of a search, ``where`` being its
    conditions on the FTS5 row ``f``, article ``a`` and story ``s``: the matches are read in
    FTS5 order and the count stops at the bound instead of collecting every match."""
    return (
        "SELECT COUNT(*) FROM (SELECT DISTINCT s.id FROM articles_fts f "
        "JOIN articles a ON a.rowid = f.rowid JOIN story_articles sa ON sa.article_id = a.id "
        f"JOIN stories s ON s.id = sa.story_id {where} LIMIT ?)"
    )


def facet_sql(
    where: str,
    params: Sequence[Any],
    only_size: int | None = None,
    key: tuple[str, str] | None = None,
) -> list[tuple[str, Any]]:
    """The statements (sql, params) whose rows are (kind, value, stories) for the stories
    that ``where`` (conditions on ``stories s``) keeps. ``only_size``: the other conditions
    are at most one ``key`` (kind, value) that a story must have, answered from
    ``story_keys`` alone (the default list; one outlet, language or agency chosen)."""
    if only_size is not None and key is not None:
        keys = (
            "SELECT k.kind, k.value, COUNT(*) FROM story_keys f CROSS JOIN story_keys k "
            "ON k.story_id = f.story_id WHERE f.kind = ? AND f.value = ? AND f.size >= ? "
            "GROUP BY k.kind, k.value",
            [*key, only_size],
        )
    elif only_size is not None:
        keys = (
            "SELECT kind, value, COUNT(*) FROM story_keys WHERE size >= ? GROUP BY kind, value",
            [only_size],
        )
    else:
        keys = (
            "SELECT k.kind, k.value, COUNT(*) FROM stories s JOIN story_keys k "
            f"ON k.story_id = s.id {where} GROUP BY k.kind, k.value",
            list(params),
        )
    and_ = "AND" if where.strip() else "WHERE"
    dates = (
        f"SELECT 'date', substr(s.latest, 1, 10) d, COUNT(*) FROM stories s {where} "
        f"{and_} s.latest != '' GROUP BY d",
        list(params),
    )
    return [keys, dates]


def complement_sql(key: tuple[str, str], min_size: int) -> tuple[str, list[Any]]:
    """(kind, value, stories) over the stories of at least ``min_size`` articles that lack
    ``key``: when most stories have it, every story's keys less these are the facets of the
    stories with it, for a fraction of the rows (AFP in 84% of the listed stories: 27 ms
    instead of 90 ms, the counts of every story's keys being kept per store version)."""
    return (
        "SELECT k.kind, k.value, COUNT(*) FROM stories s CROSS JOIN story_keys k "
        "ON k.story_id = s.id WHERE s.size >= ? AND NOT EXISTS (SELECT 1 FROM story_keys f "
        "WHERE f.kind = ? AND f.value = ? AND f.story_id = s.id) GROUP BY k.kind, k.value",
        [min_size, *key],
    )


def subtract(
    every: Iterable[Sequence[Any]], less: Iterable[Sequence[Any]]
) -> list[tuple[str, str, int]]:
    """(kind, value, count) rows of ``every`` less those of ``less``; zero counts dropped."""
    counts = {(kind, value): int(n) for kind, value, n in every}
    for kind, value, n in less:
        counts[kind, value] -= int(n)
    return [(kind, value, n) for (kind, value), n in counts.items() if n > 0]


def min_size_of(singletons: bool) -> int:
    """The smallest story a list shows: 1 with singletons, else 2."""
    return 1 if singletons else 2
