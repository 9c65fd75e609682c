"""Bytes to text: BOM, strict UTF-8, else the most plausible legacy encoding.

Raises :class:`~storyline.errors.InputError` for binary data. Pure: no file system here.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from functools import lru_cache

from storyline.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: File signatures of common binary formats, named in the failure reason.
_MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"PK\x03\x04", "ZIP archive (also docx/xlsx/odt)"),
    (b"%PDF", "PDF document"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
)
#: Legacy encodings of news text, most common first; DOS and Mac code pages rank last.
_COMMON = tuple(
    "cp1252 cp1250 cp1251 cp1253 cp1254 cp1257 iso8859_15 iso8859_2 koi8_r cp932 shift_jis "
    "euc_jp gb18030 gb2312 big5 euc_kr cp949 cp1255 cp1256 iso8859_7 iso8859_9 cp874 cp1258".split()
)
#: Accented letters of Latin-script languages (lower case), for :func:`foreign_letters`.
_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        "äöüßéèàç",  # German (with common French loans)
        "àâæçéèêëîïôœùûüÿ",  # French
        "áéíñóúüç",  # Spanish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "àçèéíïòóúü·",  # Catalan
        "éèëïöüáóúê",  # Dutch
        "æøåéó",  # Danish, Norwegian
        "åäöéšž",  # Swedish, Finnish
        "áðéíóúýþæö",  # Icelandic
        "äöõüšž",  # Estonian
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "čćđšž",  # Croatian, Slovenian, Bosnian
        "áéíóöőúüű",  # Hungarian
        "ăâîșțşţ",  # Romanian
        "çğıöşüâîû",  # Turkish
        "ąčęėįšųūž",  # Lithuanian
        "āčēģīķļņšūž",  # Latvian
        "ëç",  # Albanian
    )
)
#: Always tried (charset-normalizer often merges them away): the Windows code pages of Europe.
_ALWAYS = _COMMON[:6]
#: Share of odd words above which no decoding counts as text.
_MAX_ODD = 0.2
#: How much more language coherence an encoding needs to beat a more common one.
_COHERENCE_MARGIN = 0.15
_WORDISH = frozenset("0123456789-'’.·/&_")
#: Scripts written together in one word (Japanese mixes kanji and kana).
_EAST_ASIAN = dict.fromkeys(("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH"), "CJK")


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Return ``(text, encoding)`` for ``data``; raise InputError naming ``name`` if binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name), encoding
    _reject_binary(data, name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _guess(data, name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(name, f"binary file, not text: invalid {encoding} ({exc.reason})") from exc


def _reject_binary(data: bytes, name: str) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(name, f"binary file, not text: looks like a {kind}")
    if b"\x00" in data[:65536]:
        raise InputError(name, "binary file, not text: contains NUL bytes")


def _guess(data: bytes, name: str) -> tuple[str, str]:
    """Among the decodings with the fewest odd words, the most common encoding whose language
    coherence is within :data:`_COHERENCE_MARGIN` of the best one."""
    fast = _plain_western(data)
    if fast is not None:
        return fast, _ALWAYS[0]
    decoded = _decodings(data)
    if not decoded:
        raise InputError(name, "binary file, not text: not UTF-8 and no text encoding fits")
    fewest = min(odd for odd, _, _ in decoded.values())
    if fewest[0] > _MAX_ODD:
        raise InputError(name, "binary file, not text: not UTF-8 and no text encoding fits")
    tied = {enc: (coh, text) for enc, (odd, coh, text) in decoded.items() if odd <= fewest}
    best = max(coh for coh, _ in tied.values())
    eligible = [enc for enc, (coh, _) in tied.items() if coh >= best - _COHERENCE_MARGIN]
    chosen = min(eligible, key=_prior)
    return tied[chosen][1], chosen


def _plain_western(data: bytes) -> str | None:
    """The cp1252 reading when it is flawless (no odd word, one alphabet): skips the guessing."""
    try:
        text = data.decode(_ALWAYS[0])
    except UnicodeDecodeError:
        return None
    return text if implausibility(text) == 0 and foreign_letters(text) == 0 else None


def _decodings(data: bytes) -> dict[str, tuple[tuple[float, float], float, str]]:
    """encoding -> ((implausibility, foreign letters), coherence, text) per fitting encoding."""
    from charset_normalizer import from_bytes
    from charset_normalizer.cd import coherence_ratio

    names = list(_ALWAYS)
    for match in from_bytes(data[:200_000]):
        names += [match.encoding, *match.could_be_from_charset]
    found: dict[str, tuple[tuple[float, float], float, str]] = {}
    for encoding in dict.fromkeys(names):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        languages = coherence_ratio(text[:20_000])
        odd = (implausibility(text), round(foreign_letters(text), 2))
        found[encoding] = (odd, max((r for _, r in languages), default=0.0), text)
    return found


def _prior(encoding: str) -> tuple[int, int]:
    """Rank of ``encoding`` by how often news text comes in it (common first)."""
    normal = encoding.lower().replace("-", "_")
    for rank, prefix in enumerate(_COMMON):
        if normal == prefix:
            return (0, rank)
    return (1, len(normal)) if not normal.startswith(("cp", "mac")) else (2, len(normal))


def implausibility(text: str) -> float:
    """Share of words that look like mojibake or binary (0 = all plausible).

    A word in another script than most words counts half ("詁" amid Croatian words).
    """
    counts = Counter(text.split())
    if not counts:
        return 1.0
    scripts = {word: _word_script(word) for word in counts}
    tally: Counter[str] = Counter()
    for word, n in counts.items():
        script = scripts[word]
        if script:
            tally[script] += n
    main = tally.most_common(1)[0][0] if tally else None
    odd = sum(n * _oddness(word, scripts[word], main) for word, n in counts.items())
    return odd / counts.total()


def _oddness(word: str, script: str | None, main: str | None) -> float:
    if _odd(word):
        return 1.0
    return 0.5 if script and script != main else 0.0


def _word_script(word: str) -> str | None:
    if word.isascii():
        return "LATIN" if any(ch.isalpha() for ch in word) else None
    return next((_script(ch) for ch in word if ch.isalpha()), None)


def foreign_letters(text: str) -> float:
    """Share of accented Latin letters outside the alphabet of the best-fitting language.

    Mojibake mixes letters no single language uses together ("Pøedseda" has ø from Danish
    and the rest from Czech); a right decoding stays within one alphabet.
    """
    counts = Counter(ch for ch in text.lower() if ord(ch) > 0x7F and _script(ch) == "LATIN")
    total = sum(counts.values())
    if not total:
        return 0.0
    misfit = min(sum(n for ch, n in counts.items() if ch not in abc) for abc in _ALPHABETS)
    return misfit / total


def _odd(word: str) -> bool:
    if word.isascii():
        return not word.isprintable()
    core = word.strip("\"'«»„“”‚‘’()[]{}<>.,;:!?¡¿…–—-*")
    if any(unicodedata.category(ch)[0] == "C" for ch in word):
        return True
    letters = [ch for ch in core if ch.isalpha()]
    if not letters:
        return False
    if any(not (unicodedata.category(ch)[0] in "LM" or ch in _WORDISH) for ch in core):
        return True
    return len(_scripts(letters)) > 1 or _mostly_accented(letters) or _odd_case(letters)


def _scripts(letters: list[str]) -> set[str]:
    return {_script(ch) for ch in letters}


@lru_cache(maxsize=8192)
def _script(ch: str) -> str:
    if ord(ch) < 0x80:
        return "LATIN"
    script = unicodedata.name(ch, "UNKNOWN ?").split()[0].split("-")[0]
    return _EAST_ASIAN.get(script, script)


def _mostly_accented(letters: list[str]) -> bool:
    """Latin words made mostly of accented letters are mojibake ("Ïðåçèäåíò")."""
    if len(letters) < 4 or _scripts(letters) != {"LATIN"}:
        return False
    return sum(ord(ch) > 0x7F for ch in letters) * 2 > len(letters)


def _odd_case(letters: list[str]) -> bool:
    """An accented capital inside a lower-case word ("GrŲŖe", "ĄZitat") or alone ("Ė")."""
    if len(letters) == 1:
        return ord(letters[0]) > 0x7F and letters[0].isupper()
    if all(ch.isupper() for ch in letters):
        return False
    return any(ch.isupper() and ord(ch) > 0x7F for ch in letters[1:])
