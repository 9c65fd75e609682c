"""Engines: the same store whichever engine runs the per-record work."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.errors import MissingDependency, StorylineError
from storyline.pipeline import ingest
from storyline.scale import LocalEngine, batches, open_engine
from storyline.store import open_store


def snapshot(store) -> tuple:
    """What must not depend on the engine: articles, stories, comparisons, analyses,
    passages and attribution (ingest timestamps aside)."""
    arts = sorted((a.id, a.source, a.text, a.title, a.language, a.credits, a.removed)
                  for a in store.articles())  # fmt: skip
    stories = sorted((s.id, s.articles, s.title) for s in store.stories())
    ids = [s[0] for s in stories]
    comparisons = [store.comparison(i) for i in ids]
    analyses = [store.stored_analysis(i) for i in ids]
    passages = sorted((p.a, p.a_start, p.b, p.b_start, p.words) for a in arts
                      for p in store.passages_of(a[0]))  # fmt: skip
    attribution = [store.attribution(a[0]) for a in arts]
    return arts, stories, comparisons, analyses, passages, attribution


def ingested(paths: list[Path], engine=None) -> tuple:
    with open_store(":memory:") as store:
        report = ingest(store, paths, engine=engine)
        return report, snapshot(store)


@pytest.fixture(scope="module")
def plain(corpus: Path) -> tuple:
    return ingested([corpus])


def test_local_engine_in_small_batches_equals_a_plain_ingest(corpus: Path, plain) -> None:
    report, state = ingested([corpus], LocalEngine(batch_size=2))
    assert state == plain[1]
    assert report.ingested == plain[0].ingested
    assert [f.input for f in report.failures] == [f.input for f in plain[0].failures]
    assert any(f.input.endswith("empty.txt") for f in report.failures)
    assert any(f.input.endswith("too-long.txt") and "text too long" in f.reason
               for f in report.failures)  # fmt: skip


def test_batches_cover_every_item_in_order() -> None:
    assert list(batches(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches([], 3)) == []


def test_unknown_engine_and_task_are_named() -> None:
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        open_engine("spark")
    with pytest.raises(ValueError, match="unknown task 'nope'"):
        list(LocalEngine().map("nope", [[1]]))


def test_ray_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingDependency, match=r"pip install 'storyline\[ray\]'"):
        open_engine("ray")


ray = pytest.importorskip("ray", reason="the ray extra is not installed")


@pytest.mark.parametrize("address", ["127.0.0.1:1", "ray://127.0.0.1:1", "no-port-here"])
def test_no_cluster_at_the_address_is_one_line(address: str) -> None:
    with pytest.raises(StorylineError, match="Ray") as err:
        open_engine("ray", address=address)
    assert "\n" not in str(err.value)


def test_cli_reports_a_missing_cluster_in_one_line(tmp_path: Path, corpus: Path) -> None:
    args = ["ingest", str(corpus), "--db", str(tmp_path / "x.db"), "--engine", "ray"]
    result = CliRunner().invoke(main, [*args, "--address", "127.0.0.1:1"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no Ray cluster at '127.0.0.1:1'")
    assert len(result.output.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def ray_engine():
    engine = open_engine("ray", workers=2)
    yield engine
    engine.close()


@pytest.mark.slow
def test_ray_engine_gives_the_local_result(corpus: Path, plain, ray_engine) -> None:
    report, state = ingested([corpus], ray_engine)
    assert state == plain[1]
    assert report.ingested == plain[0].ingested
    assert [f.input for f in report.failures] == [f.input for f in plain[0].failures]


@pytest.mark.slow
def test_a_killed_ray_worker_costs_a_retry_not_the_run(corpus: Path, ray_engine) -> None:
    from storyline.ingest import read

    articles = [a for a in read([corpus]) if not hasattr(a, "reason")]
    work = [(a, frozenset()) for a in articles]
    expected = [x for b in LocalEngine().map("clean", list(batches(work, 2))) for x in b]
    os.kill(ray_engine.pids()[0], signal.SIGKILL)
    got = [x for b in ray_engine.map("clean", list(batches(work, 2))) for x in b]
    assert got == expected
