"""Saving and loading a ReuseIndex: one ``.npz`` byte string (arrays + JSON metadata).

The format is versioned (``FORMAT``); loading another version raises a clear error.
"""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storyline.errors import StorylineError
from storyline.model import Article, Credits
from storyline.reuse import dedup as dd
from storyline.reuse import passages as ps
from storyline.reuse.tokens import Tokens

if TYPE_CHECKING:
    from storyline.reuse.index import ReuseIndex

FORMAT = "reuse.index.v1"


def _meta(index: ReuseIndex) -> dict[str, Any]:
    def when(t: datetime | None) -> str | None:
        return t.isoformat() if t else None

    return {
        "format": FORMAT,
        "dedup": dataclasses.asdict(index.dedup),
        "passage": dataclasses.asdict(index.passage),
        "find": [index.find_duplicates, index.find_passages],
        "workers": index.workers,
        "articles": [
            [
                a.id,
                a.source,
                when(a.published),
                when(a.ingested),
                list(a.credits.agencies),
                index.lengths_[a.id],
            ]
            for a in index.articles_
        ],
    }


def dump(index: ReuseIndex) -> bytes:
    """Bytes of the whole index."""
    import numpy as np

    links = index.links_.rows
    arrays = {
        "meta": np.frombuffer(json.dumps(_meta(index)).encode(), dtype=np.uint8),
        "starts": index.tokens_.starts,
        "ends": index.tokens_.ends,
        "offsets": index.tokens_.offsets,
        "doc_hash": index.doc_hash_,
        "rep": index.rep_,
        "sig": index.sig_,
        "sh": np.concatenate([np.zeros(0, np.uint64)] + [p[1] for p in index.shingles_]),
        "nsh": index.nshingles_,
        "bands": index.bands_,
        "seed_keys": index.seeds_.keys,
        "seed_hashes": index.seeds_.hashes,
        "seed_docs": index.seeds_.docs,
        "seed_pos": index.seeds_.pos,
        "link_ids": np.array([r[:3] for r in links], dtype=np.int64).reshape(-1, 3),
        "link_sims": np.array([r[3:] for r in links], dtype=np.float64).reshape(-1, 2),
        "passages": index.passages_,
        "passage_sim": index.passage_sim_,
    }
    out = io.BytesIO()
    np.savez(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def _article(row: list[Any]) -> Article:
    ident, source, published, ingested, agencies, _ = row
    return Article(
        id=ident,
        source=source,
        raw="",
        published=datetime.fromisoformat(published) if published else None,
        ingested=datetime.fromisoformat(ingested) if ingested else None,
        credits=Credits(agencies=tuple(agencies)),
    )


def load(blob: bytes) -> ReuseIndex:
    """The index saved in ``blob`` by :func:`dump`."""
    import numpy as np

    from storyline.reuse.index import ReuseIndex

    try:
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        meta = json.loads(z["meta"].tobytes())
    except (ValueError, OSError, KeyError) as err:
        raise StorylineError(
            f"reuse index: not a saved index ({err}); rebuild it with add()"
        ) from err
    if meta.get("format") != FORMAT:
        raise StorylineError(
            f"reuse index: format {meta.get('format')!r}, expected {FORMAT}; rebuild it"
        )
    index = ReuseIndex(
        dedup=dd.DedupConfig(**meta["dedup"]),
        passage=ps.PassageConfig(**meta["passage"]),
        find_duplicates=meta["find"][0],
        find_passages=meta["find"][1],
        workers=meta["workers"],
    )
    _restore(index, z, meta)
    return index


def _restore(index: ReuseIndex, z: Any, meta: dict[str, Any]) -> None:
    import numpy as np

    index.articles_ = [_article(r) for r in meta["articles"]]
    index.index_ = {a.id: i for i, a in enumerate(index.articles_)}
    index.lengths_ = {r[0]: r[5] for r in meta["articles"]}
    index.tokens_ = Tokens(np.zeros(0, np.uint64), z["starts"], z["ends"], z["offsets"])
    index.doc_hash_, index.rep_, index.sig_ = z["doc_hash"], z["rep"], z["sig"]
    index.nshingles_ = z["nsh"]
    offsets = np.concatenate(([0], np.cumsum(index.nshingles_, dtype=np.int64)))
    index.shingles_ = [(0, z["sh"], offsets)]
    index.bands_ = z["bands"]
    index.seeds_ = ps.Seeds(z["seed_keys"], z["seed_hashes"], z["seed_docs"], z["seed_pos"])
    index.passages_, index.passage_sim_ = z["passages"], z["passage_sim"]
    for (i, j, near), (jac, con) in zip(
        z["link_ids"].tolist(), z["link_sims"].tolist(), strict=True
    ):
        index.links_.rows.append((i, j, near, jac, con))
        index.links_.union(i, j)
