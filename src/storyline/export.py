"""The stable JSON form of stories, shared by the CLI's ``--json`` and the REST API.

Documented in docs/cli.md. Fields may be added; the documented ones stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from storyline.model import UNIQUE, Alignment, Article, Event, Failure, Story
from storyline.pipeline import ArticleReport, StoryReport
from storyline.store.base import Store
from storyline.store.codec import credits_to_dict, residue_to_dict


def article_dict(article: Article, *, full: bool = False) -> dict[str, Any]:
    """An article as JSON; ``full`` adds raw text and removed residue."""
    out: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "kicker": article.kicker,
        "teaser": article.teaser,
        "author": article.author,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "text": article.text,
        "captions": list(article.captions),
        "credits": credits_to_dict(article.credits),
    }
    if full:
        out["raw"] = article.raw
        out["removed"] = [residue_to_dict(r) for r in article.removed]
        out["path"] = article.path
        out["format"] = article.format
    return out


def alignment_dict(alignment: Alignment) -> dict[str, Any]:
    members = [
        {"article": m.article, "sentence": m.text, "index": m.sentence} for m in alignment.members
    ]
    return {"kind": alignment.kind, "members": members, "score": round(alignment.score, 4)}


def story_summary(story: Story, articles: Iterable[Article]) -> dict[str, Any]:
    """The short form of a story, as listed by ``storyline stories``."""
    arts = list(articles)
    dates = sorted(a.published.isoformat() for a in arts if a.published)
    return {
        "id": story.id,
        "title": story.title,
        "size": len(story.articles),
        "sources": sorted({a.source for a in arts}),
        "languages": sorted({a.language for a in arts if a.language}),
        "agencies": sorted({ag for a in arts for ag in a.credits.agencies}),
        "first_published": dates[0] if dates else None,
        "last_published": dates[-1] if dates else None,
        "articles": [a.id for a in arts],
    }


def level_summaries(
    store: Store, level: str = "story", stories: Sequence[Story] | None = None
) -> list[dict[str, Any]]:
    """``storyline stories [--level event]``: the ``stories`` (default: every stored one,
    newest first), or the events of each (largest first), each with its ``story``."""
    stories = store.stories() if stories is None else stories
    if level != "event":
        return [story_summary(s, store.articles(s.articles)) for s in stories]
    by_story: dict[str, list[Event]] = {}
    for event in store.events():
        by_story.setdefault(event.story, []).append(event)
    out = []
    for story in stories:
        for event in sorted(by_story.get(story.id, ()), key=lambda e: (-len(e.articles), e.id)):
            row = story_summary(event, store.articles(event.articles))  # type: ignore[arg-type]
            out.append({"id": row.pop("id"), "story": story.id, **row})
    return out


def story_dict(report: StoryReport) -> dict[str, Any]:
    """The full JSON form of one compared story."""
    groups = report.comparison.alignments
    out = story_summary(report.story, report.articles)
    out["articles"] = [article_dict(a) for a in report.articles]
    out["alignments"] = [alignment_dict(g) for g in groups if g.kind != UNIQUE]
    out["unique"] = {a.id: [] for a in report.articles}
    for g in groups:
        if g.kind == UNIQUE:
            out["unique"].setdefault(g.members[0].article, []).append(g.members[0].text)
    out["shares"] = {s.article: _share_dict(s) for s in report.comparison.shares}
    out["method"] = {"story": report.story.method, "comparison": report.comparison.method}
    if report.analysis is not None:
        from storyline.compare.analysis import analysis_to_dict

        out["analysis"] = analysis_to_dict(report.analysis)
    for key, value in report.extras.items():
        out[key] = reuse_json(stories_json(value))
    return out


def _share_dict(share: Any) -> dict[str, Any]:
    kinds = ("verbatim", "near_verbatim", "paraphrase", "unique")
    return {"sentences": share.sentences, **{k: round(getattr(share, k), 4) for k in kinds}}


def failure_dict(failure: Failure) -> dict[str, str]:
    return {"input": failure.input, "reason": failure.reason}


def stories_dict(
    reports: Iterable[StoryReport], failures: Iterable[Failure] = ()
) -> dict[str, Any]:
    """The top-level JSON object of ``compare`` and ``show``."""
    return {
        "stories": [story_dict(r) for r in reports],
        "failures": [failure_dict(f) for f in failures],
    }


def clean_dict(article: Article) -> dict[str, Any]:
    """One line of ``storyline clean --jsonl``."""
    return {
        "path": article.path,
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "kicker": article.kicker,
        "teaser": article.teaser,
        "text": article.text,
        "language": article.language,
        "captions": list(article.captions),
        "credits": credits_to_dict(article.credits),
        "removed": [residue_to_dict(r) for r in article.removed],
    }


# --- reuse: passages, attribution, duplicate groups, outlets ---


def reuse_json(value: Any) -> Any:
    """JSON of reuse records (and lists/dicts of them); anything else is returned as is."""
    from storyline.model import Attribution, DupGroup, OutletDependency, SharedPassage
    from storyline.store import reuse_codec as rc

    converters: dict[type, Any] = {
        SharedPassage: rc.passage_to_dict,
        Attribution: rc.attribution_to_dict,
        DupGroup: rc.group_to_dict,
        OutletDependency: rc.dependency_to_dict,
    }
    convert = converters.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, list | tuple):
        return [reuse_json(v) for v in value]
    if isinstance(value, dict):
        return {k: reuse_json(v) for k, v in value.items()}
    return value


def article_report_dict(report: ArticleReport) -> dict[str, Any]:
    """The JSON of ``storyline article``: the article (with removed residue), its passages
    with the text and source on both sides, its duplicate group and its attribution."""
    partners = {a.id: a for a in report.partners} | {report.article.id: report.article}
    return {
        "article": article_dict(report.article, full=True),
        "passages": [_passage_view(p, report.article.id, partners) for p in report.passages],
        "dup_group": reuse_json(report.group),
        "attribution": reuse_json(report.attribution),
    }


def _passage_view(p: Any, own: str, articles: dict[str, Article]) -> dict[str, Any]:
    mine = p.a == own
    start, end = (p.a_start, p.a_end) if mine else (p.b_start, p.b_end)
    other = p.b if mine else p.a
    o_start, o_end = (p.b_start, p.b_end) if mine else (p.a_start, p.a_end)
    partner = articles.get(other)
    return {
        "start": start,
        "end": end,
        "text": articles[own].text[start:end],
        "other": other,
        "other_source": partner.source if partner else None,
        "other_start": o_start,
        "other_end": o_end,
        "words": p.words,
        "similarity": p.similarity,
    }


def outlets_dict(dependencies: Iterable[Any]) -> dict[str, Any]:
    """The JSON of ``storyline outlets``."""
    return {"outlets": [reuse_json(d) for d in dependencies]}


# --- stories: explained membership ---


def membership_dict(m: Any) -> dict[str, Any]:
    """JSON of one Membership (why an article is in its story)."""
    return {
        "article": m.article, "story": m.story, "reason": m.reason, "score": m.score,
        "matches": [{"article": a, "score": s} for a, s in m.matches],
        "shared_entities": list(m.shared_entities), "shared_passages": list(m.shared_passages),
        "parts": dict(m.parts), "gap_hours": m.gap_hours, "pinned": m.pinned,
        "notes": list(m.notes), "method": m.method,
    }  # fmt: skip


def stories_json(value: Any) -> Any:
    """JSON of Membership records (and lists of them); anything else is returned as is."""
    from storyline.model import Membership

    if isinstance(value, Membership):
        return membership_dict(value)
    if isinstance(value, list | tuple) and value and isinstance(value[0], Membership):
        return [membership_dict(v) for v in value]
    return value
