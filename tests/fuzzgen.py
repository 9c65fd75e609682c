"""Generated hostile inputs for the readers (text, HTML, JSONL, CSV): random bytes, broken
encodings, huge lines, deep nesting, wrong JSON types, CSV quoting errors, and mutations of
good inputs. Used by tests/ingest/test_fuzz.py (driven by hypothesis) and
bench/fuzz_readers.py (>= 100,000 inputs)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

GOOD_TEXT = (
    "Bern (sda) Der Bundesrat hat am Mittwoch neue Regeln für den Bahnverkehr beschlossen. "
    "Die Kantone begrüssten den Entscheid, wie die Agentur Reuters berichtete. (sda/reuters)"
)
GOOD_HTML = (
    "<!DOCTYPE html><html><head><title>Bahn | Der Bund</title>"
    '<meta property="article:published_time" content="2023-09-13T08:30:00+02:00"></head>'
    f"<body><article><h1>Neue Regeln</h1><p>{GOOD_TEXT}</p></article></body></html>"
)
GOOD_JSON = {"text": GOOD_TEXT, "title": "Neue Regeln", "source": "Der Bund",
             "published": "2023-09-13T08:30:00+02:00", "url": "https://example.org/a"}  # fmt: skip
FORMATS = ("text", "html", "jsonl", "csv")
EXTENSION = {"text": "txt", "html": "html", "jsonl": "jsonl", "csv": "csv"}
WRONG_TYPES: list[object] = [None, 0, -1.5, True, [], {}, [1, "a"], {"x": {"y": []}}, "", "\x00"]


def good(fmt: str) -> bytes:
    """A well-formed input of ``fmt`` holding one article."""
    if fmt == "text":
        return GOOD_TEXT.encode()
    if fmt == "html":
        return GOOD_HTML.encode()
    if fmt == "jsonl":
        return (json.dumps(GOOD_JSON, ensure_ascii=False) + "\n").encode()
    header = ",".join(GOOD_JSON)
    row = ",".join('"' + str(v).replace('"', '""') + '"' for v in GOOD_JSON.values())
    return f"{header}\n{row}\n".encode()


def _random_bytes(rng: random.Random, fmt: str) -> bytes:
    return rng.randbytes(rng.choice([1, 7, 64, 1024, 65536]))


def _broken_encoding(rng: random.Random, fmt: str) -> bytes:
    data = good(fmt).decode()
    codec = rng.choice(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"])
    raw = data.encode(codec, errors="replace")
    if rng.random() < 0.5:  # cut in the middle of a multi-byte sequence
        raw = raw[: rng.randrange(1, len(raw))]
    return raw + bytes([rng.choice([0x80, 0xC3, 0xFF, 0xFE, 0xED])]) * rng.randrange(1, 9)


def _huge_line(rng: random.Random, fmt: str) -> bytes:
    size = rng.choice([100_000, 1_000_000, 3_000_000])
    unit = rng.choice(["a", "Wort ", "<b>", '"', ",", "\t", "é", "\u200b"])
    line = (unit * (size // len(unit)))[:size]
    if fmt == "jsonl":
        return (json.dumps({"text": line}) + "\n").encode()
    if fmt == "csv":
        return f"text\n{line}\n".encode()
    return line.encode()


def _deep_nesting(rng: random.Random, fmt: str) -> bytes:
    depth = rng.choice([100, 1000, 10_000, 100_000])
    if fmt == "html":
        return ("<div>" * depth + GOOD_TEXT + "</div>" * rng.randrange(depth + 1)).encode()
    if fmt == "jsonl":
        inner = "[" * depth + "]" * depth
        return ('{"text": ' + inner + "}\n" + '{"text": {"a": ' * depth + "}").encode()
    return ("(" * depth + GOOD_TEXT + '"' * depth).encode()


def _wrong_json_types(rng: random.Random, fmt: str) -> bytes:
    lines = []
    for _ in range(rng.randrange(1, 6)):
        record: object = dict(GOOD_JSON)
        if rng.random() < 0.2:
            record = rng.choice(WRONG_TYPES)  # a line that is not an object
        else:
            for key in rng.sample(list(GOOD_JSON), rng.randrange(1, len(GOOD_JSON))):
                record[key] = rng.choice(WRONG_TYPES)  # type: ignore[index]
        lines.append(json.dumps(record))
    return ("\n".join(lines) + "\n").encode()


def _csv_quoting(rng: random.Random, fmt: str) -> bytes:
    rows = ["text,title,source"]
    for _ in range(rng.randrange(1, 6)):
        rows.append(rng.choice([
            f'"{GOOD_TEXT},t,s',  # unclosed quote
            f'{GOOD_TEXT}"x",t"",s',  # quote inside an unquoted field
            f'"{GOOD_TEXT}""",t,s,extra,"more',  # extra fields
            "\x00,\x00,\x00",
            ",,",
            f'"{GOOD_TEXT}"\r"t"\r\n',
            rng.choice([";", "\t", "|"]).join([GOOD_TEXT, "t", "s"]),
        ]))  # fmt: skip
    return "\n".join(rows).encode()


def _mutated(rng: random.Random, fmt: str) -> bytes:
    data = bytearray(good(fmt))
    for _ in range(rng.randrange(1, 20)):
        op = rng.randrange(4)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 1:
            data[pos:pos] = rng.randbytes(rng.randrange(1, 16))
        elif op == 2:
            del data[pos : pos + rng.randrange(1, 32)]
        else:
            data[pos:pos] = rng.choice([b"\x00", b"\r", b"\n\n", b"<", b"{", b'"', b"\xef\xbb\xbf"])
    return bytes(data)


def _control_and_odd_text(rng: random.Random, fmt: str) -> bytes:
    alphabet = "\x00\x1b[31m\u202e\ufeff\ud7ff\U0001f600\u0301 \n\r\t<>&\"',;{}[]" + GOOD_TEXT
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 3000))).encode(
        "utf-8", "surrogatepass"
    )


KINDS: dict[str, Callable[[random.Random, str], bytes]] = {
    "random_bytes": _random_bytes,
    "broken_encoding": _broken_encoding,
    "huge_line": _huge_line,
    "deep_nesting": _deep_nesting,
    "wrong_json_types": _wrong_json_types,
    "csv_quoting": _csv_quoting,
    "mutated": _mutated,
    "odd_text": _control_and_odd_text,
}
#: How often each kind is drawn (huge lines are costly, so rarer).
WEIGHTS = {"huge_line": 1, "deep_nesting": 3}


def generate(rng: random.Random) -> tuple[str, str, bytes, str]:
    """(kind, file name, content, format given to the reader: one of FORMATS or "auto")."""
    kinds = list(KINDS)
    kind = rng.choices(kinds, [WEIGHTS.get(k, 10) for k in kinds])[0]
    fmt = rng.choice(FORMATS)
    name = f"fuzz-{rng.randrange(10**9)}.{EXTENSION[fmt]}"
    return kind, name, KINDS[kind](rng, fmt), rng.choice([fmt, "auto"])
