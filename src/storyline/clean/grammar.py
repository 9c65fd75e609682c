"""The credit grammar: where agency credits stand in a report and how they are written.

A credit counts only where its form says it is one: a dateline opening a paragraph
("Berlin (dpa) -", "PARIS, 3 mars (AFP) -", "(Reuters) -"), a tag closing a paragraph
("... sofort. ( ap )", "/ ats-afp"), or a line that is a credit as a whole: a byline ("Von
Anna Muster, dpa"), a house sign-off ("Reporting by ...; Editing by ..."), a copyright line
("© dpa-infocom, dpa:...") or a closing tag ("Mit Material von dpa", "with AFP"). The words
of every language (de, en, fr, it, es, ...) are tried on every text, since a report's
language is not its credit's. Agencies, aliases and house forms come from
``storyline/data/agencies.tsv``. Every regex is anchored or bounded, so a 2 MB line costs
linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from storyline.clean.credits import parse_agency_credit
from storyline.model import Credits, CreditSpan
from storyline.text.agencies import AGENCIES, NEWS, find_agency

DATELINE, TAG, BYLINE, SIGN_OFF, COPYRIGHT = "dateline", "tag", "byline", "sign-off", "copyright"
KINDS = (DATELINE, TAG, BYLINE, SIGN_OFF, COPYRIGHT)

#: Words a dateline may hold besides place names and numbers, per language.
MONTHS = {
    "de": "januar jan jänner februar feb märz mär mrz april apr mai juni jun juli jul august aug "
    "september sept sep oktober okt november nov dezember dez",
    "en": "january jan february feb march mar april apr may june jun july jul august aug "
    "september sept sep october oct november nov december dec",
    "fr": "janvier janv jan février févr fév fev mars avril avr mai juin juillet juil août aout "
    "septembre sept octobre oct novembre nov décembre déc dec",
    "it": "gennaio gen febbraio feb marzo mar aprile apr maggio mag giugno giu luglio lug "
    "agosto ago settembre set ottobre ott novembre nov dicembre dic",
    "es": "enero ene febrero feb marzo mar abril abr mayo may junio jun julio jul agosto ago "
    "septiembre sep sept octubre oct noviembre nov diciembre dic",
}
PARTICLES = {
    "de": "den am im an der bei ob",
    "en": "of the on",
    "fr": "de du des la le les sur en er",
    "it": "di del della da",
    "es": "de del la el los las y",
}
#: Words that open a sentence, not a place: "Die Regierung (dpa) hat" is no dateline.
SENTENCE_WORDS = {
    "de": "der die das ein eine er sie es wir ich man auch doch",
    "en": "the a an he she it they we i this that",
    "fr": "il elle ils on nous ce cette un une",
    "it": "il lo gli uno una questo questa",
    "es": "el lo un una este esta ellos",
}
#: Byline words ("Von X, dpa", "By X | AFP", "Par X (AFP)").
BY_WORDS = {"de": "von", "en": "by", "fr": "par", "it": "di", "es": "por"}
RIGHTS = (
    "all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    "todos los derechos reservados|tutti i diritti riservati"
)


def _words(table: dict[str, str]) -> frozenset[str]:
    return frozenset(w for words in table.values() for w in words.split())


_MONTHS = _words(MONTHS)
_PARTICLES = _words(PARTICLES) | {"er", "e", "st", "nd", "rd", "th"}
_SENTENCE = _words(SENTENCE_WORDS)
_BY = "|".join(sorted(set(BY_WORDS.values())))

#: How far into a paragraph a dateline's bracket may stand, and how long its brackets are.
MAX_PLACE = 80
#: Longest whole-line tag read with OCR repairs ("( A. F. P. )", "ats-afp-ap").
MAX_OCR_TAG = 60
_OPENERS = re.compile(r"[(\[{\-–—]")
_DASH = re.compile(r"[-–—]")
#: A short line that may be a tag only after OCR repairs: dotted initials or joined agencies.
_OCR_HINT = re.compile(r"(?:[A-Za-z][ \t]*\.[ \t]*){2}|\w-\w")
#: A line holds a dateline or a tag only where one of these stands.
_CREDIT_MARK = re.compile(r"[(\[{/–—]|\s-|-\s")
#: How far into a text whose title runs into its body the dateline may stand.
LEAD_CHARS = 400
MAX_LINE_CREDIT = 300
_GROUP = re.compile(r"[(\[{]([^()\[\]{}]{1,60})[)\]}]")
_AFTER = re.compile(r"[ \t\n]*(?P<sep>[.,]?[ \t\n]*[-–—]+|[.:](?=[ \t\n]))?[ \t\n]*")
_DASHED = re.compile(r"[-–—][ \t\n]*(?P<ag>[^\W\d][^-–—\n()]{0,30}?)[ \t\n]*[.,]?[ \t\n]*[-–—]")
_TOKEN = re.compile(
    r"\d+(?:er|e|st|nd|rd|th)?\.?|[^\W\d_][\w'’./\-]*|\([^()]{1,24}\)|\[[^\[\]]{1,24}\]|\S"
)
_NOISE = frozenset(",.;:-–—/'’~•¦|*_°\"")
_QUOTES_OPEN, _QUOTES_CLOSE = '„“«‹"', '“”»›"'
_LEAD = re.compile(r"[ \t•¦|~*·>-]*")
_DOTTED = re.compile(r"^(?:[A-Za-z][ \t]*\.[ \t]*){2,5}$")
_TAIL_GROUP = re.compile(r"[(\[{]([^()\[\]{}]{1,60})[)\]}][ \t]*[.,;]?[ \t]*$")
_SLASH_TAG = re.compile(r"[.!?)»”\"][ \t]*/[ \t]*([A-Za-z][\w\-]{1,30})[ \t]*$")
_FINAL_BARE = re.compile(r"[.!?»”][ \t]+([A-Z]{2,6})[ \t]*$")
_ENDS = '.!?…:;»”“")]'
_BYLINE = re.compile(
    rf"^(?i:{_BY})\s+(?P<rest>.{{1,100}})$",
)
_NAME_TAIL = re.compile(
    r"^(?P<name>[A-ZÄÖÜÉ][\w.'’-]*(?:\s+(?:(?i:und|and|et|e|y|&|von|van|de|der|di)\s+)?"
    r"[A-ZÄÖÜÉ][\w.'’-]*){0,5})\s*(?:[,|/–—]\s*|-\s+|(?=\())(?P<tail>.{1,60})$"
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b)[\s©]*(?P<year>(?:19|20)\d\d\b)?[\s,.]*(?P<ag>[^©]{1,60}?)"
    rf"[\s.,]*(?P<rights>(?:{RIGHTS})\.?)?$",
    re.IGNORECASE,
)


def normalize_credit(body: str) -> str:
    """A bracket's credit as the agency table spells it: OCR spaces and dots dropped
    ("A. F. P." -> "AFP", "Havas ." -> "Havas")."""
    body = " ".join(body.split()).strip(" .,;:")
    if _DOTTED.match(body + "."):
        return re.sub(r"[\s.]", "", body)
    return body


@lru_cache(maxsize=8192)
def agency_credit(body: str, *, bracketed: bool = True) -> Credits | None:
    """The credit a bracket's or tag's body names ("sda/reuters/mdl", "Afp-Ap", "D. N. B."),
    or None. ``bracketed=False``: the body stood alone, so a lone strict name ("Mehr") is none.

    Photo credits ("AP Photo", "Archivbild", "REUTERS/John Smith") are no agency credits.
    """
    text = normalize_credit(body)
    wrap = "({})" if bracketed else "{}"
    found = parse_agency_credit(wrap.format(text)) if text else None
    if found is None and "-" in text:  # "ats-afp-ap": every part an agency, no desk
        found = parse_agency_credit(wrap.format(re.sub(r"\s*-\s*", "/", text)))
        found = None if found is None or found.desk else found
    return found


def tag_line(line: str) -> Credits | None:
    """A line that is a closing tag as a whole ("(sda/reuters/mdl)", "Mit Material von dpa",
    "with AFP", "( A. F. P. )"), with its span (offsets unset); else None."""
    text = line.strip()
    found = parse_agency_credit(text)
    short = len(text) <= MAX_OCR_TAG and text.count(" ") <= 8
    if found is None and short and _OCR_HINT.search(text):
        inner = text[1:-1] if text[:1] in "([{" and text[-1:] in ")]}" else None
        found = agency_credit(inner) if inner else agency_credit(text, bracketed=False)
    if found is None:
        return None
    span = CreditSpan(TAG, text, found.agencies)
    return Credits(agencies=found.agencies, desk=found.desk, lines=(text,), spans=(span,))


def _span(kind: str, found: Credits, text: str, start: int, end: int) -> CreditSpan:
    return CreditSpan(kind, text[start:end], found.agencies, start, end)


def _place_ok(prefix: str) -> tuple[bool, bool, bool]:
    """Whether ``prefix`` reads as a dateline's place and date: (ok, has a date, all caps)."""
    words, date, caps, first = 0, False, True, True
    for token in _TOKEN.findall(prefix):
        key = token.rstrip(".").lower()
        if token[0].isdigit() or (key in _MONTHS and not first):
            date = True
        elif token[0] in "([" or token in _NOISE:
            continue
        elif token[0].isupper() and not (first and key in _SENTENCE):
            words += 1
            caps = caps and (token.isupper() or len(token) <= 2)
        elif first or key not in _PARTICLES:
            return False, False, False
        first = False
    return words <= 6 and (words > 0 or date), date, caps and words > 0


