"""The SQL conditions on ``stories s`` that the SQLite store's lists, counts and searches
share: the filters of a page (outlet, language, agency, size, dates) and the two search plans.
"""

from __future__ import annotations

from typing import Any

from storyline.store import coverage, terms
from storyline.store.checks import Filters


def page_where(filters: Filters, *, probe: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause (or '') and its parameters for the stories ``filters`` keep."""
    clauses, params = filter_clauses(filters, probe=probe)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def filter_clauses(filters: Filters, *, probe: bool = False) -> tuple[list[str], list[Any]]:
    """The conditions (and parameters) of ``filters``, to be joined with AND; ``probe``: see
    :func:`coverage.filter_clauses`."""
    clauses: list[str] = []
    params: list[Any] = []
    for field in ("source", "language"):
        value = getattr(filters, field)
        if value is not None:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM articles a JOIN story_articles sa "
                f"ON sa.article_id = a.id WHERE a.{field} = ?)"
            )
            params.append(value)
    more, values = coverage.filter_clauses(filters.agency, filters.min_size, probe=probe)
    clauses += more
    params += values
    since, until = filters.keys()
    if since is not None:
        clauses.append("s.latest >= ?")
        params.append(since)
    if until is not None:
        clauses.append("s.latest != '' AND s.latest < ?")
        params.append(until)
    return clauses, params


#: Search plans: collect the stories of every matching article, or probe per story.
COLLECT = (
    "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
    "WHERE a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
)
PROBE_EACH = (
    "EXISTS (SELECT 1 FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
    "JOIN articles_fts f ON f.rowid = a.rowid WHERE sa.story_id = s.id AND articles_fts MATCH ?)"
)


def search_where(
    query: str, filters: Filters, *, walk: bool = False, first: bool = False
) -> tuple[str, list[Any]] | None:
    """Conditions on ``stories s`` for a search; ``first``: on the FTS5 row ``f`` joined to
    its article ``a`` and story ``s`` (see ``coverage.bounded_search_sql``)."""
    wanted = terms.parse_query(query)
    if not wanted:
        return None
    clauses, params = filter_clauses(filters)
    clauses.insert(0, "articles_fts MATCH ?" if first else PROBE_EACH if walk else COLLECT)
    return "WHERE " + " AND ".join(clauses), [terms.fts_query(wanted), *params]
