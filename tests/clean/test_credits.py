from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.clean.credits import (
    canonical_agency,
    merge_credits,
    parse_agency_credit,
    parse_photo_credit,
    quoted_sources,
    split_leading_credit,
    split_trailing_credit,
)
from storyline.model import Credits

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("token", "name"),
    [
        ("sda", "Keystone-SDA"),
        ("SDA", "Keystone-SDA"),
        ("Keystone-SDA", "Keystone-SDA"),
        ("ats", "Keystone-SDA"),
        ("reuters", "Reuters"),
        ("DPA", "dpa"),
        ("ITAR-Tass", "Tass"),
        ("Itar Tass", "Tass"),
        ("Ria Nowosti", "RIA Novosti"),
        ("Associated Press", "AP"),
        ("picture-alliance", "picture alliance"),
        ("ČTK", "CTK"),
        ("Interfax", "Interfax"),
    ],
)
def test_canonical_agency(token, name):
    assert canonical_agency(token) == name


@pytest.mark.parametrize("token", ["red", "Putin", "", "Moskau"])
def test_canonical_agency_unknown(token):
    assert canonical_agency(token) is None


@pytest.mark.parametrize(
    ("s", "agencies", "desk"),
    [
        ("(dpa/red)", ("dpa",), ("red",)),
        ("(sda/reuters/mdl)", ("Keystone-SDA", "Reuters"), ("mdl",)),
        ("(dpa)", ("dpa",), ()),
        ("Mit Material von dpa und AFP", ("dpa", "AFP"), ()),
        ("mit Material der Nachrichtenagentur dpa", ("dpa",), ()),
        ("Mit Material von dpa, AFP und Reuters.", ("dpa", "AFP", "Reuters"), ()),
        ("AFP/APA", ("AFP", "APA"), ()),
        ("(Reuters)", ("Reuters",), ()),
        ("- AP", ("AP",), ()),
        ("– AP", ("AP",), ()),
        ("Quelle: dpa", ("dpa",), ()),
        ("(APA/AFP)", ("APA", "AFP"), ()),
        ("dpa/AFP/ks", ("dpa", "AFP"), ("ks",)),
        ("(AFP/dpa/jm)", ("AFP", "dpa"), ("jm",)),
    ],
)
def test_parse_agency_credit(s, agencies, desk):
    got = parse_agency_credit(s)
    assert got is not None
    assert (got.agencies, got.desk, got.lines) == (agencies, desk, (s,))


@pytest.mark.parametrize(
    "s",
    [
        "Das meldete die dpa am Montag.",
        "Laut dpa kam er.",
        "Reuters berichtete zuerst darüber.",
        "(red)",
        "(l)",
        "Foto: dpa",
        "Quelle: Getty Images",
        "",
        "(Putin/Kim)",
    ],
)
def test_not_an_agency_credit(s):
    assert parse_agency_credit(s) is None


def test_split_trailing_credit_in_paragraph():
    rest, c = split_trailing_credit("Es ist die erste Visite Kims seit 2019 in Russland. (dpa/red)")
    assert rest == "Es ist die erste Visite Kims seit 2019 in Russland."
    assert c is not None and c.agencies == ("dpa",) and c.desk == ("red",)


def test_split_trailing_credit_only_credit_and_sentence():
    assert split_trailing_credit(" (sda/reuters/mdl) ")[0] == ""
    rest, c = split_trailing_credit("Er ging. Mit Material von dpa und AFP.")
    assert rest == "Er ging." and c is not None and c.agencies == ("dpa", "AFP")


@pytest.mark.parametrize(
    "p",
    [
        "Putin (l) begrüßt Kim.",
        "Das meldete die dpa. Reuters auch.",
        "Er wurde in Wladiwostok empfangen",
        "Der Satz nennt (AFP und Putin).",
    ],
)
def test_split_trailing_credit_leaves_normal_text(p):
    assert split_trailing_credit(p) == (p, None)


def test_split_leading_credit():
    rest, c = split_leading_credit("MOSKAU (dpa) - Russlands Präsident kam.")
    assert rest == "Russlands Präsident kam." and c is not None and c.agencies == ("dpa",)
    assert split_leading_credit("Putin (l) - Kim (r)")[1] is None