def _dateline_ok(prefix: str, sep: str | None, following: str) -> bool:
    """A bracket credit after ``prefix`` opens a report: dashed, or a place and capital."""
    prefix = prefix.strip()
    if len(prefix) > MAX_PLACE or "\n" in prefix or (prefix and prefix[0] in _QUOTES_OPEN):
        return False
    dashed = bool(sep and any(c in sep for c in "-–—"))
    if not prefix:
        return dashed
    ok, date, caps = _place_ok(prefix)
    if not ok:
        return False
    capital = bool(following) and (following[0].isupper() or following[0] in _QUOTES_OPEN)
    if sep and sep.strip() == ":":  # "Jakarta [Indonesia], Jan 1 (ANI): At least ..."
        return date and capital
    short = len(prefix.split()) <= 3
    return dashed or (capital and (date or caps or short or prefix[-1] in ",."))


def dateline(text: str, start: int) -> CreditSpan | None:
    """The dateline opening the paragraph at ``start`` of ``text``, or None."""
    lead = _LEAD.match(text, start)
    begin = lead.end() if lead else start
    window = text[begin : begin + MAX_PLACE + 80]
    if not _OPENERS.search(window):
        return None
    for m in _GROUP.finditer(window):
        if m.start() > MAX_PLACE or "\n" in window[: m.start()].rstrip():
            break
        found = agency_credit(m.group(1))
        after = _AFTER.match(window, m.end())
        sep = after["sep"] if after else None
        if found and after and _strict_ok(found, sep, window[: m.start()]):
            if _dateline_ok(window[: m.start()], sep, window[after.end() :]):
                return _span(DATELINE, found, text, begin, begin + m.end())
    return _dashed_dateline(text, begin, window)


