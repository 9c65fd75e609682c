"""The fast paths of cleaning give exactly the answers of their plain definitions."""

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from storyline.clean import cleaner, credits
from storyline.ingest import read
from storyline.model import Article
from storyline.text.agencies import AGENCIES, mention_pattern

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: Cue and alias pieces, case variants and the letters the regex engine folds specially.
PIECES = [
    "berichtete",
    "LAUT",
    "laute",
    "said",
    "Said.",
    "cited",
    "cites",
    "according to",
    "nach Angaben",
    "Agentur",
    "NEWSPAPER",
    "wire",
    "told",
    "wrote",
    "gegenÜber",
    "erklärte",
    "dpa",
    "DPA-infocom",
    "dpainfocom",
    "Keystone SDA",
    "ITAR-Tass",
    "AP Photo",
    "AP",
    "Anadolu Ajansı",
    "ANADOLU AJANSI",
    "ČTK",
    "čtk",
    "Télam",
    "TT Nyhetsbyrån",
    "Reuters",
    "ber\u0131chtete",
    "\u017fagte",
    "c\u0130ted",
    "er\u212alärte",
    "\u0130TAR-Tass",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    " ",
    "-",
    "/",
    "(",
    ")",
    ".",
    "_",
    "ä",
    "x",
    "1",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def _flat_mention_pattern() -> re.Pattern[str]:
    """The plain definition: one alternation of every alias, longest first."""
    aliases = sorted({x for a in AGENCIES for x in a.aliases}, key=len, reverse=True)
    body = "|".join(
        re.escape(x).replace(r"\-", r"[\-\s]?").replace(r"\ ", r"[\s\-]+") for x in aliases
    )
    return re.compile(rf"(?<![\w\-])(?:{body})(?![\w])", re.IGNORECASE)


FLAT = _flat_mention_pattern()


@given(TEXTS)
def test_cue_checks_agree_with_the_cue_regexes(text):
    folded = credits._fold(text)
    assert len(folded) == len(text)
    assert credits._has_cue(folded) == bool(credits._CUE.search(text))
    assert credits._has_report_cue(folded) == bool(credits._REPORT_CUE.search(text))


@given(TEXTS)
def test_grouped_mention_pattern_finds_what_the_flat_one_finds(text):
    grouped = [(m.span(), m.group(0)) for m in mention_pattern().finditer(text)]
    assert grouped == [(m.span(), m.group(0)) for m in FLAT.finditer(text)]


def test_grouped_mention_pattern_on_the_examples():
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert [m.span() for m in mention_pattern().finditer(text)] == [
            m.span() for m in FLAT.finditer(text)
        ]


def _batch() -> list[Article]:
    seeds = [a for a in read([EXAMPLES]) if isinstance(a, Article)]
    lines = ["Logo Outlet", "Der Kreml teilte am Mittwoch mit, es gebe Gespräche.", "(dpa/red)"]
    texts = ["\n".join([lines[0], f"Titel {i}", *lines]) for i in range(8)]
    made = [Article(id=f"g{i}", source=f"S{i % 2}", raw=t, text=t) for i, t in enumerate(texts)]
    return seeds + made


def test_parallel_clean_batch_gives_the_serial_output(monkeypatch):
    articles = _batch()
    serial = list(cleaner.clean_batch(articles, workers=1))
    monkeypatch.setattr(cleaner, "PARALLEL_MIN", 4)
    monkeypatch.setattr(cleaner, "CHUNK", 3)
    assert list(cleaner.clean_batch(articles, workers=2)) == serial
    assert any(r.reason == "repeated-in-source" for a in serial for r in a.removed)


LINE_PIECES = ["Das", "ist", "WWW.x.DE", "https://a.ch", "@user", "#tag", " | ", "·", "»",
               "12.3.2024", "12:30", "1999", "²", "½", "١٢", "漢字", "Ⅻ", "ǅ", "ＡＢ", "ﬁ",
               "𝐀𝐁", "😀", "\u00a0", "\u2028", "\x00", "ß", "Ä", ",", ".", ":", "?", "\t", ""]  # fmt: skip


@given(st.lists(st.lists(st.sampled_from(LINE_PIECES), max_size=12).map(" ".join), max_size=8))
def test_base_matrix_is_line_features_per_line(lines: list[str]) -> None:
    """The document-level feature matrix equals ``line_features`` line by line, exactly
    (character classes by table, non-BMP and NUL included; pattern hits per line)."""
    from storyline.clean.features import base_matrix, line_features

    expected = [line_features(line) for line in lines]
    assert base_matrix(lines).tolist() == expected
