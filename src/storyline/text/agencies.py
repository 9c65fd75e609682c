"""News and photo agencies: canonical names and the spellings they appear under.

Pure data and lookups, no I/O. ``kind`` is ``"news"`` for agencies that supply text (they
count as text credits) and ``"photo"`` for picture agencies and pools (only photo credits).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

NEWS = "news"
PHOTO = "photo"


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency: its canonical name, kind and alias spellings (matched case-insensitively).

    ``strict``: the name is also a common word or name ("Mehr", "Sputnik", "Bloomberg"), so in
    running text it only counts right next to a word such as "Agentur" or "agency".
    """

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    strict: bool = False


def _a(name: str, *aliases: str, kind: str = NEWS, strict: bool = False) -> Agency:
    return Agency(name, kind, (name, *aliases), strict)


AGENCIES: tuple[Agency, ...] = (
    _a("dpa", "Deutsche Presse-Agentur", "dpa-infocom"),
    _a("dpa-AFX", "AFX", "dpa AFX"),
    _a("AFP", "Agence France-Presse", "Agence France Presse"),
    _a("AP", "Associated Press", "The Associated Press", "AP Photo"),
    _a("Reuters", "Thomson Reuters"),
    _a("Keystone-SDA", "SDA", "Keystone-ATS", "ATS", "SDA-ATS", "Schweizerische Depeschenagentur"),
    _a("APA", "Austria Presse Agentur", "APA-OTS"),
    _a("KNA", "Katholische Nachrichten-Agentur"),
    _a("epd", "Evangelischer Pressedienst"),
    _a("dts", "dts Nachrichtenagentur"),
    _a("Tass", "ITAR-Tass", "Itar Tass", "TASS"),
    _a("Interfax", "Interfax-Ukraine"),
    _a("RIA Novosti", "RIA", "Ria Nowosti", "RIA-Nowosti", "RIA-Novosti"),
    _a("Sputnik", "Sputnik News", strict=True),
    _a("Xinhua", "Xinhua News Agency", "Neues China"),
    _a("Yonhap", "Yonhap News Agency"),
    _a("KCNA", "Korean Central News Agency", "KCNA Watch"),
    _a("Kyodo", "Kyodo News"),
    _a("Jiji Press", "Jiji", strict=True),
    _a("ANSA"),
    _a("EFE", "Agencia EFE"),
    _a("Europa Press"),
    _a("PAP", "Polska Agencja Prasowa"),
    _a("CTK", "ČTK", "CTK"),
    _a("TASR"),
    _a("MTI"),
    _a("Belga", strict=True),
    _a("ANP"),
    _a("NTB"),
    _a("TT", "TT Nyhetsbyrån", strict=True),
    _a("Ritzau", strict=True),
    _a("STT"),
    _a("Lusa", strict=True),
    _a("ANA-MPA", "ANA", strict=True),
    _a("BTA"),
    _a("Agerpres"),
    _a("HINA", strict=True),
    _a("STA", strict=True),
    _a("Tanjug"),
    _a("Anadolu", "Anadolu Agency", "Anadolu Ajansı", "AA", strict=True),
    _a("UPI", "United Press International"),
    _a("PTI", "Press Trust of India"),
    _a("IANS"),
    _a("ANI", "Asian News International"),
    _a("Bloomberg", "Bloomberg News", strict=True),
    _a("Dow Jones", "Dow Jones Newswires"),
    _a("BBC Monitoring"),
    _a("Ukrinform"),
    _a("Unian", strict=True),
    _a("Belta", strict=True),
    _a("IRNA"),
    _a("ISNA"),
    _a("Tasnim", strict=True),
    _a("Fars", strict=True),
    _a("Mehr", strict=True),
    _a("SANA", strict=True),
    _a("MENA", strict=True),
    _a("WAM", strict=True),
    _a("SPA", "Saudi Press Agency", strict=True),
    _a("KUNA"),
    _a("QNA"),
    _a("Petra", strict=True),
    _a("WAFA"),
    _a("CNA", "Central News Agency"),
    _a("Antara", strict=True),
    _a("Bernama"),
    _a("PNA", "Philippine News Agency"),
    _a("VNA", "Vietnam News Agency"),
    _a("Prensa Latina"),
    _a("Notimex"),
    _a("Agência Brasil", "Agencia Brasil"),
    _a("Télam", "Telam"),
    _a("CP", "Canadian Press", "The Canadian Press", strict=True),
    _a("AAP", "Australian Associated Press"),
    _a("EPA", "EPA-EFE", "European Pressphoto Agency", kind=PHOTO),
    _a("Getty Images", "Getty", "Getty Images News", kind=PHOTO),
    _a("Imago", "Imago Images", kind=PHOTO),
    _a("picture alliance", "picture-alliance", "Picture Alliance", kind=PHOTO),
    _a("Keystone", kind=PHOTO),
    _a("Pool", kind=PHOTO),
    _a("Shutterstock", kind=PHOTO),
    _a("Alamy", kind=PHOTO),
    _a("iStock", "iStockphoto", kind=PHOTO),
    _a("Sipa", "SIPA Press", "Sipa USA", kind=PHOTO),
    _a("ZUMA", "ZUMA Press", "ZUMA Wire", kind=PHOTO),
    _a("NurPhoto", kind=PHOTO),
    _a("ullstein bild", kind=PHOTO),
    _a("akg-images", kind=PHOTO),
    _a("Freshfocus", kind=PHOTO),
    _a("Action Press", kind=PHOTO),
    _a("Unsplash", kind=PHOTO),
    _a("Pixabay", kind=PHOTO),
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
