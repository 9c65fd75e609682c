"""Credits: agency credit lines, photo credits and the sources a body cites, kept apart.

Generic rules over the agency table in :mod:`storyline.text.agencies`; no outlet's strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from storyline.model import Credits
from storyline.text.agencies import NEWS, Agency, canonical_agency, find_agency, mention_pattern
from storyline.text.segment import sentence_spans

METHOD = "clean.credits.v2"
__all__ = [
    "METHOD",
    "canonical_agency",
    "merge_credits",
    "parse_agency_credit",
    "parse_photo_credit",
    "quoted_sources",
    "split_leading_credit",
    "split_trailing_credit",
]

#: Longest string still taken for a credit line.
MAX_CREDIT_CHARS = 100
MAX_PHOTO_CHARS = 160

_AGENCY_LABEL = re.compile(
    r"^(?:(?:quellen?|sources?|agenturen|agentur|credit)\s*:\s*"
    r"|(?:mit|with)\s+(?:agentur)?material\s+(?:von|der|des|aus|from|by)\s+(?:(?:den|der|the)\s+)?"
    r"(?:(?:nachrichten)?agentur(?:en)?\s+|news\s+agenc(?:y|ies)\s+)?"
    r"|(?:additional\s+)?(?:material|reporting)\s+(?:von|from|by)\s+"
    r"|(?:with|avec|con)\s+(?:(?:información|informazioni|material|reporting)\s+(?:de|di|from)\s+)?"
    r"(?:l['’]\s*|la\s+|las\s+|les\s+)?(?:agences?\s+|agencias?\s+|agenzie\s+)?"
    r"|(?:(?:dernières\s+)?dépêches|télégrammes|service\s+spécial)\s+(?:de\s+l['’]\s*|des\s+|de\s+)"
    r"|(?:fuentes?|fonte|fonti)\s*:\s*)",
    re.IGNORECASE,
)
_DASH_PREFIX = re.compile(r"^[-–—]\s*")
_OPENS_DATELINE = re.compile(r"[(\[{\-–—]")
_PHOTO_WORDS = re.compile(r"photo|foto|bild|image|bélino|belino|grafik|archiv|symbol", re.I)
_TOKEN_SPLIT = re.compile(r"\s*(?:/|,|;|\+|&|\bund\b|\band\b)\s*")
_DESK = re.compile(r"^(?:[a-zäöü]{1,5}\.?|[A-ZÄÖÜ]{1,4}\.?|[A-ZÄÖÜ][a-zäöü]{1,5}\.)$")
_PAREN_TAIL = re.compile(rf"\s*[(\[]([^()\[\]]{{1,{MAX_CREDIT_CHARS}}})[)\]]\s*$")

_PHOTO_LABEL = re.compile(
    r"^[(\[]?\s*(?:(?:foto|fotos|bild|bilder|bildquelle|fotoquelle|photo|photos|image|images|"
    r"picture|pictures|quelle|source|credit|credits|copyright|fotograf|photograph|titelbild|"
    r"symbolbild|archivbild|archivfoto|grafik|illustration|video)\s*(?::|©)|©|\(c\)|copyright\b)"
    r"\s*(.+?)\s*[)\]]?$",
    re.IGNORECASE,
)
_PHOTO_SPLIT = re.compile(r"\s*(?:/|,|;|\||&|\bvia\b|\bund\b|\band\b|\s[-–—]\s)\s*", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d\s*")
_LABEL_FREE = re.compile(r"^[(\[]?\s*(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_WEAK_LABEL = re.compile(r"^[(\[]?\s*(?:quelle|source|credit)", re.IGNORECASE)
_LETTER_WORD = re.compile(r"\w*[^\W\d_]\w*")
_FOOTER = re.compile(
    r"rechte vorbehalten|rights reserved|droits réservés|impressum|datenschutz|powered by|"
    r"designed by|privacy",
    re.IGNORECASE,
)

#: Reporting cues: substrings, and words that count only whole (both case-insensitive).
_REPORT_PARTS = (
    "berichte meldete meldet meldung zufolge teilte mitteilte zitiert berufung gegenüber sagte "
    "erklärte schrieb verbreitete report citing quoted"
).split() + ["nach angaben", "according to"]
_REPORT_WORDS = r"\b(?:laut|told|said|cited?|says|wrote)\b"
_NOUN_PARTS = "agentur zeitung sender agency wire newspaper broadcaster".split()
_REPORT = "|".join([*_REPORT_PARTS, _REPORT_WORDS])
#: The cues as regexes (their definition); :func:`_has_cue` gives the same answers, faster.
_REPORT_CUE = re.compile(_REPORT, re.IGNORECASE)
_CUE = re.compile("|".join([_REPORT, *_NOUN_PARTS]), re.IGNORECASE)
_WHOLE_WORD_CUE = re.compile(_REPORT_WORDS)
_OUTLET_NOUN = (
    r"(?:Tages|Wochen|Wirtschafts|Sonntags|Boulevard|Regional)?[Zz]eitung|[Nn]achrichtenagentur|"
    r"Staatsagentur|Agentur|(?:Fernseh|Radio|Staats|Nachrichten)?[Ss]ender|Staatsfernsehen|"
    r"(?:Nachrichten)?[Mm]agazin|Wochenmagazin|Blatt|(?:Nachrichten|Online)?[Pp]ortal|"
    r"newspaper|daily|broadcaster|news agency|agency|network|magazine|outlet|channel|tabloid|"
    r"weekly|station"
)
_QUOTED_NAME = r"[«„“\"‚‹‘']([A-ZÄÖÜ0-9][^«»„“”\"‹›‘’\n]{1,59})[»“”\"‘’›']"
_CAP_WORD = r"[A-ZÄÖÜ][\w&.'’\-]*"
_PLAIN_NAME = rf"({_CAP_WORD}(?:\s+(?:{_CAP_WORD}|of|de|du|di|la|el)){{0,4}})"
_OUTLET = re.compile(rf"\b(?:{_OUTLET_NOUN})\s*,?\s+(?:{_QUOTED_NAME}|{_PLAIN_NAME})")
_AGENCY_NEXT = re.compile(r"^\W{0,3}(?:news\s+)?agen(?:cy|tur)\b", re.IGNORECASE)
_AGENCY_PREV = re.compile(r"agen(?:tur|cy)\W{0,3}$", re.IGNORECASE)
_NOT_NAMES = frozenset(
    "Ende Anfang Mitte Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar "
    "Februar März April Mai Juni Juli August September Oktober November Dezember Jahr Jahren "
    "Woche Wochen Tag Tagen Monday Tuesday Wednesday Thursday Friday Saturday Sunday In On "
    "It He She They We Er Sie Es Am Im Auf Nach Zeit".split()
)


def _fold(text: str) -> str:
    """``text`` lowercased as the regex engine compares case-insensitively (length kept)."""
    return text.replace("\u0130", "i").lower().replace("\u0131", "i").replace("\u017f", "s")


def _has_report_cue(folded: str) -> bool:
    """Same answer as ``_REPORT_CUE.search`` on the unfolded text."""
    return any(w in folded for w in _REPORT_PARTS) or bool(_WHOLE_WORD_CUE.search(folded))


def _has_cue(folded: str) -> bool:
    """Same answer as ``_CUE.search`` on the unfolded text."""
    return any(w in folded for w in _NOUN_PARTS) or _has_report_cue(folded)


def _uniq(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for x in items if x))


_NONE = Credits()


def merge_credits(*cs: Credits) -> Credits:
    """Order-preserving, de-duplicated union of every field of ``cs``."""
    cs = tuple(c for c in cs if c != _NONE)
    if not cs:
        return _NONE
    fields = ("agencies", "desk", "photo", "photo_agencies", "quoted_sources", "lines")
    spans = tuple(dict.fromkeys(s for c in cs for s in c.spans))
    return Credits(**{f: _uniq(x for c in cs for x in getattr(c, f)) for f in fields}, spans=spans)


def _agency_body(s: str) -> str:
    body = s.strip().rstrip(".")
    if body[:1] in "([" and body[-1:] in ")]":
        body = body[1:-1].strip()
    body = _DASH_PREFIX.sub("", body)
    return _AGENCY_LABEL.sub("", body, count=1).strip()


def _classify(tokens: list[str], bare: bool) -> tuple[list[str], list[str]] | None:
    agencies: list[Agency] = []
    desk: list[str] = []
    for token in tokens:
        agency = find_agency(token)
        if agency:
            agencies.append(agency)
        elif _DESK.match(token):
            desk.append(token.rstrip("."))
        else:
            return None
    if not any(a.kind == NEWS and not (bare and a.strict) for a in agencies):
        return None
    return [a.name for a in agencies], desk


def parse_agency_credit(s: str) -> Credits | None:
    """Credits of an agency credit string ("(sda/reuters/mdl)", "Mit Material von dpa"), or None.

    Every slash/comma/"und"-separated token must be a known agency or short desk initials,
    and at least one must be a news agency; so a sentence that mentions an agency is no credit.
    A bare word that is also a common word ("Mehr") is no credit on its own; a photo
    credit ("(AP Photo)", "(Archivbild)") is none.
    """
    if not s or len(s) > MAX_CREDIT_CHARS:
        return None
    body = _agency_body(s)
    tokens = [t for t in _TOKEN_SPLIT.split(body) if t]
    bare = len(tokens) == 1 and body == s.strip().rstrip(".… ").strip()
    found = _classify(tokens, bare) if tokens else None
    if found is None or _PHOTO_WORDS.search(s):
        return None
    return Credits(agencies=_uniq(found[0]), desk=_uniq(found[1]), lines=(s.strip(),))


def _last_sentence(paragraph: str) -> tuple[str, str] | None:
    spans = sentence_spans(paragraph, None)
    if len(spans) < 2:
        return None
    start, end = spans[-1]
    return paragraph[:start], paragraph[start:end]


def split_trailing_credit(paragraph: str) -> tuple[str, Credits | None]:
    """Cut an agency credit off the end of ``paragraph``: ``(rest stripped, credits or None)``.

    Handles a paragraph that is only a credit, a trailing "(dpa/red)" and a last sentence
    such as "Mit Material von dpa und AFP.".
    """
    whole = parse_agency_credit(paragraph.strip())
    if whole:
        return "", whole
    tail = _PAREN_TAIL.search(paragraph) if paragraph.rstrip().endswith((")", "]")) else None
    if tail and (found := parse_agency_credit(tail.group(0).strip())):
        return paragraph[: tail.start()].strip(), found
    if not mention_pattern().search(paragraph[-160:]):  # no agency near the end: no credit
        return paragraph.strip(), None
    last = _last_sentence(paragraph)
    if last and (found := parse_agency_credit(last[1])):
        return last[0].strip(), found
    return paragraph.strip(), None


def split_leading_credit(paragraph: str) -> tuple[str, Credits | None]:
    """Cut a dateline credit such as "Moskau (dpa) - " off the start of ``paragraph``
    (the dateline grammar of :mod:`storyline.clean.grammar`)."""
    from storyline.clean.grammar import DASHES_AFTER, dateline  # grammar builds on this module

    text = paragraph.strip()
    span = dateline(text, 0) if _OPENS_DATELINE.search(text, 0, 160) else None
    if span is None or span.end is None:
        return text, None
    found = Credits(agencies=span.agencies, lines=(span.surface,), spans=(span,))
    return DASHES_AFTER.sub("", text[span.end :], count=1).strip(), found


def _photo_agencies(credit: str) -> tuple[str, ...]:
    tokens = (_YEAR.sub("", t) for t in _PHOTO_SPLIT.split(credit))
    return _uniq(canonical_agency(t) or "" for t in tokens if t)


def parse_photo_credit(line: str) -> Credits | None:
    """Credits of a photo credit line ("Foto: X/AP/dpa", "© dpa", "Bild: Keystone"), or None.

    ``photo`` is the credit after the label, ``photo_agencies`` the agencies named as whole
    slash-separated parts. A "Quelle:/Source:" line naming a news agency is an agency credit;
    site footers ("© 2023 Verlag. Alle Rechte vorbehalten") and bare "©" lines naming no
    agency and no photographer/agency pair are no photo credits.
    """
    text = line.strip()
    m = _PHOTO_LABEL.match(text) if 0 < len(text) <= MAX_PHOTO_CHARS else None
    if not m or len(m.group(1).split()) > 12:
        return None
    credit = m.group(1).strip()
    agencies = _photo_agencies(credit)
    if _FOOTER.search(text) or _LABEL_FREE.match(text) or _WEAK_LABEL.match(text):
        if parse_agency_credit(text) or (not agencies and "/" not in credit):
            return None
    if len(_LETTER_WORD.findall(credit)) > 8 and not agencies and "/" not in credit:
        return None
    return Credits(photo=(credit,), photo_agencies=agencies, lines=(text,))


def _credit_free_lines(text: str) -> Iterable[str]:
    """Lines that may cite a source (a cue word), without photo credits, trailing agency
    credits and datelines."""
    for line in text.split("\n"):
        if _has_cue(_fold(line)) and parse_photo_credit(line) is None:
            body, _ = split_trailing_credit(line)
            body, _ = split_leading_credit(body)
            if body:
                yield body


def _mention_ok(agency: Agency, found: str, before: str, after: str) -> bool:
    if agency.kind != NEWS or (found.islower() and not agency.name.islower()):
        return False
    if len(found) <= 3 and found.isalpha() and not agency.name.islower() and not found.isupper():
        return False
    if agency.strict:
        return bool(_AGENCY_PREV.search(before) or _AGENCY_NEXT.match(after))
    return True


def _agency_mentions(sentence: str) -> list[tuple[int, str]]:
    out = []
    for m in mention_pattern().finditer(sentence):
        agency = find_agency(m.group(0))
        before, after = sentence[max(0, m.start() - 30) : m.start()], sentence[m.end() :]
        if agency and _mention_ok(agency, m.group(0), before, after):
            out.append((m.start(), agency.name))
    return out


def _outlet_name(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1).strip(" .,;:")
    words = m.group(2).strip(" .,;:").split()
    while words and words[-1] in _NOT_NAMES | {"of", "de", "du", "di", "la", "el"}:
        words.pop()
    name = " ".join(words) if words and words[0] not in _NOT_NAMES else ""
    return name if len(name) > 2 else ""


def _outlet_mentions(sentence: str) -> list[tuple[int, str]]:
    out = []
    for m in _OUTLET.finditer(sentence):
        name = _outlet_name(m)
        if name:
            out.append((m.start(), canonical_agency(name) or name))
    return out


def quoted_sources(text: str, language: str | None = "de") -> tuple[str, ...]:
    """Agencies and outlets the body cites ("wie die Nachrichtenagentur Tass berichtete").

    A known news agency counts in a sentence with a reporting cue ("berichtete", "laut",
    "according to", "told", "Agentur"); in a sentence with a reporting verb, a capitalised or
    quoted name right after a word such as "Zeitung", "Sender" or "newspaper" counts too.
    Credit lines are skipped.
    """
    found: list[str] = []
    for line in _credit_free_lines(text):
        if not (mention_pattern().search(line) or _OUTLET.search(line)):
            continue
        for start, end in sentence_spans(line, language):
            sentence = line[start:end]
            folded = _fold(sentence)
            hits = _outlet_mentions(sentence) if _has_report_cue(folded) else []
            if _has_cue(folded):
                hits += _agency_mentions(sentence)
            found.extend(name for _, name in sorted(hits))
    return _uniq(found)
