"""Word lists behind the rule-based entity recogniser, loaded once from ``storyline/data``.

``entities_lexicon.txt`` (hand-written: first names, titles, organisation and place heads,
organisation and place names with variants) and ``gazetteer_places.tsv`` (cities and
countries with their variants in many languages, generated from GeoNames and CLDR data).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Lexicon:
    """Lookup tables; names are keyed by their casefolded form."""

    first_names: frozenset[str]
    titles: frozenset[str]
    title_suffixes: tuple[str, ...]
    org_heads: frozenset[str]
    org_first: frozenset[str]
    org_last: frozenset[str]
    loc_heads: frozenset[str]
    loc_last: frozenset[str]
    names: dict[str, tuple[str, str]]  # casefolded variant -> (kind, canonical)
    longest: int


def _read(name: str) -> str:
    return (resources.files("storyline") / "data" / name).read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out[current] = []
        else:
            out[current].append(line)
    return out


def _words(lines: list[str]) -> list[str]:
    return [w for line in lines for w in line.split()]


def _add_names(names: dict[str, tuple[str, str]], lines: list[str], kind: str) -> None:
    for line in lines:
        canonical, _, rest = line.partition("=")
        canonical = canonical.strip()
        for variant in [canonical, *rest.split("|")]:
            if variant.strip():
                names.setdefault(variant.strip().casefold(), (kind, canonical))


def _add_places(names: dict[str, tuple[str, str]], text: str) -> None:
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        canonical, _kind, variants = line.split("\t")
        for variant in variants.split("|"):
            names.setdefault(variant.casefold(), ("LOC", canonical))


@cache
def lexicon() -> Lexicon:
    """The lexicon, parsed once per process."""
    sec = _sections(_read("entities_lexicon.txt"))
    names: dict[str, tuple[str, str]] = {}
    _add_names(names, sec["org_names"], "ORG")
    _add_names(names, sec["loc_names"], "LOC")
    _add_places(names, _read("gazetteer_places.tsv"))
    low = frozenset
    return Lexicon(
        first_names=low(_words(sec["first_names"])),
        titles=low(w.casefold() for w in _words(sec["titles"])),
        title_suffixes=tuple(_words(sec["title_suffixes"])),
        org_heads=low(w.casefold() for w in _words(sec["org_heads"])),
        org_first=low(w.casefold() for w in _words(sec["org_first"])),
        org_last=low(w.casefold() for w in _words(sec["org_last"])),
        loc_heads=low(w.casefold() for w in _words(sec["loc_heads"])),
        loc_last=low(w.casefold() for w in _words(sec["loc_last"])),
        names=names,
        longest=max(len(k.split()) for k in names),
    )
