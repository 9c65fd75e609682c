import codecs
import zlib

import pytest

from storyline.errors import InputError
from storyline.ingest.decode import decode, implausibility

GREEK = (
    "Ο Πρόεδρος της Ρωσίας Βλαντιμίρ Πούτιν συναντήθηκε με τον ηγέτη της Βόρειας Κορέας "
    "Κιμ Γιονγκ Ουν στο κοσμοδρόμιο Βοστότσνι."
)
GERMAN = "Russlands Präsident Wladimir Putin empfängt Kim – „strategisch“ wichtig, sagt er."


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Präsident", "cp1252"),
        (GERMAN, "cp1252"),
        ("Café résumé naïve", "latin-1"),
        ("Prezydent Rosji spotkał się z Kimem", "cp1250"),
        ("Předseda vlády řekl, že město bude mít nové náměstí a škola dostane peníze.", "cp1250"),
        ("A miniszterelnök szerint a főváros új terét jövőre átadják.", "cp1250"),
        ("Cumhurbaşkanı Erdoğan bugün İstanbul'da açıklama yaptı.", "cp1254"),
        ("Øresund og Ærø er smukke steder i Danmark", "latin-1"),
        ("Президент России Владимир Путин встретился с Ким Чен Ыном", "cp1251"),
        (GREEK, "cp1253"),
        ("プーチン大統領は金正恩氏と会談した", "shift_jis"),
    ],
)
def test_legacy_encodings_come_out_right(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding))[0] == text


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_is_honoured_and_dropped(bom: bytes, encoding: str) -> None:
    assert decode(bom + GERMAN.encode(encoding))[0] == GERMAN


def test_utf8_is_taken_as_is() -> None:
    assert decode(GERMAN.encode("utf-8")) == (GERMAN, "utf-8")


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"PK\x03\x04" + b"\x14\x00" * 20, "ZIP"),
        (b"some text\x00with a NUL", "NUL"),
        (zlib.compress(GERMAN.encode() * 50).replace(b"\x00", b"\x01"), "no text encoding fits"),
    ],
)
def test_binary_is_refused_with_a_reason(data: bytes, hint: str) -> None:
    with pytest.raises(InputError) as caught:
        decode(data, "upload.bin")
    assert caught.value.input == "upload.bin"
    assert caught.value.reason.startswith("binary file, not text: ")
    assert hint in caught.value.reason


def test_implausibility_separates_text_from_mojibake() -> None:
    assert implausibility(GERMAN) == 0
    assert implausibility(GERMAN.encode("utf-8").decode("cp1252")) > 0.1
