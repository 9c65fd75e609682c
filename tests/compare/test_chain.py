from storyline.compare.chain import chain, paths
from storyline.model import Alignment, Article, Comparison, Credits, Member
from tests.compare.seeds import seed_articles


def _empty(story="s"):
    return Comparison(story, ())


def test_seed_chain_interfax_dpa_epoch_times():
    links = chain(seed_articles(), _empty())
    got = paths(links)
    assert ["Interfax", "dpa", "Epoch Times"] in got
    assert ["Tass", "Keystone-SDA", "swiss-outlet"] in got
    credit = next(x for x in links if x.kind == "credit" and x.source == "dpa")
    assert "(dpa/red)" in credit.evidence


def _art(i, source, agencies=(), text="Ein Satz."):
    return Article(i, source, text, text, language="de", credits=Credits(agencies=agencies))


def test_shared_sentences_link_uncredited_copy():
    a, b = _art("a", "Wire Daily", ("dpa",)), _art("b", "Copycat News")
    group = Alignment("verbatim", (Member("a", 0, "Ein Satz."), Member("b", 0, "Ein Satz.")), 1.0)
    links = chain([a, b], Comparison("s", (group,)))
    assert [(x.source, x.target, x.kind) for x in links if x.kind == "shared"] == [
        ("Wire Daily", "Copycat News", "shared")
    ]
    assert ["dpa", "Wire Daily", "Copycat News"] in paths(links)


def test_quoted_source_without_credit_feeds_outlet():
    a = _art("a", "Blatt", text="Das berichtete die Nachrichtenagentur Interfax am Abend.")
    assert [(x.source, x.target, x.kind) for x in chain([a], _empty())] == [
        ("Interfax", "Blatt", "quoted")
    ]


def test_paths_stop_at_the_limit_on_a_dense_graph() -> None:
    from storyline.compare.chain import MAX_PATHS, paths
    from storyline.model import ChainLink

    outlets = [f"o{k}" for k in range(40)]  # every earlier outlet links to every later one
    links = [ChainLink(a, b, "shared", "") for k, a in enumerate(outlets) for b in outlets[k + 1 :]]
    found = paths(links)
    assert len(found) == MAX_PATHS
    assert all(p[0] == "o0" and p[-1] == "o39" for p in found), "each runs to an outlet"
    assert len({tuple(p) for p in found}) == MAX_PATHS
    assert len(paths(links[:3], limit=10)) <= 10
