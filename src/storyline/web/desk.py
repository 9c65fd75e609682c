"""What the desk's pages draw: a story's coverage strip, timeline chart, fact matrix and the
articles picked for the side-by-side; outlets in natural order and one outlet's page.

Pure functions over records and the JSON the views build; each returns plain data (numbers
for the SVG geometry included) that the templates render as inline SVG or HTML/CSS, so no
script draws anything (CSP stays ``script-src 'self'``). See docs/web.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from storyline.model import Article, aware
from storyline.outlets import OUTLET_SORTS, natural_key, sort_outlets

__all__ = ["OUTLET_SORTS", "natural_key", "sort_outlets"]

#: Above this many articles the story page shows picked articles side by side, not all.
SIDE_BY_SIDE = 4
#: Most articles side by side.
MAX_PICKS = 3
#: Most fact groups in the fact matrix (the most widely reported first).
MATRIX_ROWS = 40
#: Timeline chart geometry (SVG user units): width, left label margin, row height.
CHART_WIDTH, CHART_LEFT, CHART_ROW = 900, 170, 20
#: Most rows in the timeline chart; later outlets share the last row.
CHART_ROWS = 30


def counted(values: Iterable[str]) -> list[dict[str, Any]]:
    """``[{"value", "count"}]``, most frequent first, ties in natural order."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], natural_key(kv[0])))
    return [{"value": v, "count": n} for v, n in rows]


def coverage_strip(articles: Sequence[Article]) -> dict[str, Any]:
    """Articles per outlet, per language and per credited agency (``"none"`` for none)."""
    return {
        "articles": len(articles),
        "outlets": counted(a.source for a in articles),
        "languages": counted(a.language or "unknown" for a in articles),
        "agencies": counted(g for a in articles for g in (a.credits.agencies or ("none",))),
    }


# ------------------------------------------------------------------ timeline chart


def timeline_chart(articles: Sequence[Article]) -> dict[str, Any]:
    """SVG geometry of reports over time: one row per outlet (in order of its first report),
    one dot per dated report, the first publisher marked; undated reports are counted."""
    dated = sorted((a for a in articles if a.published), key=lambda a: (published_utc(a), a.id))
    rows: dict[str, list[Article]] = {}
    for a in dated:
        rows.setdefault(a.source, []).append(a)
    if len(rows) > CHART_ROWS:  # the outlets that reported last share one row
        rest = list(rows)[CHART_ROWS - 1 :]
        merged = [a for source in rest for a in rows.pop(source)]
        rows[f"{len(rest)} other outlets"] = sorted(merged, key=lambda a: (published_utc(a), a.id))
    if not dated:
        return {"rows": [], "ticks": [], "undated": len(articles), "height": 0,
                "width": CHART_WIDTH}  # fmt: skip
    t0, t1 = published_utc(dated[0]), published_utc(dated[-1])
    span = max((t1 - t0).total_seconds(), 1.0)
    plot = CHART_WIDTH - CHART_LEFT - 20

    def x(a: Article) -> float:
        return round(CHART_LEFT + plot * (published_utc(a) - t0).total_seconds() / span, 1)

    out_rows = []
    for k, (source, arts) in enumerate(rows.items()):
        y = 30 + k * CHART_ROW
        dots = [{"article": a.id, "x": x(a), "first": a is dated[0], "title": a.title,
                 "published": published_utc(a).isoformat()} for a in arts]  # fmt: skip
        out_rows.append({"source": source, "y": y, "dots": dots})
    steps = 4 if t1 > t0 else 0  # one report, or all at one time: one tick
    ticks = [{"x": round(CHART_LEFT + plot * k / max(steps, 1), 1),
              "label": _label(t0 + (t1 - t0) * k / max(steps, 1), span)}
             for k in range(steps + 1)]  # fmt: skip
    first = dated[0]
    return {"rows": out_rows, "ticks": ticks, "height": 40 + len(rows) * CHART_ROW,
            "width": CHART_WIDTH, "undated": len(articles) - len(dated),
            "first": {"article": first.id, "source": first.source,
                      "published": published_utc(first).isoformat()},
            "span_hours": round(span / 3600, 2)}  # fmt: skip


def _label(when: datetime, span: float) -> str:
    return when.strftime("%d %b %H:%M" if span < 3 * 86400 else "%d %b %Y")


def published_utc(a: Article) -> datetime:
    """The publication time of an article that has one (naive: UTC)."""
    value = a.published
    assert value is not None
    return aware(value)


# ------------------------------------------------------------------ fact matrix


def fact_matrix(facts: Sequence[Mapping[str, Any]], articles: Sequence[Article]) -> dict[str, Any]:
    """Fact groups x outlets: the most widely reported :data:`MATRIX_ROWS` facts, each with
    per outlet (most facts first) whether it reports it; ``total`` facts in all."""
    outlets = sorted({a.source for a in articles}, key=natural_key)
    ranked = sorted(facts, key=lambda f: (-len(f.get("sources", ())), f.get("id", 0)))
    shown = ranked[:MATRIX_ROWS] if len(outlets) > 1 else []  # one outlet: nothing to compare
    reports = {o: sum(o in f.get("sources", ()) for f in facts) for o in outlets}
    outlets.sort(key=lambda o: -reports[o])
    rows = [{"id": f.get("id"), "kind": f.get("kind"), "text": f.get("text", ""),
             "sources": len(f.get("sources", ())),
             "cells": [o in f.get("sources", ()) for o in outlets]} for f in shown]  # fmt: skip
    return {"outlets": [{"source": o, "facts": reports[o]} for o in outlets], "rows": rows,
            "total": len(facts)}  # fmt: skip