@pytest.mark.parametrize(
    ("line", "photo", "agencies"),
    [
        (
            "Foto: Vladimir Smirnov/Pool Sputnik Kremlin/AP/dpa",
            "Vladimir Smirnov/Pool Sputnik Kremlin/AP/dpa",
            ("AP", "dpa"),
        ),
        ("Bild: Keystone", "Keystone", ("Keystone",)),
        ("Photo: Reuters", "Reuters", ("Reuters",)),
        ("© dpa", "dpa", ("dpa",)),
        ("Fotos: Michael Kappeler/dpa, AFP", "Michael Kappeler/dpa, AFP", ("dpa", "AFP")),
        ("Quelle: Getty Images", "Getty Images", ("Getty Images",)),
        ("(Foto: AP Photo/Evan Vucci)", "AP Photo/Evan Vucci", ("AP",)),
        ("Image: AFP/Getty", "AFP/Getty", ("AFP", "Getty Images")),
        ("Foto: picture alliance / dpa | M. K.", "picture alliance / dpa | M. K.", None),
    ],
)
def test_parse_photo_credit(line, photo, agencies):
    got = parse_photo_credit(line)
    assert got is not None and got.photo == (photo,) and got.lines == (line,)
    assert got.agencies == ()
    if agencies is not None:
        assert got.photo_agencies == agencies


@pytest.mark.parametrize(
    "line",
    [
        "Das Foto zeigt Putin und Kim am Bahnhof.",
        "Quelle: dpa",
        "Foto: " + "sehr lang " * 30,
        "Russlands Präsident Wladimir Putin (l), begrüßt Kim Jong Un.",
    ],
)
def test_not_a_photo_credit(line):
    assert parse_photo_credit(line) is None


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("Er kam, wie die staatliche russische Nachrichtenagentur Tass berichtete.", ("Tass",)),
        ("Sie sahen die Rampe, teilte die Nachrichtenagentur Interfax mit.", ("Interfax",)),
        ("Das berichtete die Agentur Yonhap.", ("Yonhap",)),
        ("He was there, according to Reuters.", ("Reuters",)),
        ("He told the Associated Press on Monday.", ("AP",)),
        ("Laut dpa kam er.", ("dpa",)),
        ("Der Zeitung „Kommersant“ zufolge ging es um Waffen.", ("Kommersant",)),
        ("Das meldete die Agentur Ria Nowosti.", ("RIA Novosti",)),
        ("Wie Itar-Tass meldete, kam er.", ("Tass",)),
        ("Mehr als 100 starben, berichtete der Sender CNN.", ("CNN",)),
        ("The newspaper The New York Times reported it.", ("The New York Times",)),
        ("Laut Tass kam er. Reuters meldete das auch.", ("Tass", "Reuters")),
    ],
)
def test_quoted_sources(text, sources):
    assert quoted_sources(text) == sources


@pytest.mark.parametrize(
    "text",
    [
        "Putin traf Kim, sagte er.",
        "Bloomberg kaufte die Firma, berichtete die Zeitung.",
        "Er sagte dem Sender Ende Mai, er komme.",
        "Russlands Präsident Putin kam. (dpa/red)\nFoto: X/AP/dpa",
        "Der Satellit Sputnik flog 1957.",
    ],
)
def test_no_quoted_sources(text):
    assert quoted_sources(text) == ()


def test_merge_credits():
    a = Credits(agencies=("dpa",), desk=("red",), lines=("(dpa/red)",))
    b = Credits(agencies=("AFP", "dpa"), photo_agencies=("AP",), lines=("x",))
    m = merge_credits(a, b)
    assert m.agencies == ("dpa", "AFP") and m.desk == ("red",) and m.photo_agencies == ("AP",)
    assert m.lines == ("(dpa/red)", "x") and merge_credits() == Credits()


_names = st.sampled_from(["dpa", "AFP", "Reuters", "Tass", "red"])
_credits = st.builds(Credits, agencies=st.tuples(_names, _names), desk=st.tuples(_names))


@given(_credits, _credits)
def test_merge_is_idempotent_and_covers(a, b):
    m = merge_credits(a, b)
    assert merge_credits(m, m) == m
    assert set(m.agencies) == set(a.agencies) | set(b.agencies)
    assert len(set(m.agencies)) == len(m.agencies)


def _seed(name):
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path.read_text(encoding="utf-8")


def test_seed_000_credits():
    text = _seed("000_98dadad234490a67.txt")
    last = text.strip().split("\n")[-1]
    rest, c = split_trailing_credit(last)
    assert rest == "" and c is not None
    assert {"Keystone-SDA", "Reuters"} <= set(c.agencies) and c.desk == ("mdl",)
    assert any("sda" in a.casefold() for a in c.agencies)
    assert c.lines == ("(sda/reuters/mdl)",)
    assert quoted_sources(text) == ("Tass",)


def test_seed_004_credits():
    lines = _seed("004_9755e32e974529ca.txt").split("\n")
    photos = [c for c in map(parse_photo_credit, lines) if c]
    assert [p.photo_agencies for p in photos] == [("AP", "dpa")]
    found = [c for _, c in map(split_trailing_credit, lines) if c]
    assert [(c.agencies, c.desk) for c in found] == [(("dpa",), ("red",))]
    assert quoted_sources("\n".join(lines)) == ("Interfax",)
