"""News and photo agencies: canonical names and the spellings they appear under.

The agencies are data: ``storyline/data/agencies.tsv``, one agency a line (read once at
import); the rest are lookups. ``kind`` is ``"news"`` for agencies that supply text (they
count as text credits) and ``"photo"`` for picture agencies and pools (only photo credits).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

NEWS = "news"
PHOTO = "photo"
#: Kinds of house credit forms in the data file.
FORM_KINDS = ("sign-off", "copyright")


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency: its canonical name, kind and alias spellings (matched case-insensitively).

    ``strict``: the name is also a common word or name ("Mehr", "Sputnik", "Bloomberg"), so in
    running text it only counts right next to a word such as "Agentur" or "agency".
    ``forms``: house credit forms as (kind, pattern) pairs, ``*`` standing for free words
    ("sign-off", "Reporting by *; Editing by *").
    """

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    strict: bool = False
    forms: tuple[tuple[str, str], ...] = ()


def _parse_line(line: str) -> Agency:
    """One data line: name, kind, flags, aliases and forms, tab-separated (see the file)."""
    cells = [*line.rstrip("\n").split("\t"), "", "", "", ""]
    name, kind, flags, aliases, forms = (c.strip() for c in cells[:5])
    if not name or kind not in (NEWS, PHOTO):
        raise ValueError(f"agencies.tsv: bad line {line!r:.80}: needs a name and news|photo")
    spellings = (name, *(a.strip() for a in aliases.split("|") if a.strip()))
    pairs = tuple(tuple(f.strip().split(":", 1)) for f in forms.split("|") if f.strip())
    if any(len(f) != 2 or f[0] not in FORM_KINDS for f in pairs):
        raise ValueError(
            f"agencies.tsv: bad form in {line!r:.80}: use sign-off:... or copyright:..."
        )
    return Agency(name, kind, spellings, "strict" in flags.split(","), pairs)  # type: ignore[arg-type]


def read_agencies(text: str) -> tuple[Agency, ...]:
    """The agencies of a data file in the format of ``storyline/data/agencies.tsv``."""
    lines = (x for x in text.splitlines() if x.strip() and not x.startswith("#"))
    return tuple(_parse_line(x) for x in lines)


AGENCIES: tuple[Agency, ...] = read_agencies(
    resources.files("storyline.data").joinpath("agencies.tsv").read_text(encoding="utf-8")
)

_SEP = re.compile(r"[\s\-‐‑‒–—_]+")


@lru_cache(maxsize=8192)
def agency_key(token: str) -> str:
    """The lookup key of a spelling: NFKC, casefolded, accents and hyphens/spaces unified."""
    s = token.strip().strip(".,;:()[]{}'\"«»„“”‚‘’")
    if not s.isascii():  # ASCII text is already decomposed and has no accents to drop
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    return _SEP.sub(" ", s.casefold()).strip()


@cache
def _index() -> dict[str, Agency]:
    return {agency_key(alias): a for a in AGENCIES for alias in a.aliases}


def find_agency(token: str) -> Agency | None:
    """The agency ``token`` names as a whole ("sda", "Itar-Tass", "AP Photo"), or None."""
    return _index().get(agency_key(token))


def canonical_agency(token: str) -> str | None:
    """Canonical name of the agency ``token`` spells ("sda" -> "Keystone-SDA"), or None."""
    agency = find_agency(token)
    return agency.name if agency else None


def _alias_regex(alias: str) -> str:
    return re.escape(alias).replace(r"\-", r"[\-\s]?").replace(r"\ ", r"[\s\-]+")


@cache
def mention_pattern() -> re.Pattern[str]:
    """A regex matching any alias as a whole word, longest alias first (case-insensitive).

    The alternatives are grouped by their (lowercased) first letter, keeping their order within
    a group: the same matches as one flat alternation, but the regex engine tries one group
    per word instead of every alias (several times faster on running text).
    """
    aliases = sorted({x for a in AGENCIES for x in a.aliases}, key=len, reverse=True)
    groups: dict[str, list[str]] = {}
    for alias in aliases:
        groups.setdefault(alias[0].lower(), []).append(_alias_regex(alias[1:]))
    body = "|".join(f"{re.escape(c)}(?:{'|'.join(rest)})" for c, rest in groups.items())
    return re.compile(rf"(?<![\w\-])(?:{body})(?![\w])", re.IGNORECASE)
