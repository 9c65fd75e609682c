"""Synthetic German-like news corpus with known copies, for the reuse benchmark (bench/dedup.py).

Words come from a word model seeded with real text: bigrams of the words in
``examples/*.txt`` (when the repository is at hand) interleaved with Zipf-distributed words from a built-in German word list
and compounds made from it, so the generator runs without any data download. Derived
documents keep their ground truth: (original index, copy index, kind) with kind one of

* ``exact``: same text; ``light``: 1-3% of words changed, ß/ss and quote style, credit line;
* ``heavy``: 10-17% of words changed and sentences dropped (word 4-shingle Jaccard ~0.3-0.5);
* ``truncation``: the first 30-90% of the text; ``lead``: same first sentence, new body
  (a shared passage, not a duplicate); ``rewrite``: another outlet's rewrite with the same
  vocabulary in a new order plus one quoted sentence (not a duplicate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DUP_KINDS = ("exact", "light", "heavy", "truncation")
NEG_KINDS = ("lead", "rewrite")
MIX = {
    "exact": 0.05,
    "light": 0.10,
    "heavy": 0.10,
    "truncation": 0.07,
    "lead": 0.08,
    "rewrite": 0.05,
}

_WORDS = """
der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es an
werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum
war haben nur oder aber vor zur bis mehr durch man sein wurde sei hatte kann gegen vom können
schon wenn habe seine ihre dann unter wir soll ich eines jahr zwei jahren diese dieser wieder
keine seiner worden will zwischen immer millionen was sagte gibt alle seit muss doch prozent
jetzt drei neue damit bereits da ab ihr ihrer sollen ohne seinen sehr heute geht zeit fast
regierung präsident minister bundesregierung kanzler partei wahl polizei gericht stadt land
deutschland europa russland ukraine china amerika frankreich berlin moskau washington paris
krieg frieden gespräche treffen besuch angriff verhandlungen sanktionen hilfe waffen armee
soldaten truppen grenze behörden experten angaben berichten zufolge laut sprecher erklärte
teilte mit hieß es wirtschaft unternehmen markt preise inflation euro dollar milliarden
arbeit arbeitsplätze industrie energie gas öl strom klima umwelt schutz gesetz entwurf
parlament bundestag abgeordnete opposition koalition mehrheit stimmen entscheidung beschluss
woche monat tag morgen abend nacht montag dienstag mittwoch donnerstag freitag samstag
sonntag januar februar märz april mai juni juli august september oktober november dezember
menschen bürger frauen männer kinder familien schüler studenten patienten opfer zeugen
straße haus gebäude brücke bahnhof flughafen hafen schiff zug auto verkehr unfall feuer
wasser sturm regen schnee hitze wetter forscher studie ergebnis daten zahlen bericht
nachrichtenagentur zeitung fernsehen medien internet netz plattform konzern bank börse
aktie gewinn verlust steuer haushalt schulden kosten geld zahlung vertrag abkommen
zusammenarbeit beziehungen interesse unterstützung kritik forderung vorwurf warnung
gefahr sicherheit lage situation entwicklung zukunft vergangenheit geschichte kultur
sport spiel mannschaft trainer saison sieg niederlage meisterschaft turnier spieler
groß klein neu alt gut schlecht wichtig möglich schnell langsam hoch niedrig stark schwach
erste zweite letzte weitere eigene andere beiden vielen einigen rund etwa knapp gut
""".split()
_STEMS = """
bundes landes stadt staats volks welt wirtschafts sicherheits energie verkehrs gesundheits
bildungs außen innen finanz verteidigungs umwelt klima raumfahrt raketen atom waffen
friedens kriegs grenz handels industrie arbeits familien kinder jugend rechts
""".split()
_HEADS = """
minister ministerium politik gesetz behörde amt rat kommission gipfel konferenz programm
plan projekt zentrum verband gericht rechnung bericht reform krise streit vertrag hilfe
technik versorgung schutz anlage netz markt preis lage frage debatte
""".split()


@dataclass(frozen=True, slots=True)
class Corpus:
    """Texts, the outlet of each, and ground-truth pairs (original, copy, kind)."""

    texts: list[str]
    sources: list[str]
    pairs: list[tuple[int, int, str]]


def _seed_words(root: Path) -> list[str]:
    words: list[str] = []
    for path in sorted((root / "examples").glob("*.txt")):
        words += re.findall(r"\w+", path.read_text(encoding="utf-8").lower())
    return words


def vocabulary(root: Path) -> tuple[list[str], np.ndarray]:
    """Vocabulary (built-in words, compounds, seed words) and the seed text as word indices."""
    seed = _seed_words(root)
    compounds = [s + h for s in _STEMS for h in _HEADS]
    rng = np.random.default_rng(7)
    syllables = ["ka", "ro", "mi", "te", "bur", "lin", "gen", "sch", "ar", "wal", "den", "ost"]
    picks = rng.integers(0, len(syllables), size=(20000, 4)).tolist()
    sizes = rng.integers(2, 5, size=20000).tolist()
    names = ["".join(syllables[j] for j in row[:k]) for row, k in zip(picks, sizes, strict=True)]
    vocab = list(dict.fromkeys(_WORDS + compounds + seed + names))
    pos = {w: i for i, w in enumerate(vocab)}
    return vocab, np.array([pos[w] for w in seed], dtype=np.int64)


def _body(rng: np.random.Generator, n: int, vocab_size: int, seed: np.ndarray) -> np.ndarray:
    """Word indices: Zipf words, with seed-text bigrams spliced in at random places."""
    ranks = (rng.zipf(1.15, size=n) - 1) % vocab_size
    words = np.asarray(ranks, dtype=np.int64)
    if len(seed) > 1:
        at = np.flatnonzero(rng.random(n - 1) < 0.25)
        src = rng.integers(0, len(seed) - 1, size=len(at))
        words[at], words[at + 1] = seed[src], seed[src + 1]
    return words


def _render(
    words: np.ndarray, vocab: list[str], cuts: np.ndarray, rng: np.random.Generator
) -> list[str]:
    """Texts from word indices: sentences of 8-25 words, capitalised, ending in a full stop."""
    n, v = len(words), len(vocab)
    ends = np.cumsum(rng.integers(8, 26, size=n // 8 + 2))
    ends = ends[ends < n]
    variant = np.zeros(n, dtype=np.int64)
    variant[ends - 1] += 2
    variant[ends] += 1
    variant[cuts[:-1]] |= 1
    variant[cuts[1:] - 1] |= 2
    table = np.array(
        vocab
        + [w.capitalize() for w in vocab]
        + [w + "." for w in vocab]
        + [w.capitalize() + "." for w in vocab],
        dtype=object,
    )
    strings = table[words + v * variant].tolist()
    return [" ".join(strings[cuts[i] : cuts[i + 1]]) for i in range(len(cuts) - 1)]


def _sentences(text: str) -> list[str]:
    return text.split(". ")


def _lead(text: str, words: int = 12) -> str:
    """The first sentences of ``text`` up to at least ``words`` words."""
    out: list[str] = []
    for sent in _sentences(text):
        out.append(sent)
        if sum(len(s.split(" ")) for s in out) >= words:
            break
    return ". ".join(out).rstrip(".") + "."


def _substitute(text: str, rate: float, rng: np.random.Generator, vocab: np.ndarray) -> str:
    words = text.split(" ")
    hit = np.flatnonzero(rng.random(len(words)) < rate)
    for i, w in zip(hit.tolist(), rng.integers(0, len(vocab), size=len(hit)).tolist(), strict=True):
        words[i] = str(vocab[w]) + ("." if words[i].endswith(".") else "")
    return " ".join(words)


def _derive(kind: str, text: str, rng: np.random.Generator, vocab: np.ndarray, fresh: str) -> str:
    if kind == "exact":
        return text
    if kind == "light":
        out = _substitute(text, float(rng.uniform(0.01, 0.03)), rng, vocab)
        out = out.replace("ß", "ss").replace("„", '"').replace("“", '"')
        return out + " (dpa/red)"
    if kind == "heavy":
        sents = [s for s in _sentences(text) if rng.random() > 0.08]
        return _substitute(". ".join(sents), float(rng.uniform(0.10, 0.17)), rng, vocab)
    if kind == "truncation":
        words = text.split(" ")
        return " ".join(words[: max(8, int(len(words) * rng.uniform(0.3, 0.9)))])
    if kind == "lead":
        return _lead(text) + " " + fresh
    words = fresh.split(" ")
    rng.shuffle(words)
    quote = max(_sentences(text), key=len)
    return (
        " ".join(words[: len(words) // 2])
        + " «"
        + quote
        + "». "
        + " ".join(words[len(words) // 2 :])
    )


def generate(n: int, *, seed: int = 0, root: Path | None = None) -> Corpus:
    """A corpus of ``n`` texts: originals plus derived copies in the proportions of ``MIX``."""
    root = root or Path(__file__).resolve().parents[3]
    rng = np.random.default_rng(seed)
    vocab_list, seed_words = vocabulary(root)
    vocab = np.array(vocab_list, dtype=object)
    share = list(MIX.values()) + [1 - sum(MIX.values())]
    kinds = rng.choice([*MIX, "original"], size=n, p=share)
    kinds[0] = "original"
    lengths = rng.integers(150, 450, size=n)
    flat = _body(rng, int(lengths.sum()), len(vocab_list), seed_words)
    cuts = np.concatenate(([0], np.cumsum(lengths)))
    rendered = _render(flat, vocab_list, cuts, rng)
    texts: list[str] = []
    sources: list[str] = []
    pairs: list[tuple[int, int, str]] = []
    originals: list[int] = []
    for i in range(n):
        fresh = rendered[i]
        kind = str(kinds[i])
        sources.append(f"outlet{int(rng.integers(0, 50)):02d}")
        if kind == "original" or not originals:
            originals.append(i)
            texts.append(fresh)
            continue
        orig = originals[int(rng.integers(0, len(originals)))]
        texts.append(_derive(kind, texts[orig], rng, vocab, fresh))
        pairs.append((orig, i, kind))
    return Corpus(texts, sources, pairs)
