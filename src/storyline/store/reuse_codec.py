"""JSON form of the reuse records (groups, passages, attributions, outlet dependency) and the
checks every backend runs before :meth:`Store.put_reuse` writes anything."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from storyline.errors import StoreError
from storyline.model import (
    AgencyCredit,
    Attribution,
    CopiedPassage,
    DupGroup,
    OutletDependency,
    SharedPassage,
)

#: Name of the row holding the serialised ReuseIndex in the store.
INDEX_STATE = "reuse.index"


class ReuseChanges(Protocol):
    """What :meth:`Store.put_reuse` takes: a ``storyline.reuse.ReuseUpdate`` fits."""

    @property
    def groups(self) -> tuple[DupGroup, ...]: ...

    @property
    def replaced(self) -> tuple[str, ...]: ...

    @property
    def passages(self) -> tuple[SharedPassage, ...]: ...

    @property
    def attributions(self) -> tuple[Attribution, ...]: ...


@dataclass(frozen=True, slots=True)
class StagedReuse:
    """A checked update: records plus the encoded attribution JSON, ready to write."""

    groups: tuple[DupGroup, ...]
    replaced: tuple[str, ...]
    passages: tuple[SharedPassage, ...]
    attributions: tuple[tuple[Attribution, str], ...]

    def article_ids(self) -> set[str]:
        ids = {a for g in self.groups for a in g.articles}
        ids |= {p.a for p in self.passages} | {p.b for p in self.passages}
        return ids | {att.article for att, _ in self.attributions}


def passage_key(p: SharedPassage) -> tuple[str, int, int, str, int, int]:
    return (p.a, p.a_start, p.a_end, p.b, p.b_start, p.b_end)


def passage_to_dict(p: SharedPassage) -> dict[str, Any]:
    return {name: getattr(p, name) for name in SharedPassage.__slots__}


def passage_from_dict(data: Mapping[str, Any]) -> SharedPassage:
    return SharedPassage(**{name: data[name] for name in SharedPassage.__slots__})


def group_to_dict(g: DupGroup) -> dict[str, Any]:
    return {"id": g.id, "kind": g.kind, "articles": list(g.articles),
            "similarity": g.similarity, "method": g.method}  # fmt: skip


def group_from_dict(data: Mapping[str, Any]) -> DupGroup:
    return DupGroup(data["id"], data["kind"], tuple(data["articles"]), data["similarity"],
                    data["method"])  # fmt: skip


def copied_to_dict(c: CopiedPassage) -> dict[str, Any]:
    return {"start": c.start, "end": c.end, "articles": list(c.articles),
            "earliest": c.earliest, "confirmed": list(c.confirmed),
            "candidates": [{"agency": k.agency, "source": k.source, "article": k.article}
                           for k in c.candidates]}  # fmt: skip


def copied_from_dict(c: Mapping[str, Any]) -> CopiedPassage:
    """A copied stretch from its dict; a reuse.attribution.v1 one (``agencies`` without who
    credits them) keeps its agencies as candidates of an unknown carrier ("?") and no date."""
    if "candidates" not in c:
        old = tuple(AgencyCredit(ag, "?", "?") for ag in c.get("agencies", ()))
        return CopiedPassage(c["start"], c["end"], tuple(c["articles"]), None, old)
    found = tuple(AgencyCredit(k["agency"], k["article"], k["source"]) for k in c["candidates"])
    return CopiedPassage(c["start"], c["end"], tuple(c["articles"]), c["earliest"], found,
                         tuple(c["confirmed"]))  # fmt: skip


def attribution_to_dict(att: Attribution) -> dict[str, Any]:
    out = {name: getattr(att, name) for name in Attribution.__slots__}
    out["passages"] = [copied_to_dict(c) for c in att.passages]
    out["confirmed_agencies"] = list(att.confirmed_agencies)
    return out


def attribution_from_dict(data: Mapping[str, Any]) -> Attribution:
    copied = tuple(copied_from_dict(c) for c in data["passages"])
    fields = {name: data[name] for name in Attribution.__slots__}
    fields["confirmed_agencies"] = tuple(fields["confirmed_agencies"])
    return Attribution(**(fields | {"passages": copied}))


def dependency_to_dict(d: OutletDependency) -> dict[str, Any]:
    return {"source": d.source, "articles": d.articles, "wire_share": d.wire_share,
            "by_agency": dict(d.by_agency), "method": d.method}  # fmt: skip


def stage_reuse(update: ReuseChanges) -> StagedReuse:
    """Check and encode an update; StoreError naming the record that cannot be stored."""
    from storyline.store.codec import dumps

    groups, passages = tuple(update.groups), tuple(update.passages)
    for g in groups:
        _check(isinstance(g, DupGroup) and all(isinstance(a, str) for a in g.articles), g)
    for p in passages:
        _check(isinstance(p, SharedPassage) and _finite(p.similarity), p)
    atts = []
    for att in update.attributions:
        _check(isinstance(att, Attribution), att)
        try:
            atts.append((att, dumps(attribution_to_dict(att))))
        except (TypeError, ValueError) as e:
            raise StoreError(f"attribution of {att.article!r} cannot be stored: {e}") from e
    return StagedReuse(groups, tuple(update.replaced), passages, tuple(atts))


def missing_reuse_article(article_id: str) -> StoreError:
    return StoreError(
        f"reuse results name article {article_id!r}, which is not stored; add it first"
    )


def dependency(
    rows: Iterable[tuple[str, str, int]], attributions: Iterable[Attribution]
) -> list[OutletDependency]:
    """Outlet dependency from (id, source, text length) rows and stored attributions."""
    from storyline.model import Article
    from storyline.reuse.attribution import outlet_dependency

    slim, lengths = [], {}
    for article_id, source, length in rows:
        slim.append(Article(article_id, source, ""))
        lengths[article_id] = length
    return outlet_dependency(slim, attributions, lengths)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _check(ok: bool, record: object) -> None:
    if not ok:
        raise StoreError(f"cannot store {record!r:.120}: not a valid reuse record")
