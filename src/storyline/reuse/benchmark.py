"""The reuse benchmark: signatures, near duplicates and passages on a synthetic corpus.

``run_bench(docs)`` returns one flat dict (the ``--json`` object of ``storyline bench dedup``
and ``bench/dedup.py``). Each phase runs in a spawned child process so its peak RSS is its
own (the corpus, generated in the child, is included). datasketch, the tool a user
would otherwise pick, is measured in the same run on a subsample, and so is the numpy +
rensa fallback used when the compiled kernels (``storyline.reuse._signatures``) are absent.
"""

from __future__ import annotations

import os
import re
import resource
import time
from collections.abc import Callable
from typing import Any

from storyline.model import Article
from storyline.reuse.synthetic import DUP_KINDS, NEG_KINDS, Corpus, generate


def _articles(corpus: Corpus, n: int) -> list[Article]:
    return [
        Article(id=f"d{i:07d}", source=corpus.sources[i], raw=t, text=t)
        for i, t in enumerate(corpus.texts[:n])
    ]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(fn: Callable[..., dict[str, Any]], args: tuple[Any, ...], conn: Any) -> None:
    out = fn(*args)
    out["peak_rss_mb"] = round(_rss_mb(), 1)
    conn.send(out)


def _in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``fn(*args)`` in a fresh (spawned) process; return its dict with its peak RSS.

    Spawned, not forked: a fork would inherit thread pools (rensa's) that do not exist in
    the child, and the parent's memory would count in the child's RSS.
    """
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, args, child))
    proc.start()
    result = parent.recv()
    proc.join()
    return result


class Clock:
    """Wall and CPU seconds (all threads of this process) of a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def signature_rate(texts: list[str], workers: int) -> tuple[float, float]:
    """Documents per wall second and per CPU second: tokenise + shingle + MinHash."""
    from storyline.reuse import dedup as dd
    from storyline.reuse.tokens import map_batches

    config = dd.DedupConfig()

    def sign(tokens: Any) -> int:
        return len(dd.signatures(*dd.shingles(tokens, config.shingle), config))

    with Clock() as c:
        done = sum(map_batches(texts, sign, workers, positions=False))
    return done / c.wall, done / c.cpu


def fallback_signature_rate(texts: list[str]) -> tuple[float, float]:
    """``signature_rate`` with one worker on the numpy + rensa path (compiled kernels off)."""
    old = os.environ.get("STORYLINE_NO_NATIVE")
    os.environ["STORYLINE_NO_NATIVE"] = "1"
    try:
        return signature_rate(texts, 1)
    finally:
        if old is None:
            del os.environ["STORYLINE_NO_NATIVE"]
        else:
            os.environ["STORYLINE_NO_NATIVE"] = old


def datasketch_rate(
    texts: list[str], k: int = 4, num_perm: int = 128, batch: bool = True
) -> tuple[float, float] | None:
    """Documents per wall and per CPU second for datasketch MinHash of word k-shingles.

    ``batch``: its fastest API (``update_batch``); otherwise ``update`` per shingle.
    """
    try:
        from datasketch import MinHash
    except ImportError:
        return None
    word = re.compile(r"\w+")
    with Clock() as c:
        for text in texts:
            words = word.findall(text.lower())
            grams = {" ".join(words[i : i + k]).encode() for i in range(max(1, len(words) - k + 1))}
            m = MinHash(num_perm=num_perm)
            if batch:
                m.update_batch(list(grams))
            else:
                for g in grams:
                    m.update(g)
    return len(texts) / c.wall, len(texts) / c.cpu


def _families(corpus: Corpus) -> dict[int, int]:
    return {copy: orig for orig, copy, kind in corpus.pairs if kind in DUP_KINDS}


def _group_maps(index: Any) -> dict[str, dict[int, str]]:
    maps: dict[str, dict[int, str]] = {"exact": {}, "near": {}}
    for g in index.groups():
        for a in g.articles:
            maps[g.kind][int(a[1:])] = g.id
    return maps


def evaluate(corpus: Corpus, index: Any, n: int) -> dict[str, Any]:
    """Recall per duplicate kind, false groups per negative kind, link precision."""
    maps = _group_maps(index)

    def together(i: int, j: int) -> bool:
        return any(m.get(i) is not None and m.get(i) == m.get(j) for m in maps.values())

    found: dict[str, list[bool]] = {}
    for orig, copy, kind in corpus.pairs:
        if copy < n:
            found.setdefault(kind, []).append(together(orig, copy))
    rate = {k: round(sum(v) / len(v), 4) for k, v in found.items()}
    fam = _families(corpus)
    links = index.links_.rows
    good = sum(fam.get(i, i) == fam.get(j, j) for i, j, *_ in links)
    return {
        "recall": {k: v for k, v in rate.items() if k in DUP_KINDS},
        "false_group_rate": {k: v for k, v in rate.items() if k in NEG_KINDS},
        "link_precision": round(good / max(len(links), 1), 4),
    }


def _near_dup_phase(n: int, workers: int, sample: int) -> dict[str, Any]:
    from storyline.reuse.index import ReuseIndex
    from storyline.reuse.tokens import native

    with Clock() as gen:
        corpus = generate(n)
    texts = corpus.texts[:n]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rate, rate_cpu = signature_rate(texts, workers)
    rate1, _ = signature_rate(texts[: min(n, 50000)], 1)
    _, fallback_cpu = fallback_signature_rate(texts[: min(n, 20000)])
    ds, ds_cpu = datasketch_rate(texts[:sample]) or (None, None)
    _, ds_update_cpu = datasketch_rate(texts[: sample // 5], batch=False) or (None, None)
    articles = _articles(corpus, n)
    with Clock() as e2e:
        index = ReuseIndex(find_passages=False, workers=workers)
        index.add(articles)
        groups = index.groups()
    return {
        "docs": n,
        "mb": round(mb, 1),
        "workers": workers,
        "signature_docs_per_s": round(rate),
        "signature_mb_per_s": round(rate * mb / n, 1),
        "signature_docs_per_cpu_s": round(rate_cpu),
        "signature_docs_per_s_1_worker": round(rate1),
        "signature_kernel": "compiled" if native() is not None else "numpy+rensa",
        "fallback_docs_per_cpu_s": round(fallback_cpu),
        "fallback_sample": min(n, 20000),
        "datasketch_docs_per_s": round(ds) if ds else None,
        "datasketch_sample": sample,
        "datasketch_docs_per_cpu_s": round(ds_cpu) if ds_cpu else None,
        "ratio": round(rate / ds, 1) if ds else None,
        "ratio_1_worker": round(rate1 / ds, 1) if ds else None,
        "ratio_cpu": round(rate_cpu / ds_cpu, 1) if ds_cpu else None,
        "datasketch_update_docs_per_cpu_s": round(ds_update_cpu) if ds_update_cpu else None,
        "ratio_cpu_vs_update": round(rate_cpu / ds_update_cpu, 1) if ds_update_cpu else None,
        "end_to_end_s": round(e2e.wall, 2),
        "end_to_end_cpu_s": round(e2e.cpu, 2),
        "groups": len(groups),
        "generate_s": round(gen.wall, 1),
        **evaluate(corpus, index, n),
    }


def _passage_phase(n: int, workers: int) -> dict[str, Any]:
    from storyline.reuse.index import ReuseIndex

    corpus = generate(n, seed=1)
    articles = _articles(corpus, n)
    with Clock() as c:
        index = ReuseIndex(find_duplicates=False, workers=workers)
        index.add(articles)
    lead = [(o, c) for o, c, k in corpus.pairs if k == "lead" and c < n]
    pairs = {(int(r[0]), int(r[3])) for r in index.passages_.tolist()}
    found = sum((o, c) in pairs for o, c in lead) / max(len(lead), 1)
    return {
        "passage_docs": n,
        "passages_s": round(c.wall, 2),
        "passages_cpu_s": round(c.cpu, 2),
        "passages": len(index.passages_),
        "lead_passage_recall": round(found, 4),
    }


def run_bench(
    docs: int = 200_000, *, passage_docs: int = 100_000, sample: int = 5000, workers: int = 2
) -> dict[str, Any]:
    """Measure everything on synthetic corpora; returns one flat dict.

    Passages run first on their own ``passage_docs`` corpus, generated inside the child, so
    its peak RSS is that corpus plus the index; then near duplicates on ``docs`` documents.
    """
    workers = max(1, min(workers, os.cpu_count() or 1))
    pas = _in_child(_passage_phase, min(passage_docs, docs), workers)
    pas["passages_peak_rss_mb"] = pas.pop("peak_rss_mb")
    near = _in_child(_near_dup_phase, docs, workers, min(sample, docs))
    near["near_dup_peak_rss_mb"] = near.pop("peak_rss_mb")
    peak = max(near["near_dup_peak_rss_mb"], pas["passages_peak_rss_mb"])
    return {
        **near,
        **pas,
        "peak_rss_mb": peak,
        "load_average": round(os.getloadavg()[0], 1),
    }


def format_table(r: dict[str, Any]) -> str:
    """The benchmark result as a plain-text table."""
    rows = [
        ("documents", f"{r['docs']:,} ({r['mb']} MB UTF-8)"),
        (
            "signatures",
            f"{r['signature_docs_per_s']:,} docs/s, {r['signature_mb_per_s']} MB/s "
            f"({r['workers']} workers, {r['signature_kernel']} kernels)",
        ),
        ("signatures, 1 worker", f"{r['signature_docs_per_s_1_worker']:,} docs/s"),
        ("signatures per CPU s", f"{r['signature_docs_per_cpu_s']:,} docs"),
        (
            "numpy+rensa fallback",
            f"{r['fallback_docs_per_cpu_s']:,} docs per CPU s, 1 worker "
            f"(sample of {r['fallback_sample']:,} docs)",
        ),
        (
            "datasketch",
            f"{r['datasketch_docs_per_s']} docs/s, {r['datasketch_docs_per_cpu_s']} "
            f"per CPU s (sample of {r['datasketch_sample']:,} docs)",
        ),
        (
            "ratio",
            f"{r['ratio']}x wall ({r['ratio_1_worker']}x with 1 worker), "
            f"{r['ratio_cpu']}x per CPU second",
        ),
        (
            "datasketch update()",
            f"{r['datasketch_update_docs_per_cpu_s']} docs per CPU s "
            f"(per-shingle update; ratio {r['ratio_cpu_vs_update']}x per CPU s)",
        ),
        (
            "near-dup end to end",
            f"{r['end_to_end_s']} s wall, {r['end_to_end_cpu_s']} s CPU, "
            f"peak RSS {r['near_dup_peak_rss_mb']} MB",
        ),
        ("recall", ", ".join(f"{k} {v}" for k, v in r["recall"].items())),
        ("false groups", ", ".join(f"{k} {v}" for k, v in r["false_group_rate"].items())),
        ("link precision", str(r["link_precision"])),
        (
            "passages",
            f"{r['passage_docs']:,} docs in {r['passages_s']} s wall, "
            f"{r['passages_cpu_s']} s CPU, peak RSS {r['passages_peak_rss_mb']} MB, "
            f"{r['passages']:,} passages",
        ),
        ("lead passages found", str(r["lead_passage_recall"])),
        ("load average", f"{r['load_average']} (other processes on this machine)"),
    ]
    return "\n".join(f"{k:<22} {v}" for k, v in rows)
