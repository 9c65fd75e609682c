"""Numbers, quantities, dates and times in German and English news text, normalised.

``parse_number("1.500", "de") == 1500``; ``"1,5 Millionen"`` is 1 500 000; units map to a
base unit (kilometres, EUR, persons, %...); each quantity keeps its qualifier ("mehr als",
"rund"), the noun it counts, and the phrase tying it to an anchor ("nördlich von
Wladiwostok", "von der Grenze zu China"), so different facts are not taken for one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.model import Quantity

METHOD = "compare.numbers.v1"

_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            "januar februar märz april mai juni juli august september "
            "oktober november dezember".split(),
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            "january february march april may june july august "
            "september october november december".split(),
            1,
        )
    },
    "jänner": 1,
    "maerz": 3,
    "sept": 9,
}
_DAYS = {
    **{
        d: i
        for i, d in enumerate("montag dienstag mittwoch donnerstag freitag samstag sonntag".split())
    },
    **{
        d: i
        for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())
    },
}
_DAY_NAMES = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_PARTS = {
    "morgen": "morning",
    "vormittag": "morning",
    "mittag": "noon",
    "nachmittag": "afternoon",
    "abend": "evening",
    "nacht": "night",
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "night": "night",
}
_WORDS = {
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "einem": 1,
    "einer": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "hundert": 100,
    "tausend": 1000,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozens": 24,
    "hunderte": 200,
    "tausende": 2000,
    "zehntausende": 20000,
    "hundreds": 200,
    "thousands": 2000,
    "dutzende": 24,
    "a": 1,
}
_ORDINALS = {
    "erste": 1,
    "ersten": 1,
    "erster": 1,
    "erstes": 1,
    "zweite": 2,
    "zweiten": 2,
    "zweiter": 2,
    "dritte": 3,
    "dritten": 3,
    "vierte": 4,
    "vierten": 4,
    "fünfte": 5,
    "fünften": 5,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
}
_SCALES = {
    "tausend": 1e3,
    "thousand": 1e3,
    "million": 1e6,
    "millionen": 1e6,
    "mio": 1e6,
    "mio.": 1e6,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "mrd": 1e9,
    "mrd.": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "millions": 1e6,
    "billionen": 1e12,
}
_QUALIFIERS = {
    "mehr als": "more_than",
    "über": "more_than",
    "mindestens": "more_than",
    "more than": "more_than",
    "over": "more_than",
    "at least": "more_than",
    "rund": "approx",
    "etwa": "approx",
    "ca.": "approx",
    "circa": "approx",
    "knapp": "approx",
    "fast": "approx",
    "nahezu": "approx",
    "gut": "approx",
    "ungefähr": "approx",
    "about": "approx",
    "around": "approx",
    "nearly": "approx",
    "almost": "approx",
    "roughly": "approx",
    "some": "approx",
    "approximately": "approx",
    "an estimated": "approx",
    "weniger als": "less_than",
    "unter": "less_than",
    "bis zu": "less_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "up to": "less_than",
}
# unit word -> (unit, dimension, factor to the base unit)
_UNITS: dict[str, tuple[str, str, float]] = {}


def _units(names: str, unit: str, dimension: str, factor: float = 1.0) -> None:
    for n in names.split():
        _UNITS[n.casefold()] = (unit, dimension, factor)


_units("km kilometer kilometern kilometre kilometres kilometers km²", "km", "length")
_units("m meter metern metre metres meters", "km", "length", 0.001)
_units("cm zentimeter zentimetern centimetres centimeters", "km", "length", 1e-5)
_units("meilen mile miles", "km", "length", 1.609344)
_units("% prozent percent prozentpunkte prozentpunkt", "%", "percent")
_UNITS["per cent"] = ("%", "percent", 1.0)
_units("€ euro eur", "EUR", "money")
_units("$ dollar us-dollar usd dollars", "USD", "money")
_units("£ pfund pound pounds gbp", "GBP", "money")
_units("franken chf", "CHF", "money")
_units("rubel rubles roubles", "RUB", "money")
_units("tonnen tonne tons tonnes t", "t", "mass")
_units("kilogramm kg kilograms", "t", "mass", 0.001)
_units("jahre jahren jahr years year", "years", "duration")
_units("monate monaten months", "months", "duration")
_units("wochen weeks", "weeks", "duration")
_units("tage tagen days", "days", "duration")
_units("stunden hours", "hours", "duration")
_units("minuten minutes", "minutes", "duration")
_units("grad °c", "°C", "temperature")
_PEOPLE = {
    "dead": "tote toten todesopfer getötet getötete tödlich dead killed deaths died",
    "injured": "verletzte verletzten verletzt injured wounded",
    "people": "menschen personen leute einwohner soldaten zuschauer helfer einsatzkräfte "
    "einsatzkräften mitarbeiter mitarbeitende beschäftigte flüchtlinge migranten opfer kinder "
    "demonstranten teilnehmer besucher people persons residents soldiers workers employees "
    "refugees migrants victims children protesters visitors spectators rescuers helpers "
    "firefighters police officers",
}
_PEOPLE_ROLE = {w: role for role, ws in _PEOPLE.items() for w in ws.split()}
_CUR_SIGN = {
    "€": "EUR",
    "$": "USD",
    "£": "GBP",
    "EUR": "EUR",
    "USD": "USD",
    "CHF": "CHF",
    "GBP": "GBP",
    "US$": "USD",
}

_NUM = r"\d{1,3}(?:[.,’'\u202f\u00a0 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_QUAL = "|".join(sorted(map(re.escape, _QUALIFIERS), key=len, reverse=True))
_WORDNUM = "|".join(sorted(_WORDS, key=len, reverse=True))
_SCALE = "|".join(sorted(map(re.escape, _SCALES), key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?:\b(?P<qual>{_QUAL})\s+)?(?P<cur>(?:[€$£]|\b(?:EUR|USD|CHF|GBP|US\$))\s?)?"
    rf"(?P<num>(?<![\d.,])(?:{_NUM})(?![\d])|\b(?:{_WORDNUM})\b)"
    rf"(?:\s*(?P<scale>(?:{_SCALE}))(?![\w]))?"
    rf"(?:\s*(?P<unit>%|°C|[€$£]|per\s+cent\b|[^\W\d_][\w\-²]*))?",
    re.IGNORECASE,
)
_MONTH = "|".join(_MONTHS)
_DATE_PATTERNS = [
    re.compile(rf"\b(?P<d>\d{{1,2}})\.\s*(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?\b", re.I),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})(?:,?\s+(?P<y>\d{{4}}))?\b", re.I
    ),
    re.compile(
        rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<y>\d{{4}}))?\b", re.I
    ),
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(r"(?<![\d.,])\b(?P<y>1[89]\d\d|20\d\d)\b(?![.,]\d)(?!\s*(?:%|Prozent|Euro|Dollar))"),
]
_DAY = re.compile(
    r"\b(?P<day>montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)(?P<part>morgen|vormittag|mittag|nachmittag|"
    r"abend|nacht)?(?:\s+(?P<part2>morning|afternoon|evening|night))?\b",
    re.I,
)
_TIME = re.compile(
    r"\b(?P<h>\d{1,2})(?:[.:](?P<min>\d{2}))?\s*Uhr\b|\b(?P<h2>\d{1,2}):(?P<min2>\d{2})\b"
    r"|\b(?P<h3>\d{1,2})(?::(?P<min3>\d{2}))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)",
    re.I,
)
_ORDINAL = re.compile(r"\b(?i:(?P<ord>" + "|".join(_ORDINALS) + r"))\s+(?P<noun>\w+)")
_FRAME = re.compile(r"\b(seit|since|nach|after)\b", re.I)
_RELATION = re.compile(
    r"^\s*(?P<rel>(?:(?:\w+lich|nördlich|südlich|östlich|westlich|north|south|east|west|"
    r"northeast|northwest|southeast|southwest)\s+(?:von|vom|of)|von|vom|from|bis|to|zur|zum|"
    r"entfernt\s+von|away\s+from)(?:\s+(?:der|die|dem|den|des|the))?"
    r"(?:\s+(?:Grenze|border|Küste|coast|Hauptstadt|capital|Stadt|city)(?:\s+(?:zu|zur|"
    r"zum|mit|with|to|of|von))?(?:\s+(?:der|dem|the))?)?)\s+(?P<anchor>[A-ZÄÖÜ][\w\-]+)"
)


@dataclass(frozen=True, slots=True)
class Found:
    """A quantity found in a text, before it is tied to an article."""

    start: int
    end: int
    value: float
    unit: str
    dimension: str
    qualifier: str = "exact"
    normalized: str = ""
    measures: str = ""
    relation: str = ""
    anchor: str = ""


def parse_number(text: str, language: str | None = "de") -> float:
    """The value of a written number: "1.500" (de) and "1,500" (en) are 1500, "1,5" (de)
    is 1.5, "1’500" and "1 500" are 1500; number words ("zwei", "three") too.

    Raises ValueError naming the text when it is not a number.
    """
    s = text.strip().replace("\u202f", " ").replace("\u00a0", " ")
    for word in (s.casefold(), s.lower()):  # casefold turns "dreißig" into "dreissig"
        if word in _WORDS:
            return float(_WORDS[word])
    s = re.sub(r"(?<=\d)[’' ](?=\d{3})", "", s)
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", s):
        raise ValueError(f"not a number: {text!r}; pass digits such as '1.500' or '1,5'")
    return float(_decimal(s, (language or "de")[:2]))


def _decimal(s: str, lang: str) -> str:
    seps = [c for c in s if c in ".,"]
    if not seps:
        return s
    if len(set(seps)) == 2:
        dec = seps[-1]
    elif len(seps) > 1:
        dec = "," if seps[0] == "." else "."
    elif re.search(r"[.,]\d{3}$", s) and not s.startswith("0"):
        thousands_sep = "," if lang == "en" else "."
        dec = ("," if seps[0] == "." else ".") if seps[0] == thousands_sep else seps[0]
    else:
        dec = seps[0]
    thousands = "." if dec == "," else ","
    return s.replace(thousands, "").replace(dec, ".")


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.6g}"


def _date_found(m: re.Match[str]) -> Found:
    g = m.groupdict()
    y, mo, d = g.get("y"), g.get("m"), g.get("d")
    parts = [y or "????"]
    if mo:
        parts.append(f"{_MONTHS[mo.casefold()]:02d}")
    if d:
        parts.append(f"{int(d):02d}")
    value = float(y) if y else 0.0
    return Found(m.start(), m.end(), value, "date", "date", normalized="-".join(parts))


def _day_found(m: re.Match[str]) -> Found:
    day = _DAYS[m.group("day").casefold()]
    part = m.group("part") or m.group("part2") or ""
    name = _DAY_NAMES[day] + (f" {_PARTS[part.casefold()]}" if part else "")
    return Found(m.start(), m.end(), float(day), "weekday", "weekday", normalized=name)


def _time_found(m: re.Match[str]) -> Found:
    h = int(m.group("h") or m.group("h2") or m.group("h3"))
    minute = int(m.group("min") or m.group("min2") or m.group("min3") or 0)
    if (m.group("ap") or "").casefold().startswith("p") and h < 12:
        h += 12
    return Found(
        m.start(), m.end(), h + minute / 60, "time", "time", normalized=f"{h:02d}:{minute:02d}"
    )


def _taken(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(a < e and s < b for s, e in spans)


def _calendar(text: str) -> list[Found]:
    out: list[Found] = []
    spans: list[tuple[int, int]] = []
    for pattern, make in [
        *[(p, _date_found) for p in _DATE_PATTERNS],
        (_DAY, _day_found),
        (_TIME, _time_found),
    ]:
        for m in pattern.finditer(text):
            if not _taken(spans, m.start(), m.end()):
                if make is _date_found and m.group("y") and _count_follows(text, m.end()):
                    continue
                out.append(make(m))
                spans.append((m.start(), m.end()))
    return out


def _count_follows(text: str, end: int) -> bool:
    """A bare four-digit number followed by a unit or counted noun is a count, not a year."""
    nxt = re.match(r"\s*([^\W\d_][\w\-]*|%)", text[end:])
    if nxt is None:
        return False
    return nxt.group(1).casefold() in _UNITS or nxt.group(1).casefold() in _PEOPLE_ROLE


def _forms(low: str) -> tuple[str, ...]:
    """A word and its forms without a plural or dative ending ("Zuschauern", "euros")."""
    return (low, low.removesuffix("n"), low.removesuffix("s"), low.removesuffix("en"))


def _unit(word: str | None, cur: str | None) -> tuple[str, str, float, str]:
    """(unit, dimension, factor, measured noun) for the word after a number."""
    if cur:
        return _CUR_SIGN[cur.strip()], "money", 1.0, ""
    if not word:
        return "", "count", 1.0, ""
    for low in _forms(word.casefold()):
        if low in _UNITS:
            return (*_UNITS[low], "")
        if low in _PEOPLE_ROLE:
            return "persons", "people", 1.0, _PEOPLE_ROLE[low]
    if word[:1].isupper() or word.isalpha():
        return "", "count", 1.0, word
    return "", "count", 1.0, ""


_DIRECTIONS = {
    "nördlich": "north",
    "südlich": "south",
    "östlich": "east",
    "westlich": "west",
    "nordöstlich": "northeast",
    "nordwestlich": "northwest",
    "südöstlich": "southeast",
    "südwestlich": "southwest",
}
_BORDER = {"grenze": "border", "küste": "coast", "hauptstadt": "capital", "stadt": "city"}


def relation_key(relation: str) -> str:
    """Language-neutral form of a relation: "nördlich von" -> "north", "von der Grenze zu"
    and "from the border with" -> "from border"."""
    words = [_BORDER.get(w, _DIRECTIONS.get(w, w)) for w in relation.casefold().split()]
    dirs = [
        w for w in words if w in _DIRECTIONS.values() or w in ("north", "south", "east", "west")
    ]
    nouns = [w for w in words if w in _BORDER.values()]
    return " ".join(dirs + nouns) if dirs else " ".join(["from", *nouns])


_PLACE_NOUN = re.compile(
    r"^\s*(?P<rel>(?:von|vom|from|to|zur|zum)(?:\s+(?:der|dem|the))?)\s+"
    r"(?P<anchor>Grenze|border|Küste|coast|Hauptstadt|capital|Zentrum|centre|center|Stadt|city)\b",
    re.I,
)


def _relation(text: str, end: int) -> tuple[str, str]:
    """The phrase after a quantity tying it to a named anchor, or to a place noun."""
    m = _RELATION.match(text[end:]) or _PLACE_NOUN.match(text[end:])
    return (m.group("rel"), m.group("anchor")) if m else ("", "")


def _people_role(text: str, start: int, end: int, role: str) -> str:
    """ "40.000 Menschen getötet" and "killed 21 people" count the dead, not just people."""
    near = re.findall(r"[^\W\d_]+", text[max(0, start - 25) : start])[-2:]
    for w in near + re.findall(r"[^\W\d_]+", text[end : end + 40])[:3]:
        if _PEOPLE_ROLE.get(w.casefold(), "people") != "people":
            return _PEOPLE_ROLE[w.casefold()]
    return role


def _age(text: str, end: int) -> bool:
    return bool(re.match(r"-?jährig|-year-old", text[end:], re.I))


def _number_found(text: str, m: re.Match[str], language: str | None) -> Found | None:
    num, scale, word = m.group("num"), m.group("scale"), m.group("unit")
    is_word = not num[0].isdigit()
    if _age(text, m.end("num")):
        value = parse_number(num, language)
        return Found(
            m.start("num"),
            m.end("num"),
            value,
            "years",
            "age",
            normalized=f"{_fmt(value)} years old",
        )
    unit, dim, factor, noun = _unit(word, m.group("cur"))
    if is_word and not (
        scale
        or unit
        or (num.casefold() not in ("a", "ein", "eine", "einen", "einem", "einer") and noun)
    ):
        return None
    value = parse_number(num, language) * (_SCALES[scale.casefold()] if scale else 1.0) * factor
    if m.group("cur"):
        noun, word = "", None
    end = m.end("unit") if word and (unit or noun) else m.end("scale") if scale else m.end("num")
    if dim == "people":
        noun = _people_role(text, m.start(), end, noun)
    rel, anchor = _relation(text, end) if dim in ("length", "count", "people") else ("", "")
    qual = _QUALIFIERS.get((m.group("qual") or "").casefold(), "exact")
    if (
        is_word
        and qual == "exact"
        and num.casefold()
        in ("hunderte", "tausende", "dutzende", "zehntausende", "hundreds", "thousands", "dozens")
    ):
        qual = "approx"
    norm = f"{_fmt(value)} {unit or noun}".strip()
    return Found(m.start(), end, value, unit or "count", dim, qual, norm, noun, rel, anchor)


def _ordinals(text: str, spans: list[tuple[int, int]]) -> list[Found]:
    out = []
    for m in _ORDINAL.finditer(text):
        if _taken(spans, m.start(), m.end()):
            continue
        noun = m.group("noun") if m.group("noun")[:1].isupper() or m.group("noun").isalpha() else ""
        frame = _FRAME.search(text, m.end())
        rel = frame.group(1).casefold() if frame and frame.start() - m.end() < 80 else ""
        value = float(_ORDINALS[m.group("ord").casefold()])
        out.append(
            Found(
                m.start(),
                m.end(),
                value,
                "ordinal",
                "ordinal",
                "exact",
                f"#{_fmt(value)} {noun}",
                noun,
                rel,
                "",
            )
        )
    return out


def find_quantities(text: str, language: str | None = "de") -> list[Found]:
    """Every date, weekday, time, ordinal and number of ``text``, in order."""
    found = _calendar(text)
    spans = [(f.start, f.end) for f in found]
    for m in _NUMBER.finditer(text):
        if _taken(spans, m.start("num"), m.end("num")):
            continue
        f = _number_found(text, m, language)
        if f is not None:
            found.append(f)
            spans.append((f.start, f.end))
    found.extend(_ordinals(text, spans))
    return sorted(found, key=lambda f: f.start)


def to_quantity(f: Found, article: str, sentence: int, offset: int, text: str) -> Quantity:
    """The model record for a quantity found at ``offset`` in an article's text."""
    return Quantity(
        article,
        sentence,
        text[f.start : f.end],
        offset + f.start,
        offset + f.end,
        f.value,
        f.unit,
        f.dimension,
        f.qualifier,
        f.normalized,
        f.measures,
        f.relation,
        f.anchor,
    )


def quantities_of(sentences: Sequence, language: str | None = "de") -> list[Quantity]:
    """Quantities of an article's sentences (``model.Sentence``), offsets into its text."""
    out = []
    for s in sentences:
        for f in find_quantities(s.text, language):
            out.append(to_quantity(f, s.article, s.index, s.start, s.text))
    return out
