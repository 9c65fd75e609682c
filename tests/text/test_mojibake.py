"""Mojibake repair (ftfy) at ingest: every format, raw kept, repairs recorded."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.clean import clean
from storyline.ingest import read_text
from storyline.model import Article
from storyline.text.mojibake import repair, repair_line

GOOD = "Die Grüße aus Zürich: „Wir sind da“, sagte Ayşe Yıldız in İstanbul über 5 €."
BAD = GOOD.encode("utf-8").decode("cp1252", errors="replace")
BODY = f"{BAD}\nDie Regierung in Bern hat am Montag neue Maßnahmen beschlossen."


def test_bad_line_really_is_mojibake():
    assert "Ã¼" in BAD and "â€ž" in BAD and "Ä±" in BAD


def test_repair_line_restores_the_text():
    assert repair_line(BAD) == GOOD


def test_repair_reports_changed_lines_with_their_original():
    fixed, changed = repair(BODY)
    assert fixed.split("\n")[0] == GOOD
    assert changed == ((1, BAD),)


@pytest.mark.parametrize(
    "line",
    ["Ärger über Öl in Åland, Ça va? Île de France", "Ein ganz normaler Satz.", "中文新闻 Москва"],
)
def test_clean_lines_stay_unchanged(line):
    assert repair(line) == (line, ())


@given(st.text())
def test_repair_never_changes_line_count_and_is_idempotent(text):
    fixed, _ = repair(text)
    assert fixed.count("\n") == text.count("\n")
    assert repair(fixed)[0] == fixed


def _read(data: str, name: str) -> Article:
    (article,) = read_text(data, name=name)
    assert isinstance(article, Article), article
    return article


FORMATS = {
    "a.txt": BODY,
    "a.jsonl": json.dumps({"text": BODY, "title": BAD.split(":")[0]}, ensure_ascii=False),
    "a.csv": "text\n" + '"' + BODY + '"\n',
    "a.html": f"<html><body><article><h1>Titel</h1><p>{BAD}</p><p>{BODY.split(chr(10))[1]}"
    " Sie gelten ab sofort für alle Kantone.</p></article></body></html>",
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_repaired_raw_kept_and_counted(name):
    article = _read(FORMATS[name], name)
    assert GOOD in article.text
    assert "Ã" not in article.text
    assert BAD in article.raw or json.dumps(BAD, ensure_ascii=False)[1:-1] in article.raw
    assert [r.reason for r in article.removed] == ["mojibake"]
    cleaned = clean(article)
    assert GOOD in cleaned.text
    assert any(r.reason == "mojibake" and "Ã" in r.line for r in cleaned.removed)


def test_title_field_is_repaired():
    article = _read(FORMATS["a.jsonl"], "a.jsonl")
    assert article.title == "Die Grüße aus Zürich"


def test_language_is_detected_on_the_repaired_text():
    text = ("Ã‡ok gÃ¼zel bir gÃ¼n, Ä°stanbul'da hava gÃ¼neÅŸli ve sÄ±cak olacak. " * 3).strip()
    article = clean(_read(text, "tr.txt"))
    assert "İstanbul" in article.text
    assert article.language == "tr"


CLEAN_LINES = [
    GOOD,
    "L'été à Genève: café, crème brûlée et où aller, Noël à Besançon.",
    "Über 3 Mio. Bürger in Österreich; Straße gesperrt, Maß für Maß.",
    "¿Dónde está el niño? Año nuevo en España, señor Muñoz.",
]


def test_clean_text_in_latin_scripts_never_reaches_ftfy(monkeypatch):
    import ftfy

    def boom(_line: str) -> str:
        raise AssertionError("ftfy called on a clean line")

    monkeypatch.setattr(ftfy, "fix_encoding", boom)
    assert [repair_line(line) for line in CLEAN_LINES] == CLEAN_LINES


@given(st.text(alphabet="äöüÄÖÜßéèàçñ€„“”‘’–—…•™ğışİœ«»°±éÂÃ\u00a0", min_size=1, max_size=12))
def test_every_latin1_or_cp1252_reading_of_utf8_is_suspected(text):
    from storyline.text.mojibake import _SUSPECT

    for encoding in ("latin-1", "cp1252"):
        try:
            once = text.encode("utf-8").decode(encoding)
        except UnicodeDecodeError:
            continue
        assert _SUSPECT.search(once), (text, encoding)
        assert _SUSPECT.search(once.replace("\u00a0", " ")), "a no-break space lost half"