# ------------------------------------------------------------------ side by side


def pick_articles(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Mapping[str, Any]]],
    chosen: Sequence[str] = (),
) -> list[str]:
    """The articles shown side by side: every one for a story of up to :data:`SIDE_BY_SIDE`;
    else ``chosen`` (2 or 3 ids of the story; ValueError naming a wrong one), or by default
    the two most different versions (fewest shared sentence groups for their size)."""
    ids = [a.id for a in articles]
    if chosen:
        return _checked(chosen, ids)
    if len(ids) <= SIDE_BY_SIDE:
        return ids
    groups = {i: {s["group"] for s in sentences.get(i, ()) if s.get("group")} for i in ids}
    length = {i: len(sentences.get(i, ())) for i in ids}
    best: tuple[Any, ...] | None = None
    for k, a in enumerate(ids):
        for b in ids[k + 1 :]:
            if not length[a] or not length[b]:
                continue
            union = len(groups[a] | groups[b]) or 1
            key = (len(groups[a] & groups[b]) / union, -(length[a] + length[b]), a, b)
            best = key if best is None or key < best else best
    return list(best[2:]) if best else ids[:2]


def _checked(chosen: Sequence[str], ids: Sequence[str]) -> list[str]:
    picks = list(dict.fromkeys(c for c in chosen if c))
    unknown = [c for c in picks if c not in ids]
    if unknown:
        raise ValueError(f"a={unknown[0]!r} is not an article of this story; pick ids it lists")
    if not 1 <= len(picks) <= MAX_PICKS:
        raise ValueError(f"pick 1 to {MAX_PICKS} articles with a=ID (got {len(picks)})")
    return picks


# ------------------------------------------------------------------ one outlet

#: Agencies drawn by name in an outlet's chart; the rest are summed as "other".
CHART_AGENCIES = 5
#: Stories of an outlet read for what it alone reports, and most such facts listed.
ALONE_STORIES, ALONE_FACTS = 60, 20


def wire_over_time(articles: Sequence[Article], attributions: Sequence[Any]) -> dict[str, Any]:
    """An outlet's wire share by agency per period (day, week or month, by the span of its
    reports): ``periods`` [{"period", "articles", "wire_share", "by_agency", "bars"}] with
    the SVG geometry of stacked bars, ``agencies`` (drawn, then "other")."""
    from storyline.reuse.attribution import outlet_dependency

    dated = [a for a in articles if a.published]
    if not dated:
        return {"periods": [], "agencies": [], "unit": None, "undated": len(articles)}
    unit = _unit(min(published_utc(a) for a in dated), max(published_utc(a) for a in dated))
    buckets: dict[str, list[Article]] = {}
    for a in sorted(dated, key=published_utc):
        buckets.setdefault(_period(published_utc(a), unit), []).append(a)
    rows = []
    for period, arts in buckets.items():
        ids = {a.id for a in arts}
        (dep,) = outlet_dependency(arts, [t for t in attributions if t.article in ids])
        rows.append({"period": period, "articles": dep.articles, "wire_share": dep.wire_share,
                     "by_agency": dict(dep.by_agency)})  # fmt: skip
    agencies = _top_agencies(rows)
    _bars(rows, agencies)
    return {"periods": rows, "agencies": agencies, "unit": unit,
            "undated": len(articles) - len(dated)}  # fmt: skip


def _unit(first: datetime, last: datetime) -> str:
    days = (last - first).days
    return "month" if days > 120 else "week" if days > 20 else "day"


def _period(when: datetime, unit: str) -> str:
    if unit == "month":
        return when.strftime("%Y-%m")
    if unit == "week":
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    return when.date().isoformat()


def _top_agencies(rows: list[dict[str, Any]]) -> list[str]:
    weight: dict[str, float] = {}
    for r in rows:
        for agency, share in r["by_agency"].items():
            weight[agency] = weight.get(agency, 0.0) + share * r["articles"]
    top = sorted(weight, key=lambda g: (-weight[g], natural_key(g)))[:CHART_AGENCIES]
    return top + (["other"] if len(weight) > len(top) else [])


def _bars(rows: list[dict[str, Any]], agencies: list[str]) -> None:
    """Stacked bar segments per period: (agency index, y, height) in a 0..100 tall plot."""
    for r in rows:
        shares = {g: r["by_agency"].get(g, 0.0) for g in agencies if g != "other"}
        if "other" in agencies:
            shares["other"] = sum(v for g, v in r["by_agency"].items() if g not in shares)
        y, segments = 100.0, []
        for k, g in enumerate(agencies):
            h = round(100 * min(shares.get(g, 0.0), y / 100), 2)
            if h > 0:
                y -= h
                segments.append({"agency": g, "index": k, "y": round(y, 2), "height": h})
        r["bars"] = segments


def alone_reports(
    stories: Sequence[Any], source: str, analyses: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Facts only ``source`` reports in its stories of several outlets, from the stored
    analyses: [{"story", "title", "outlets", "text"}], at most :data:`ALONE_FACTS`."""
    out: list[dict[str, Any]] = []
    for story in stories:
        analysis = analyses.get(story.id)
        if analysis is None:
            continue
        facts = {f.id: f for f in analysis.facts}
        outlets = len({b.source for b in analysis.blindspots})
        for b in analysis.blindspots:
            if b.source != source or outlets < 2:
                continue
            for i in b.only_here:
                if i in facts and len(out) < ALONE_FACTS:
                    out.append({"story": story.id, "title": story.title, "outlets": outlets,
                                "text": facts[i].text})  # fmt: skip
    return out
