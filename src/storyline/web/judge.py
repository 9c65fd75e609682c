"""``POST /api/judge``: the sentence judge over HTTP (a computation; nothing is stored).

Body: ``{"pairs": [{"sentence1": "...", "sentence2": "...", "language": "de"}, ...]}`` with
at most :data:`MAX_PAIRS` pairs of at most :data:`MAX_CHARS` characters per sentence
(``language`` optional: detected when absent). Answer: ``{"method": ..., "judgements": [...]}``
with one ``{kind, score, conflicts: [{kind, words}], evidence: {...}}`` per pair, in order.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from storyline.web.access import read_only

MAX_PAIRS = 1000
MAX_CHARS = 20_000


class PairIn(BaseModel):
    sentence1: str = Field(max_length=MAX_CHARS)
    sentence2: str = Field(max_length=MAX_CHARS)
    language: str | None = Field(default=None, max_length=16)


class JudgeIn(BaseModel):
    pairs: list[PairIn] = Field(min_length=1, max_length=MAX_PAIRS)


def judge_routes(app: FastAPI) -> None:
    """Add ``POST /api/judge`` to ``app``."""

    @app.post("/api/judge", tags=["api"], response_class=JSONResponse,
              responses={400: {"description": "malformed body"}})  # fmt: skip
    @read_only
    def post_judge(body: JudgeIn) -> JSONResponse:
        """Judge sentence pairs (see docs/api.md): kind (verbatim, near_verbatim,
        paraphrase, extends, conflict, unique), calibrated `score`, `conflicts` (kind and
        clashing words) and `evidence`, one per pair in order. Read-only."""
        return JSONResponse(judge_view(body))


def judge_view(body: JudgeIn) -> dict[str, Any]:
    from storyline.compare.judgement import METHOD, judge_many
    from storyline.records import record_to_value

    pairs = [(p.sentence1, p.sentence2) for p in body.pairs]
    found = judge_many(pairs, [p.language for p in body.pairs])
    return {"method": METHOD, "judgements": [record_to_value(j) for j in found]}