def lead_dateline(text: str, start: int, stop: int) -> CreditSpan | None:
    """A dateline inside ``text[start:stop]``, the lead of a text whose title runs into its
    body ("Devisen: Eurokurs gibt nach FRANKFURT (dpa-AFX) - Der ..."): the place is the
    longest run of words before the bracket that reads as one."""
    for m in _GROUP.finditer(text, start, stop):
        found = agency_credit(m.group(1))
        after = _AFTER.match(text, m.end())
        if found is None or after is None or _inside_quote(text[start : m.start()]):
            continue
        sep, following = after["sep"], text[after.end() : after.end() + 1]
        for b in _word_starts(text, max(start, m.start() - MAX_PLACE), m.start()):
            prefix = text[b : m.start()]
            if _strict_ok(found, sep, prefix) and _dateline_ok(prefix, sep, following):
                return _span(DATELINE, found, text, b, m.end())
    return None


def _word_starts(text: str, lo: int, hi: int) -> list[int]:
    """Where words start in ``text[lo:hi]`` (after a space or tab), leftmost first."""
    return [i for i in range(max(lo, 1), hi) if text[i - 1] in " \t" and text[i] not in " \t"]


def _dashed_dateline(text: str, begin: int, window: str) -> CreditSpan | None:
    """ "WASHINGTON, 12. — Reuter. — Le ...": an agency between two dashes after place, date."""
    for n, dash_match in enumerate(_DASH.finditer(window, 1, MAX_PLACE + 1)):
        dash = dash_match.start()
        if n == 3:
            break
        m = _DASHED.match(window, dash)
        if not m or "\n" in window[:dash].rstrip():
            continue
        ok, date, _ = _place_ok(window[:dash])
        found = agency_credit(m["ag"], bracketed=False) if ok and date else None
        if found:
            return _span(DATELINE, found, text, begin, begin + m.end("ag"))
    return None


def _strict_ok(found: Credits, sep: str | None, prefix: str) -> bool:
    """A dateline naming only agencies that are also common words ("(SPA)", "(Exchange)")
    needs a dash after its bracket or a date before it."""
    if sep and any(c in sep for c in "-–—"):
        return True
    if any((a := find_agency(name)) is not None and not a.strict for name in found.agencies):
        return True
    return _place_ok(prefix)[1]


