"""ReuseIndex: the incremental index of duplicates and shared passages.

``add(articles)`` tokenises only the new articles, compares them with everything stored and
returns only what changed (:class:`ReuseUpdate`). ``to_bytes``/``from_bytes`` persist it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from storyline.model import (
    Article,
    Attribution,
    DupGroup,
    DupLink,
    OutletDependency,
    SharedPassage,
)
from storyline.reuse import dedup as dd
from storyline.reuse import passages as ps
from storyline.reuse.attribution import attribute, outlet_dependency
from storyline.reuse.tokens import Tokens, concat, doc_hashes, map_batches, tokenise

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, slots=True)
class ReuseUpdate:
    """What one ``add`` changed: new links and passages, the current version of every group
    that gained members (``replaced``: ids of groups they absorbed), and new attributions of
    every article whose passages changed."""

    links: tuple[DupLink, ...] = ()
    groups: tuple[DupGroup, ...] = ()
    replaced: tuple[str, ...] = ()
    passages: tuple[SharedPassage, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    added: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Batch:
    positions: Tokens  # word offsets only (no hashes)
    doc_hash: np.ndarray
    shingles: tuple[np.ndarray, np.ndarray]
    seeds: ps.Seeds | None
    sig: np.ndarray | None


@dataclass(slots=True)
class _Links:
    """Verified links by text index, and a union-find over texts."""

    rows: list[tuple[int, int, int, float, float]] = field(default_factory=list)
    parent: dict[int, int] = field(default_factory=dict)

    def find(self, i: int) -> int:
        root = i
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while i != root:
            self.parent[i], i = root, self.parent.get(i, i)
        return root

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


class ReuseIndex:
    """Incremental near-duplicate and shared-passage index over articles."""

    def __init__(
        self,
        *,
        dedup: dd.DedupConfig | None = None,
        passage: ps.PassageConfig | None = None,
        find_duplicates: bool = True,
        find_passages: bool = True,
        workers: int = 1,
    ) -> None:
        import numpy as np

        self.dedup = dedup or dd.DedupConfig()
        self.passage = passage or ps.PassageConfig()
        self.find_duplicates = find_duplicates
        self.find_passages = find_passages
        self.workers = workers
        self.articles_: list[Article] = []  # without text: the index keeps offsets only
        self.lengths_: dict[str, int] = {}
        self.index_: dict[str, int] = {}
        self.tokens_ = tokenise([])
        self.doc_hash_ = np.zeros(0, np.uint64)
        self.rep_ = np.zeros(0, np.int64)  # representative of each exact class, -1: no words
        self.sig_ = np.zeros((0, self.dedup.num_perm), np.uint32)
        self.shingles_: list[tuple[int, np.ndarray, np.ndarray]] = []  # see dd.ShingleSets
        self.nshingles_ = np.zeros(0, np.int32)
        self.bands_ = np.zeros(0, np.uint64)  # packed band keys, see dedup.pack_bands
        self.seeds_ = ps.Seeds.empty()
        self.links_ = _Links()
        self.passages_ = np.zeros((0, 6), np.int64)
        self.passage_sim_ = np.zeros(0, np.float64)

    def __len__(self) -> int:
        return len(self.articles_)

    def add(self, articles: Iterable[Article]) -> ReuseUpdate:
        """Index new articles (ids already indexed are skipped) and return what changed."""
        new = self._fresh(articles)
        if not new:
            return ReuseUpdate()
        first = len(self.articles_)
        before = {g.id for g in self.groups()} if self.links_.rows else set()
        parts = self._store(new)
        links = self._exact(first) + self._near(first) if self.find_duplicates else []
        rows, sims = self._passages(parts, first) if self.find_passages else self._no_passages()
        current = self.groups() if links else []
        update = self._update(new, links, rows, sims, current)
        after = {g.id for g in current} if links else before
        return replace(update, replaced=tuple(sorted(before - after)))

    def _fresh(self, articles: Iterable[Article]) -> list[Article]:
        out, seen = [], set(self.index_)
        for a in articles:
            if a.id not in seen:
                seen.add(a.id)
                out.append(a)
        return out

    def _store(self, new: Sequence[Article]) -> list[_Batch]:
        """Tokenise, shingle and sign the new articles; append them to the index."""
        import numpy as np

        first = len(self.articles_)
        for i, a in enumerate(new):
            self.index_[a.id] = first + i
            self.lengths_[a.id] = len(a.text)
        self.articles_.extend(_slim(a) for a in new)
        texts = [a.text for a in new]
        parts = map_batches(texts, self._prepare, self.workers, positions=self.find_passages)
        tokens = concat([p.positions for p in parts])
        self.tokens_ = concat([self.tokens_, tokens]) if first else tokens
        self.doc_hash_ = np.concatenate([self.doc_hash_] + [p.doc_hash for p in parts])
        for p, start in zip(
            parts, np.cumsum([first] + [len(p.positions) for p in parts]), strict=False
        ):
            self.shingles_.append((int(start), *p.shingles))
        counts = [np.diff(p.shingles[1]).astype(np.int32) for p in parts]
        self.nshingles_ = np.concatenate([self.nshingles_, *counts])
        if self.find_duplicates:
            self.sig_ = np.concatenate([self.sig_] + [p.sig for p in parts])
        return parts

    def _prepare(self, tokens: Tokens) -> _Batch:
        """Everything computed per batch of texts (runs in worker threads)."""
        import numpy as np

        seeds = ps.seeds(tokens, self.passage.seed) if self.find_passages else None
        positions = Tokens(np.zeros(0, np.uint64), tokens.starts, tokens.ends, tokens.offsets)
        if self.find_duplicates:
            shingles = dd.shingles(tokens, self.dedup.shingle)
            sig = dd.signatures(*shingles, self.dedup)
        else:
            shingles, sig = (np.zeros(0, np.uint64), np.zeros(len(tokens) + 1, np.int64)), None
        return _Batch(positions, doc_hashes(tokens), shingles, seeds, sig)

    def _no_passages(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        return np.zeros((0, 6), np.int64), np.zeros(0, np.float64)

    def _exact(self, first: int) -> list[tuple[int, int, int, float, float]]:
        """Link every new text to the first stored text with the same word sequence."""
        import numpy as np

        counts = self.tokens_.counts()
        reps = dict(
            zip(
                self.doc_hash_[:first][self.rep_ == np.arange(first)].tolist(),
                np.flatnonzero(self.rep_ == np.arange(first)).tolist(),
                strict=True,
            )
        )
        new_rep, links = [], []
        for i in range(first, len(self.articles_)):
            h = int(self.doc_hash_[i])
            r = -1 if counts[i] == 0 else reps.setdefault(h, i)
            new_rep.append(r)
            if r not in (-1, i):
                links.append((r, i, 0, 1.0, 1.0))
                self.links_.union(r, i)
        self.rep_ = np.concatenate((self.rep_, np.array(new_rep, dtype=np.int64)))
        self.links_.rows.extend(links)
        return links

    def _near(self, first: int) -> list[tuple[int, int, int, float, float]]:
        """LSH candidates of new representatives against all, verified on shingle sets."""
        import numpy as np

        new = np.arange(first, len(self.articles_))
        new = new[self.rep_[new] == new]
        nshingles = self.nshingles_
        new = new[nshingles[new] > 0]
        keys = dd.band_keys(self.sig_[new], self.dedup.bands)
        packed = dd.pack_bands(keys, np.repeat(new, self.dedup.bands))
        self.bands_ = np.sort(np.concatenate((self.bands_, packed))) if first else packed
        return self._verify(dd.bucket_pairs(self.bands_, self.dedup.max_bucket, first))

    def _verify(self, pairs: np.ndarray) -> list[tuple[int, int, int, float, float]]:
        import numpy as np

        est = dd.estimate(self.sig_, pairs)
        keep = est >= self.dedup.prefilter
        pairs, est = pairs[keep], est[keep]
        sets = dd.ShingleSets(self.shingles_)
        out = []
        for k in np.argsort(-est, kind="stable"):
            i, j = int(pairs[k, 0]), int(pairs[k, 1])
            if self.links_.find(i) == self.links_.find(j):
                continue
            jac, con, small = sets.measure(i, j)
            c = self.dedup
            if jac >= c.threshold or (con >= c.containment and small >= c.min_shingles):
                out.append((i, j, 1, jac, con))
                self.links_.union(i, j)
        self.links_.rows.extend(out)
        return out

    def _passages(self, parts: list[_Batch], first: int) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        cfg = self.passage
        base = len(self.seeds_.hashes)
        docs = [len(p.positions) for p in parts]
        new = ps.concat_seeds([p.seeds for p in parts if p.seeds], first, base, docs)
        self.seeds_ = ps.merge_seeds(self.seeds_, new) if base else new
        pairs = ps.hits(self.seeds_, base, cfg.max_df)
        rows, sims = ps.passages(pairs, self.seeds_, cfg)
        self.passages_ = np.concatenate((self.passages_, rows))
        self.passage_sim_ = np.concatenate((self.passage_sim_, sims))
        return rows, sims

    def _update(
        self,
        new: Sequence[Article],
        links: list[tuple[int, int, int, float, float]],
        rows: np.ndarray,
        sims: np.ndarray,
        current: list[DupGroup],
    ) -> ReuseUpdate:
        passages = self._as_passages(rows, sims)
        every = passages if len(rows) == len(self.passages_) else self.passages()
        touched = {self.links_.find(i) for link in links for i in link[:2]}
        groups = tuple(
            g for g in current if self.links_.find(self.index_[g.articles[0]]) in touched
        )
        affected = {p.a for p in passages} | {p.b for p in passages}
        attrs = attribute(self.articles_, every, only=affected, lengths=self.lengths_)
        return ReuseUpdate(
            links=tuple(self._as_link(r) for r in links),
            groups=groups,
            passages=passages,
            attributions=tuple(attrs),
            added=tuple(a.id for a in new),
        )

    def _as_link(self, row: tuple[int, int, int, float, float]) -> DupLink:
        i, j, near, jac, con = row
        kind = "near" if near else "exact"
        a, b = self.articles_[i].id, self.articles_[j].id
        return DupLink(a, b, kind, round(jac, 4), round(con, 4), dd.METHOD)

    def _as_passages(self, rows: np.ndarray, sims: np.ndarray) -> tuple[SharedPassage, ...]:
        t = self.tokens_
        out = []
        for (a, a0, a1, b, b0, b1), sim in zip(rows.tolist(), sims.tolist(), strict=True):
            oa, ob = int(t.offsets[a]), int(t.offsets[b])
            out.append(
                SharedPassage(
                    self.articles_[a].id,
                    int(t.starts[oa + a0]),
                    int(t.ends[oa + a1 - 1]),
                    self.articles_[b].id,
                    int(t.starts[ob + b0]),
                    int(t.ends[ob + b1 - 1]),
                    a1 - a0,
                    round(sim, 4),
                    ps.METHOD,
                )
            )
        return tuple(out)

    def links(self) -> list[DupLink]:
        """Every verified duplicate link."""
        return [self._as_link(r) for r in self.links_.rows]

    def passages(self) -> tuple[SharedPassage, ...]:
        """Every shared passage found so far."""
        return self._as_passages(self.passages_, self.passage_sim_)

    def groups(self) -> list[DupGroup]:
        """Exact groups (same normalised text) and near groups (connected verified links)."""
        return _groups(self.articles_, self.links_)

    def attributions(self) -> list[Attribution]:
        """The attribution of every indexed article."""
        return attribute(self.articles_, self.passages(), lengths=self.lengths_)

    def dependency(self) -> list[OutletDependency]:
        """Agency dependency of every source in the index."""
        return outlet_dependency(self.articles_, self.attributions(), self.lengths_)

    def to_bytes(self) -> bytes:
        """The whole index as bytes (numpy arrays plus JSON metadata)."""
        from storyline.reuse.persist import dump

        return dump(self)

    @classmethod
    def from_bytes(cls, blob: bytes) -> ReuseIndex:
        """An index saved with :meth:`to_bytes`."""
        from storyline.reuse.persist import load

        return load(blob)


def _slim(a: Article) -> Article:
    """What the index keeps of an article: identity, source, dates, credits."""
    return Article(
        a.id, a.source, "", published=a.published, ingested=a.ingested, credits=a.credits
    )


def _groups(articles: Sequence[Article], links: _Links) -> list[DupGroup]:
    exact, near_roots, weakest = _Links(), set[int](), dict[int, float]()
    for i, j, near, jac, _ in links.rows:
        root = links.find(i)
        weakest[root] = min(weakest.get(root, 1.0), jac)
        if near:
            near_roots.add(root)
        else:
            exact.union(i, j)
    members: dict[tuple[str, int], set[int]] = {}
    for i, j, near, _, _ in links.rows:
        for x in (i, j):
            members.setdefault(("near", links.find(x)), set()).add(x)
            if not near:
                members.setdefault(("exact", exact.find(x)), set()).add(x)
    out = []
    for (kind, root), idx in members.items():
        if kind == "near" and root not in near_roots:
            continue
        ids = tuple(sorted(articles[x].id for x in idx))
        sim = weakest[root] if kind == "near" else 1.0
        gid = kind + "-" + hashlib.sha1("\n".join(ids).encode()).hexdigest()[:16]
        out.append(DupGroup(gid, kind, ids, round(sim, 4), dd.METHOD))
    return sorted(out, key=lambda g: g.id)
