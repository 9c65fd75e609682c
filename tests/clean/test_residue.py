"""Residue rules, one reason at a time, German and English, positives and negatives."""

from __future__ import annotations

import pytest

from storyline.clean.residue import author_name, is_blank, navigation_runs, rule_reason

CASES = [
    ("share-widget", ["Artikel teilen", "Share this article", "Auf Facebook teilen", "Share on X"]),
    ("share-widget", ["Facebook | Twitter | WhatsApp | E-Mail", "Teilen (12)"]),
    (
        "comment-widget",
        ["Kommentare", "12 Comments", "Noch keine Kommentare – jetzt mitreden", "Leave a reply"],
    ),
    ("comment-widget", ["No comments yet.", "Be the first to comment on this story"]),
    (
        "reading-time",
        ["Lesedauer: 3 Min.", "3 min read", "Lesezeit ca. 5 Minuten", "Reading time: 2 minutes"],
    ),
    ("image-placeholder", ["hero-image", "article_thumbnail", "IMG_2041.jpg", "Bild 3 von 12"]),
    ("logo", ["Logo Der Tagesanzeiger", "Site logo"]),
    (
        "advertising",
        ["Anzeige", "- Werbung -", "Sponsored content", "Partner content", "Advertisement"],
    ),
    (
        "cookie-banner",
        ["Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.", "Accept all"],
    ),
    ("cookie-banner", ["This site uses cookies. By continuing you agree to our policy."]),
    (
        "newsletter",
        ["Jetzt den Newsletter abonnieren", "Subscribe", "Sign up for our daily updates"],
    ),
    (
        "footer",
        ["© 2024 Beispiel Verlag GmbH", "All rights reserved.", "Impressum | Datenschutz | AGB"],
    ),
    ("footer", ["Privacy Policy", "Terms of Service", "Alle Rechte vorbehalten."]),
    ("navigation", ["Home", "Startseite", "Read more", "News | Sport | Kultur | Wetter"]),
    ("blank", ["", "   ", "\u00a0", " \u00a0 \u200b "]),
]


@pytest.mark.parametrize(("reason", "line"), [(r, x) for r, xs in CASES for x in xs])
def test_rule_finds_residue(reason: str, line: str) -> None:
    assert rule_reason(line) == reason


BODY = [
    "Russlands Präsident Wladimir Putin hat den nordkoreanischen Machthaber empfangen.",
    "Die Kommentare des Ministers sorgten am Montag für Aufregung im Parlament.",
    "The company said it would share more details about the plan next week.",
    "Readers left hundreds of comments under the original post, the newspaper said.",
    "Der Verlag hat im vergangenen Jahr 3 Millionen Euro mit Anzeigen verdient.",
    "Ort des Treffens",
    "Interesse am Raketenprogramm",
    "Russland braucht dringend Munition",
    "The logo was redesigned in 2019 after a public competition among students in Berlin.",
    "Cookies are a traditional Christmas treat in many German families, bakers said.",
    "He was reading the newspaper for about 3 minutes before the alarm went off.",
]


@pytest.mark.parametrize("line", BODY)
def test_rule_keeps_body(line: str) -> None:
    assert rule_reason(line) is None


def test_is_blank_distinguishes_text() -> None:
    assert is_blank("\u00a0\u00a0") and not is_blank(" a ")


def test_author_name() -> None:
    assert author_name("Von Anna Muster") == "Anna Muster"
    assert author_name("By John Smith") == "John Smith"
    assert author_name("By Aaron Humes: The Americas cannot ignore the risk of surges.") is None
    assert author_name("Von Berlin aus reiste er nach Moskau, um Putin zu treffen.") is None


def test_navigation_runs_need_many_short_lines() -> None:
    menu = ["Politik", "Wirtschaft", "", "Sport", "Kultur", "Wetter", "Der Text beginnt hier."]
    assert navigation_runs(menu) == {0, 1, 3, 4, 5}
    body = ["Ort des Treffens", "", "Das Zentrum liegt weit im Norden.", "Zwei", "Drei"]
    assert navigation_runs(body) == set()