def _inside_quote(before: str) -> bool:
    opened = sum(before.count(q) for q in "„«‹")
    closed = sum(before.count(q) for q in "»›")
    low, high = before.count("“"), before.count("”")
    return opened > closed or (opened == 0 and low > high) or before.count('"') % 2 == 1


def closing_tag(text: str, start: int, end: int) -> CreditSpan | None:
    """A tag closing the paragraph ``text[start:end]`` ("... sofort. ( ap )", "/ ats-afp")."""
    line = text[start:end]
    closes = line.rstrip(" \t.,;")[-1:] in ")]}"
    m = _TAIL_GROUP.search(line, max(0, len(line) - 90)) if closes else None
    before = line[: m.start()].rstrip(" \t") if m else ""
    last = end == len(text) and before.endswith(",")  # "..., (ats)" ends a text too
    if m and (not before or before[-1] in _ENDS or last) and not _inside_quote(before):
        found = agency_credit(m.group(1))
        if found:
            return _span(TAG, found, text, start + m.start(), start + m.end(0) - _trail(m[0]))
    m = _SLASH_TAG.search(line, max(0, len(line) - 40)) if "/" in line[-40:] else None
    found = agency_credit(m.group(1), bracketed=False) if m else None
    if m and found:
        return _span(TAG, found, text, start + m.start(1), start + m.end(1))
    return None


def _trail(s: str) -> int:
    return len(s) - len(s.rstrip(" \t.,;"))


@cache
def _forms() -> tuple[re.Pattern[str], tuple[tuple[str, str], ...]]:
    """One anchored regex for every house form of the data file, and (kind, agency) per group."""
    parts: list[str] = []
    owners: list[tuple[str, str]] = []
    for agency in AGENCIES:
        for kind, pattern in agency.forms:
            body = r"[^\n]{0,80}?".join(re.escape(p.strip()) for p in pattern.split("*"))
            body = body.replace(r"\ ", r"\s+")
            parts.append(f"(?P<f{len(owners)}>{body}{'' if pattern.endswith('*') else '$'})")
            owners.append((kind, agency.name))
    return re.compile("|".join(parts), re.IGNORECASE), tuple(owners)


@cache
def _form_starts() -> frozenset[str]:
    """The (lowercased) first characters of the house forms: a quick test before the regex."""
    return frozenset(p.lstrip()[:1].lower() for a in AGENCIES for _, p in a.forms)


@cache
def signed_line_starts() -> frozenset[str]:
    """First characters (lowercased) of every sign-off and copyright line: a quick test."""
    return _form_starts() | {"©", "(", "c"}


def house_form(line: str) -> Credits | None:
    """A sign-off or copyright line in an agency's house form (from the data file), or None."""
    pattern, owners = _forms()
    text = line.lstrip()
    if len(line) > MAX_LINE_CREDIT or text[:1].lower() not in _form_starts():
        return None
    m = pattern.match(text.rstrip())
    if not m or m.lastgroup is None:
        return None
    kind, name = owners[int(m.lastgroup[1:])]
    return _credit(kind, line.strip(), (name,))


def copyright_credit(line: str) -> Credits | None:
    """ "Copyright 2023 The Associated Press", "© 2024 AFP. All rights reserved.", or None.

    "© dpa" and "© 2012 APA/AP" stay photo credits: a copyright line needs the word
    "Copyright" or a rights phrase ("All rights reserved").
    """
    text = line.strip()
    if len(text) > MAX_LINE_CREDIT or text[:1] not in "©(Cc":
        return None
    m = _COPYRIGHT.match(text)
    if not m or not (m["rights"] or text[:1].lower() == "c"):
        return None
    found = agency_credit(m["ag"])
    return _credit(COPYRIGHT, text, found.agencies) if found else None


def byline_credit(line: str) -> Credits | None:
    """ "Von Anna Muster, dpa", "By X, The Associated Press", "By X | AFP", "Par X (AFP)"."""
    m = _BYLINE.match(" ".join(line.split())) if len(line) <= MAX_LINE_CREDIT else None
    if not m:
        return None
    rest = m["rest"]
    found = agency_credit(rest)
    if found is None and (named := _NAME_TAIL.match(rest)):
        tail = named["tail"].strip()
        found = agency_credit(tail[1:-1] if tail[:1] == "(" and tail[-1:] == ")" else tail)
    return _credit(BYLINE, line.strip(), found.agencies) if found else None


def _credit(kind: str, surface: str, agencies: tuple[str, ...]) -> Credits | None:
    news = tuple(a for a in agencies if (x := find_agency(a)) is not None and x.kind == NEWS)
    if not news:
        return None
    span = CreditSpan(kind, surface, news)
    return Credits(agencies=news, lines=(surface,), spans=(span,))


