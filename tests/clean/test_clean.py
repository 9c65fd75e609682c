"""clean() on the seed reports, invariants, and clean_batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean import clean, clean_batch
from storyline.model import Article
from storyline.text.segment import split_sentences
from tests.conftest import SEED_CH, SEED_ET

RESIDUE = [
    "Partner-Inhalte",
    "Logo Epoch Times",
    "top-article-image",
    "author-image",
    "Artikel teilen",
    "Lesedauer: 1 Min.",
    "Kommentare",
    "Noch keine Kommentare",
    "Foto:",
    "Russlands Präsident Wladimir Putin (l), begrüßt",
    "(dpa/red)",
    "(sda/reuters/mdl)",
]


def _article(path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    return Article(id=path.stem, source=path.stem, raw=text, text=text)


@pytest.fixture(scope="module")
def cleaned() -> dict[str, Article]:
    return {p.name[:3]: clean(_article(p)) for p in (SEED_CH, SEED_ET)}


def test_seed_residue_is_gone(cleaned: dict[str, Article]) -> None:
    for article in cleaned.values():
        assert not any(r in article.text for r in RESIDUE)
        assert all(line.strip() for line in article.text.split("\n"))


def _body_sentences(path: Path, head: Article) -> list[str]:
    skip = [head.kicker, head.title, head.teaser, *head.captions]
    lines = [x for x in path.read_text(encoding="utf-8").split("\n") if x.strip()]
    lines = [
        x
        for x in lines
        if x.strip() not in skip and not any(r in x for r in RESIDUE if r != "(dpa/red)")
    ]
    return [s.replace("(dpa/red)", "").strip() for x in lines for s in split_sentences(x)]


def test_no_body_sentence_lost(cleaned: dict[str, Article]) -> None:
    for key, path in (("000", SEED_CH), ("004", SEED_ET)):
        sentences = [s for s in _body_sentences(path, cleaned[key]) if s]
        assert len(sentences) > 10
        assert [s for s in sentences if s not in cleaned[key].text] == []


def test_head_of_004(cleaned: dict[str, Article]) -> None:
    a = cleaned["004"]
    assert a.kicker == '„Großes Interesse an der Raketentechnik"'
    assert a.title == "Putin und Kim treffen sich an Russlands Weltraumbahnhof"
    assert a.teaser and a.teaser.startswith("Nordkoreas Machthaber ist mit einem Privatzug")
    assert a.captions and a.captions[0].startswith("Russlands Präsident Wladimir Putin (l)")
    assert a.text.startswith("Russlands Präsident Wladimir Putin hat nach Medienangaben")
    assert {r.reason for r in a.removed} >= {"kicker", "title", "teaser", "caption", "logo"}


def test_000_starts_with_its_body(cleaned: dict[str, Article]) -> None:
    a = cleaned["000"]
    assert a.title is None and a.kicker is None and a.teaser is None
    assert a.text.startswith("Russlands Präsident Wladimir Putin hat nach Medienangaben")


def test_credits(cleaned: dict[str, Article]) -> None:
    et, ch = cleaned["004"].credits, cleaned["000"].credits
    assert "dpa" in et.agencies and "red" in et.desk
    assert et.photo == ("Vladimir Smirnov/Pool Sputnik Kremlin/AP/dpa",)
    assert "Reuters" in ch.agencies and "mdl" in ch.desk
    assert "Interfax" in et.quoted_sources and "Tass" in ch.quoted_sources
    assert cleaned["004"].text.endswith("Es ist die erste Visite Kims seit 2019 in Russland.")
    reasons = {r.line: r.reason for r in cleaned["004"].removed}
    assert reasons["(dpa/red)"] == "agency-credit"
    assert reasons["Foto: Vladimir Smirnov/Pool Sputnik Kremlin/AP/dpa"] == "photo-credit"


def test_language_and_raw_kept(cleaned: dict[str, Article]) -> None:
    for key, path in (("000", SEED_CH), ("004", SEED_ET)):
        assert cleaned[key].language == "de"
        assert cleaned[key].raw == path.read_text(encoding="utf-8")


def test_english_article() -> None:
    text = (
        "Share this article\n\nBy Jane Doe\n\n3 min read\n\nThe council approved the new budget"
        " on Tuesday after a long debate.\nMembers said the plan would cut costs by 4 percent.\n"
        "\nAdvertisement\n\n12 Comments\n\n© 2024 Example Media. All rights reserved."
    )
    a = clean(Article(id="en", source="x", raw=text, text=text))
    assert a.text.split("\n") == [
        "The council approved the new budget on Tuesday after a long debate.",
        "Members said the plan would cut costs by 4 percent.",
    ]
    assert a.author == "Jane Doe" and a.language == "en"


LINES = st.lists(
    st.sampled_from(
        [
            "",
            "\u00a0",
            "Artikel teilen",
            "Kommentare",
            "Anzeige",
            "Der Zug kam am Morgen an.",
            "Putin sprach lange mit Kim über die Raumfahrt und die Zusammenarbeit.",
            "Home",
        ]
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(LINES)
def test_every_line_is_kept_or_recorded(lines: list[str]) -> None:
    text = "\n".join(lines)
    a = clean(Article(id="x", source="x", raw=text, text=text))
    kept = a.text.split("\n") if a.text else []
    assert len(kept) + len({r.lineno for r in a.removed}) == len(text.split("\n"))


def test_clean_batch_removes_lines_repeated_in_a_source() -> None:
    bodies = [
        "Unser Tipp: Hören Sie den Podcast zur Woche.\nDer Rat tagte am {} lange über den Haushalt.",
        "Unser Tipp: Hören Sie den Podcast zur Woche.\nIm {} stieg die Zahl der Gäste deutlich an.",
        "Unser Tipp: Hören Sie den Podcast zur Woche.\nDie Polizei sucht seit {} nach Zeugen.",
    ]
    articles = [
        Article(id=str(i), source="a", raw=b, text=b.format(m))
        for i, (b, m) in enumerate(zip(bodies, ["Montag", "Mai", "Freitag"], strict=True))
    ]
    out = list(clean_batch(articles))
    assert [a.id for a in out] == ["0", "1", "2"]
    assert all("Podcast" not in a.text and a.text for a in out)
    assert all(r.reason == "repeated-in-source" for a in out for r in a.removed)
    single = list(clean_batch(articles[:2]))
    assert all("Podcast" in a.text for a in single)


WALL = (
    "Bitte registrieren! Sie haben noch keinen Zugang zum Archiv? Registrieren Sie sich jetzt "
    "kostenlos, um fortzufahren. Bitte überprüfen Sie die rot markierten Pflichtfelder."
)
TITLES = [
    "Jahn Regensburg verliert gegen Bochum",
    "Neue Brücke über die Donau eröffnet",
    "Landkreis meldet weniger Arbeitslose im Januar",
]


def _one_source(texts: list[str], urls: list[str] | None = None) -> list[Article]:
    return [
        Article(id=str(i), source="mz", raw=t, text=t, url=urls[i] if urls else None)
        for i, t in enumerate(texts)
    ]


def test_clean_batch_cuts_a_notice_its_source_glues_to_every_title() -> None:
    out = list(clean_batch(_one_source([f"{t} {WALL}" for t in TITLES])))
    for article, title in zip(out, TITLES, strict=True):
        assert "registrieren" not in (article.text + (article.title or "")).casefold()
        assert title in (article.title or "") + article.text
        cut = [r for r in article.removed if r.reason == "repeated-in-source"]
        assert [r.line for r in cut] == [WALL] and cut[0].lineno == 1
    # two reports are not a pattern: nothing is cut
    assert all(WALL in (a.title or "") + a.text for a in clean_batch(_one_source(
        [f"{t} {WALL}" for t in TITLES[:2]])))  # fmt: skip


def test_clean_batch_cuts_a_repeated_opening_run_and_keeps_short_ones() -> None:
    nav = "Startseite Politik Wirtschaft Sport Kultur Wissen Reisen Digital Region"
    bodies = [f"{nav} {t}: die Einzelheiten folgen im Laufe des Tages." for t in TITLES]
    out = list(clean_batch(_one_source(bodies)))
    assert all(not a.text.startswith("Startseite") and a.text for a in out)
    assert all(a.removed[0].line == nav for a in out)
    short = "Startseite Politik Wirtschaft Sport"  # under SPAN_WORDS: left alone
    kept = list(clean_batch(_one_source([f"{short} {t} heute." for t in TITLES])))
    assert all(a.text.startswith(short) for a in kept)


def test_versions_of_one_url_keep_the_body_they_share() -> None:
    body = (
        "Der Stadtrat hat am Montag den Haushalt für das kommende Jahr beschlossen.\n"
        "Die Opposition kritisierte die hohen Ausgaben für den Straßenbau."
    )
    texts = [f"{body}\nUpdate {i}: Die Sitzung dauerte {i + 2} Stunden." for i in range(3)]
    same_url = list(clean_batch(_one_source(texts, ["https://mz.example/rat"] * 3)))
    assert all(a.text.startswith("Der Stadtrat") and "Update" in a.text for a in same_url)
    # under three URLs the shared lines look like any notice of the source: removed (one
    # cannot tell three republications from three pages behind the same wall)
    urls = [f"https://mz.example/rat-{i}" for i in range(3)]
    assert all(a.text.startswith("Update") for a in clean_batch(_one_source(texts, urls)))


WORD = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
RUN = st.one_of(st.just([]), st.lists(WORD, min_size=8, max_size=14))  # as repeated_text gives


@settings(max_examples=80, deadline=None)
@given(RUN, st.lists(WORD, min_size=1, max_size=6), RUN)
def test_cut_runs_keep_every_word_once_and_never_empty_a_line(head, own, tail) -> None:
    from storyline.clean.cleaner import SPAN_WORDS, Repeated, _cut_repeated_runs

    line = " ".join(head + own + tail)
    repeated = Repeated(
        heads=frozenset({" ".join(head)} - {""}), tails=frozenset({" ".join(tail)} - {""})
    )
    lines, reasons = [line], [None]
    cuts = _cut_repeated_runs(lines, reasons, repeated)
    assert lines[0].split(), "a cut always leaves words of the line's own"
    words, kept = line.split(), lines[0]
    if len(cuts) == 2:  # the opening run first, then the closing one
        assert f"{cuts[0].line} {kept} {cuts[1].line}".split() == words
    elif cuts:
        one = cuts[0].line
        assert words in (f"{one} {kept}".split(), f"{kept} {one}".split())
    else:
        assert kept == line
    assert all(c.reason == "repeated-in-source" and c.lineno == 1 for c in cuts)
    assert all(len(c.line.split()) >= SPAN_WORDS for c in cuts)
