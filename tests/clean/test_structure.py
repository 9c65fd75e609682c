"""Head (kicker, title, teaser) and caption detection on per-line reasons."""

from __future__ import annotations

from storyline.clean.structure import looks_like_headline, mark_captions, mark_head


def _reasons(lines: list[str], removed: dict[int, str]) -> list[str | None]:
    return [removed.get(i) for i in range(len(lines))]


def test_headline_shape() -> None:
    assert looks_like_headline("Council approves new budget")
    assert looks_like_headline('„Großes Interesse an der Raketentechnik"')
    assert not looks_like_headline("The council approved the budget on Tuesday.")
    assert not looks_like_headline(" ".join(["word"] * 30))


def test_kicker_title_teaser_set_off_by_residue() -> None:
    lines = ["Budget", "Council approves new plan", "It cuts costs by 4 percent.", "share", "Body."]
    reasons = _reasons(lines, {3: "share-widget"})
    assert mark_head(lines, reasons) == (0, 1, 2)
    assert reasons[:3] == ["kicker", "title", "teaser"]


def test_no_teaser_when_body_follows_directly() -> None:
    lines = ["Council approves new plan", "It cuts costs by 4 percent.", "More body text."]
    reasons = _reasons(lines, {})
    assert mark_head(lines, reasons) == (None, 0, None)
    assert reasons == ["title", None, None]


def test_body_first_report_has_no_head() -> None:
    lines = ["The council approved the budget on Tuesday.", "Ort des Treffens", "More."]
    reasons = _reasons(lines, {})
    assert mark_head(lines, reasons) == (None, None, None)
    assert reasons == [None, None, None]


def test_title_from_metadata() -> None:
    lines = ["Logo", "Council Approves New Plan", "Body text here."]
    reasons = _reasons(lines, {0: "logo"})
    assert mark_head(lines, reasons, title="council approves  new plan") == (None, 1, None)


def test_caption_is_line_before_photo_credit() -> None:
    lines = ["Body one.", "The mayor at the meeting.", "", "Foto: Jane Doe/dpa", "Body two."]
    reasons = _reasons(lines, {2: "blank", 3: "photo-credit"})
    assert mark_captions(lines, reasons) == [1]
    assert reasons[1] == "caption" and reasons[0] is None and reasons[4] is None
