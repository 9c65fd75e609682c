"""A shared passage's agencies (#17 item 4): candidates each with the outlet that credits
them, confirmed only where every carrier credits, the earliest carrier only where dated;
never one outlet's credit presented as another's (library, store codec, JSON, CLI, web)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from storyline.cli import main
from storyline.model import AgencyCredit, CopiedPassage
from storyline.reuse import attribute, outlet_dependency, shared_passages
from storyline.reuse.attribution import dependent_on
from storyline.store.reuse_codec import attribution_from_dict, attribution_to_dict
from tests.reuse.helpers import article, at


def three(wire: str, other: str, dated: bool = True) -> list:
    when = (at(2), at(1), at(3)) if dated else (None, None, None)
    return [
        article("w1", wire, "Alpha", ("dpa",), published=when[0]),
        article("w2", wire, "Beta", ("dpa",), published=when[1]),
        article("r", wire.split(". ")[0] + ". " + other, "Gamma", ("Reuters",), published=when[2]),
    ]


def test_candidates_name_the_outlet_that_credits_each(wire: str, other: str) -> None:
    items = three(wire, other)
    by_id = {a.article: a for a in attribute(items, shared_passages(items))}
    (stretch,) = by_id["r"].passages
    assert set(stretch.candidates) == {
        AgencyCredit("dpa", "w1", "Alpha"), AgencyCredit("dpa", "w2", "Beta"),
        AgencyCredit("Reuters", "r", "Gamma"),
    }  # fmt: skip
    assert stretch.confirmed == () and by_id["r"].confirmed_agencies == ()
    assert stretch.earliest == "w2"


def test_confirmed_only_where_every_carrier_credits(wire: str, other: str) -> None:
    items = three(wire, other)
    by_id = {a.article: a for a in attribute(items, shared_passages(items))}
    # w1's first sentence is carried by Gamma (Reuters) too: no agency is confirmed there;
    # the rest only by w1 and w2, which both credit dpa
    assert by_id["w1"].confirmed_agencies == ("dpa",) == by_id["w2"].confirmed_agencies
    assert all("Reuters" not in a.confirmed_agencies for a in by_id.values())


def test_earliest_is_unknown_unless_every_carrier_is_dated(wire: str, other: str) -> None:
    items = three(wire, other, dated=False)
    atts = attribute(items, shared_passages(items))
    assert {c.earliest for a in atts for c in a.passages} == {None}
    assert not any(a.original for a in atts)
    half = [items[0], article("x", wire, "X", published=at(1))]
    assert {c.earliest for a in attribute(half, shared_passages(half)) for c in a.passages} == {
        None
    }


def test_outlet_dependency_never_counts_another_outlets_credit(wire: str, other: str) -> None:
    items = three(wire, other)
    deps = {d.source: dict(d.by_agency) for d in outlet_dependency(items, attribute(items, shared_passages(items)))}  # fmt: skip
    assert set(deps["Gamma"]) == {"Reuters"} and set(deps["Alpha"]) == {"dpa"}
    uncredited = CopiedPassage(0, 9, ("w1",), None, (AgencyCredit("dpa", "w1", "Alpha"),))
    assert dependent_on("blog", uncredited) == ("dpa",), "uncredited copy: every candidate"


def test_codec_round_trip_and_v1_rows(wire: str, other: str) -> None:
    items = three(wire, other)
    for att in attribute(items, shared_passages(items)):
        assert attribution_from_dict(attribution_to_dict(att)) == att
    v1 = {"article": "a", "copied_share": 0.5, "original": True, "confirmed_agencies": [],
          "flagged_uncredited": False, "wire_share": 0.5, "method": "reuse.attribution.v1",
          "passages": [{"start": 0, "end": 9, "articles": ["b"], "earliest": "a",
                        "agencies": ["dpa", "Reuters"]}]}  # fmt: skip
    (old,) = attribution_from_dict(v1).passages
    assert old.candidate_agencies == ("Reuters", "dpa") and old.earliest is None
    assert {k.source for k in old.candidates} == {"?"}, "who credited it is unknown, not guessed"


def test_cli_shows_each_candidate_with_its_outlet(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2] / "examples"
    db = str(tmp_path / "s.db")
    assert CliRunner().invoke(main, ["ingest", str(root), "--db", db, "--quiet"]).exit_code == 0
    stories = CliRunner().invoke(main, ["stories", "--db", db, "--json"]).output
    import json

    story = json.loads(stories)["stories"][0]["id"]
    text = " ".join(CliRunner().invoke(main, ["show", story, "--db", db]).output.split())
    assert "dpa (Epoch Times)" in text and "earliest: unknown (undated)" in text
    assert "dpa (Epoch Times, " not in text, "dpa is credited by Epoch Times alone"