def line_credit(line: str) -> Credits | None:
    """The credit a whole line is, with its span (offsets unset): house form, copyright,
    byline or tag ("(sda/reuters/mdl)", "Mit Material von dpa", "with AFP"); else None."""
    text = line.strip()
    if not text or len(text) > MAX_LINE_CREDIT:
        return None
    return house_form(text) or copyright_credit(text) or byline_credit(text) or tag_line(text)


def _lines(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield start, end
        start = end + 1


def _line_span(text: str, start: int, end: int) -> CreditSpan | None:
    found = line_credit(text[start:end]) if end - start <= MAX_LINE_CREDIT else None
    if not found:
        return None
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    s = found.spans[0]
    return CreditSpan(s.kind, s.surface, s.agencies, start + lead, start + lead + len(s.surface))


def may_hold_credit(line: str) -> bool:
    """Quick test: only a line with a bracket, a slash or a dash can hold a dateline or a
    closing tag (a whole-line credit such as "Quelle: dpa" is read by :func:`line_credit`)."""
    return _CREDIT_MARK.search(line) is not None


def find_credits(text: str, *, final: bool = True, whole: bool = True) -> tuple[CreditSpan, ...]:
    """Every agency credit of ``text`` as spans with offsets into ``text``, in text order.

    Each line is a paragraph: a line that is a credit as a whole (unless ``whole=False``), a
    dateline opening it, a tag closing it; in the first paragraph also a dateline after a
    title run into it; a bare agency ("... coupée . ATS") only at the very end of the text,
    and only when ``final`` (the text ends the report).
    """
    spans: list[CreditSpan] = []
    for start, end in _lines(text):
        entire = _line_span(text, start, end) if whole else None
        if entire:
            spans.append(entire)
            continue
        if not _CREDIT_MARK.search(text, start, end + 4):  # a dateline may end on the next line
            continue
        opening = dateline(text, start)
        if opening is None and not spans and text[:start].strip() == "":
            opening = lead_dateline(text, start, min(end, start + LEAD_CHARS))
        spans += [opening] if opening else []
        closing = closing_tag(text, start, end)
        if closing and (opening is None or (closing.start or 0) >= (opening.end or 0)):
            spans.append(closing)
    return number_reports(tuple(spans) + (_final_bare(text) if final else ()))


def _final_bare(text: str) -> tuple[CreditSpan, ...]:
    m = _FINAL_BARE.search(text, max(0, len(text) - 20))
    agency = find_agency(m.group(1)) if m else None
    if not m or not agency or agency.kind != NEWS or agency.strict:
        return ()
    return (CreditSpan(TAG, m.group(1), (agency.name,), m.start(1), m.end(1)),)


def number_reports(spans: tuple[CreditSpan, ...]) -> tuple[CreditSpan, ...]:
    """``spans`` with ``report`` set: a page's n-th dateline opens its report n-1."""
    out, report = [], -1
    for s in spans:
        report += s.kind == DATELINE
        out.append(
            CreditSpan(s.kind, s.surface, s.agencies, s.start, s.end, s.lineno, max(report, 0))
        )
    return tuple(out)


def several_reports(spans: tuple[CreditSpan, ...]) -> str | None:
    """A note when ``spans`` hold several datelines (a page of several reports), else None."""
    datelines = [s for s in spans if s.kind == DATELINE]
    if len(datelines) < 2:
        return None
    agencies = dict.fromkeys(a for s in datelines for a in s.agencies)
    return f"{len(datelines)} datelined reports on one page: credited {', '.join(agencies)}"


def agency_mentions(surface: str) -> list[tuple[int, int, str]]:
    """Where in a credit's ``surface`` each agency is named: (start, end, canonical name)."""
    out = []
    for m in _MENTION.finditer(surface):
        agency = find_agency(normalize_credit(m.group(0)))
        dotted = surface[m.end() : m.end() + 1] == "." and bool(_DOTTED.match(m[0] + "."))
        if agency and agency.kind == NEWS:
            out.append((m.start(), m.end() + dotted, agency.name))
    return out


_MENTION = re.compile(r"[^/,;+&()\[\]{}\s\-–—:](?:[^/,;+&()\[\]{}\-–—:]*[^/,;+&()\[\]{}\s.\-–—:])?")


#: What follows a dateline's closing bracket before the report's first word.
DASHES_AFTER = re.compile(r"^[ \t]*[.,]?[ \t]*[-–—:]*[ \t]*")
