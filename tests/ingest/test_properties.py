import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.ingest import article_id, read, read_text
from storyline.model import Article

from .conftest import BODY, HTML

TEXTS = st.text(min_size=1).filter(lambda s: s.strip())


@given(TEXTS)
def test_article_id_is_stable_hex_and_form_independent(raw: str) -> None:
    ident = article_id(raw)
    assert len(ident) == 16 and int(ident, 16) >= 0
    assert article_id(raw) == ident
    assert article_id(unicodedata.normalize("NFD", raw)) == ident


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=3))
@settings(max_examples=50)
def test_ingesting_the_same_content_twice_gives_the_same_ids(body: str) -> None:
    content = body + " " + BODY
    first = read_text(content.encode("utf-8"), name="a.txt")
    second = read_text(content, name="b.txt")
    assert [a.id for a in first if isinstance(a, Article)] == [
        b.id for b in second if isinstance(b, Article)
    ]


def test_rereading_files_gives_the_same_ids(write) -> None:
    paths = [write("a.txt", BODY), write("b.html", HTML), write("c.jsonl", '{"text": "x y z"}\n')]
    once = [a.id for a in read(paths)]
    assert once == [a.id for a in read(paths)]
    assert len(set(once)) == 3


def test_different_content_gives_different_ids() -> None:
    assert article_id(BODY) != article_id(BODY + ".")
