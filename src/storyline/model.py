"""The data model: frozen, slotted dataclasses that flow through every stage.

This module imports nothing from storyline. Every record maps to one table in the store.
Stages never mutate a record; they return a new one with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

#: Alignment kinds, strongest first.
VERBATIM = "verbatim"
NEAR_VERBATIM = "near_verbatim"
PARAPHRASE = "paraphrase"
UNIQUE = "unique"
KINDS = (VERBATIM, NEAR_VERBATIM, PARAPHRASE, UNIQUE)


@dataclass(frozen=True, slots=True)
class CreditSpan:
    """Where one agency credit was found: its form, its words and its place.

    ``kind``: ``dateline`` ("Berlin (dpa) -"), ``tag`` ("(dpa/red)", "Mit Material von AFP",
    "with AFP"), ``byline`` ("Von Anna Muster, dpa"), ``sign-off`` ("Reporting by ...; Editing
    by ..."), ``copyright`` ("© dpa-infocom"). ``surface``: the credit as printed.
    ``start``/``end``: character offsets of ``surface`` in the cleaned ``Article.text``; None
    when the credit was removed from the text (then ``lineno`` is its input line, as in
    :class:`Residue`). ``report``: which datelined report of a page it credits (0 = first).
    """

    kind: str
    surface: str
    agencies: tuple[str, ...]
    start: int | None = None
    end: int | None = None
    lineno: int | None = None
    report: int = 0


@dataclass(frozen=True, slots=True)
class Credits:
    """Who an article credits, three kinds kept apart.

    ``agencies``: canonical names of news agencies credited for the text ("dpa", "Reuters").
    ``desk``: desk or author initials found in the credit ("red", "mdl").
    ``photo``: photo credit strings as printed ("Vladimir Smirnov/Pool Sputnik Kremlin/AP/dpa").
    ``photo_agencies``: canonical agencies named in photo credits.
    ``quoted_sources``: agencies or outlets the body cites ("Tass", "Interfax").
    ``lines``: the credit strings as found in the input.
    ``spans``: each agency credit with its kind and place (:class:`CreditSpan`).
    """

    agencies: tuple[str, ...] = ()
    desk: tuple[str, ...] = ()
    photo: tuple[str, ...] = ()
    photo_agencies: tuple[str, ...] = ()
    quoted_sources: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    spans: tuple[CreditSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class Residue:
    """A line removed by cleaning, and why (a reason such as ``"share-widget"``)."""

    line: str
    reason: str
    lineno: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One report from one source. ``raw`` is exactly what came in and is never changed."""

    id: str
    source: str
    raw: str
    text: str = ""
    title: str | None = None
    kicker: str | None = None
    teaser: str | None = None
    author: str | None = None
    url: str | None = None
    published: datetime | None = None
    language: str | None = None
    credits: Credits = field(default_factory=Credits)
    removed: tuple[Residue, ...] = ()
    captions: tuple[str, ...] = ()
    path: str | None = None
    format: str = "text"
    ingested: datetime | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be processed: which one and why."""

    input: str
    reason: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article's cleaned text, with character offsets into ``Article.text``."""

    article: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Member:
    """One sentence taking part in an alignment group."""

    article: str
    sentence: int
    text: str


@dataclass(frozen=True, slots=True)
class Alignment:
    """A group of sentences from different articles saying the same thing.

    ``kind`` is one of :data:`KINDS`; ``score`` the weakest link's similarity (0..1).
    A ``unique`` group has one member.
    """

    kind: str
    members: tuple[Member, ...]
    score: float


@dataclass(frozen=True, slots=True)
class Share:
    """Per article: the share of its sentences in each alignment kind."""

    article: str
    sentences: int
    verbatim: float = 0.0
    near_verbatim: float = 0.0
    paraphrase: float = 0.0
    unique: float = 0.0


@dataclass(frozen=True, slots=True)
class Comparison:
    """The sentence-level comparison of one story's articles."""

    story: str
    alignments: tuple[Alignment, ...]
    shares: tuple[Share, ...] = ()
    method: str = "compare.align.v1"


@dataclass(frozen=True, slots=True)
class Story:
    """Articles reporting the same event."""

    id: str
    articles: tuple[str, ...]
    title: str | None = None
    method: str = "stories.group.v1"


@dataclass(frozen=True, slots=True)
class Event:
    """The tight level inside a story: the reports of one happening (what the sentence
    comparison is made on). ``story`` is the id of the story it lies in."""

    id: str
    story: str
    articles: tuple[str, ...]
    title: str | None = None
    method: str = "stories.stream.v1.event"


@dataclass(frozen=True, slots=True)
class DupLink:
    """Two articles found to be copies: ``kind`` "exact" (same normalised text) or "near".

    ``similarity`` is the measured Jaccard of their word shingles, ``containment`` the share
    of the shorter one's shingles found in the other (both measured, not estimated).
    """

    a: str
    b: str
    kind: str
    similarity: float
    containment: float
    method: str = "reuse.dedup.v1"


@dataclass(frozen=True, slots=True)
class DupGroup:
    """Articles that are copies of each other; ``similarity`` is the weakest verified link."""

    id: str
    kind: str
    articles: tuple[str, ...]
    similarity: float
    method: str = "reuse.dedup.v1"


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A passage shared by articles ``a`` and ``b``, as character offsets into each text.

    ``words`` counts the words of the passage in ``a``; ``similarity`` is the share of those
    words matched verbatim in ``b`` (1.0 = copied unchanged).
    """

    a: str
    a_start: int
    a_end: int
    b: str
    b_start: int
    b_end: int
    words: int
    similarity: float
    method: str = "reuse.passages.v1"


@dataclass(frozen=True, slots=True)
class AgencyCredit:
    """An agency credited by one article (of outlet ``source``) that carries a passage."""

    agency: str
    article: str
    source: str


@dataclass(frozen=True, slots=True)
class CopiedPassage:
    """One stretch of an article's text found in other articles (``articles``).

    ``candidates``: every agency credited by an article carrying the stretch (this one
    included), each with the article and outlet that credit it: candidates, not findings.
    ``confirmed``: the agencies every carrier credits. ``earliest``: the carrier published
    first, None unless every carrier has a publication date.
    """

    start: int
    end: int
    articles: tuple[str, ...]
    earliest: str | None
    candidates: tuple[AgencyCredit, ...] = ()
    confirmed: tuple[str, ...] = ()

    @property
    def candidate_agencies(self) -> tuple[str, ...]:
        """The candidate agencies' names, sorted (who credits each: ``candidates``)."""
        return tuple(sorted({c.agency for c in self.candidates}))


@dataclass(frozen=True, slots=True)
class Attribution:
    """Which parts of an article are shared with which others, and whose wire copy they are.

    ``copied_share``: share of the text's characters inside shared passages.
    ``confirmed_agencies``: agencies credited by every article carrying some part of its
    shared text (this one included). ``flagged_uncredited``: it shares passages with
    agency-credited articles but credits no agency itself. ``wire_share``: share of its text
    in passages whose carriers credit any agency. ``original``: it is the (dated) earliest
    publisher of every passage it shares.
    """

    article: str
    passages: tuple[CopiedPassage, ...]
    copied_share: float
    original: bool
    confirmed_agencies: tuple[str, ...] = ()
    flagged_uncredited: bool = False
    wire_share: float = 0.0
    method: str = "reuse.attribution.v2"


@dataclass(frozen=True, slots=True)
class OutletDependency:
    """Per source: how much of its text is wire copy, overall and by agency (0..1)."""

    source: str
    articles: int
    wire_share: float
    by_agency: tuple[tuple[str, float], ...] = ()
    method: str = "reuse.dependency.v2"


# --- compare.analyse: entities, quantities, quotes, conflicts, chain, blindspots, timeline ---

#: Entity kinds.
PER = "PER"
LOC = "LOC"
ORG = "ORG"


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity: ``text`` is ``Article.text[start:end]``."""

    article: str
    sentence: int
    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, place or organisation of a story, its name variants merged.

    ``key`` is stable across runs ("PER:wladimir putin"); ``aliases`` the surface forms seen.
    """

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit and what it measures, normalised.

    ``value`` in the base unit (km, EUR, persons, year...); ``dimension`` such as "length",
    "money", "people", "date", "time", "count", "ordinal", "percent"; ``qualifier`` "exact",
    "approx", "more_than", "less_than"; ``relation`` the words tying it to ``anchor`` (the
    entity it is measured from, e.g. "nördlich von" Wladiwostok); ``measures`` the counted noun;
    ``subject`` the entity the sentence is about.
    """

    article: str
    sentence: int
    text: str
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
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    """Direct (quoted words) or indirect (reported) speech and who said it."""

    article: str
    sentence: int
    text: str
    speaker: str
    direct: bool
    cue: str = ""
    speaker_key: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """The same quote in several articles; ``attribution_differs`` when speakers disagree."""

    quotes: tuple[Quote, ...]
    speakers: tuple[str, ...]
    attribution_differs: bool
    score: float


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sentences of different articles stating one fact differently."""

    a: Member
    b: Member
    reason: str
    values: tuple[str, str]
    about: str = ""


@dataclass(frozen=True, slots=True)
class ChainLink:
    """``source`` passed information on to ``target`` (agency -> outlet, quoted -> agency)."""

    source: str
    target: str
    kind: str
    evidence: str
    article: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    """A sentence group (one alignment) and the sources that report it or not."""

    id: int
    kind: str
    text: str
    members: tuple[Member, ...]
    sources: tuple[str, ...]
    missing: tuple[str, ...]
    first_article: str = ""
    first_published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Blindspot:
    """Per article: the facts only it reports and the facts others report that it lacks."""

    article: str
    source: str
    only_here: tuple[int, ...]
    missing: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """An article in publication order and the facts that first appeared in it."""

    article: str
    source: str
    published: datetime | None
    position: int
    first_facts: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything ``compare.analysis.analyse`` finds in one story."""

    story: str
    entities: tuple[Entity, ...]
    quantities: tuple[Quantity, ...]
    quotes: tuple[Quote, ...]
    quote_groups: tuple[QuoteGroup, ...]
    conflicts: tuple[Conflict, ...]
    chain: tuple[ChainLink, ...]
    facts: tuple[Fact, ...]
    blindspots: tuple[Blindspot, ...]
    timeline: tuple[TimelineEntry, ...]
    method: str = "compare.analyse.v1"


@dataclass(frozen=True, slots=True)
class Similarity:
    """How alike two reports are, on the SemEval-2022 Task 8 scale: 1 = same story ..
    4 = unrelated. ``parts`` are the measured features the model combined, by name
    (``("use_cos", 0.83)``, ``("entity_jaccard", 0.4)``, ``("gap_hours", 6.0)``)."""

    score: float
    parts: tuple[tuple[str, float], ...] = ()
    method: str = "stories.similarity.use.v2"


@dataclass(frozen=True, slots=True)
class PairScore:
    """The similarity score of one input pair; ``truth`` is the human rating when known."""

    pair_id: str
    score: float
    languages: str = ""
    truth: float | None = None


@dataclass(frozen=True, slots=True)
class SimilarityMetrics:
    """Agreement of scored pairs with human ratings (``nan`` when no ratings were given).
    ``by_language``: (language pair such as "de-de", pairs, Pearson)."""

    pairs: int
    pearson: float
    same_story_auc: float
    by_language: tuple[tuple[str, int, float], ...] = ()
    method: str = "stories.similarity.use.v2"


@dataclass(frozen=True, slots=True)
class Membership:
    """Why an article belongs to its story: its strongest matches (article id, score on the
    SemEval scale), the entities and passages it shares with them, the similarity parts of the
    best match and the time gap to it. ``reason``: "founded", "joined", "moved", "merged",
    "split"; ``pinned`` when a correction put it there (later assignments never move it);
    ``notes`` flag odd input ("undated", "future_date", "no_language", "too_short")."""

    story: str
    article: str
    reason: str
    score: float | None = None
    matches: tuple[tuple[str, float], ...] = ()
    shared_entities: tuple[str, ...] = ()
    shared_passages: tuple[str, ...] = ()
    parts: tuple[tuple[str, float], ...] = ()
    gap_hours: float | None = None
    pinned: bool = False
    notes: tuple[str, ...] = ()
    method: str = "stories.stream.v1"


@dataclass(frozen=True, slots=True)
class Correction:
    """A person's change to stories: ``kind`` "split" (``articles`` leave ``story`` for a new
    story), "merge" (``other`` joins ``story``) or "move" (``articles`` go to ``story``)."""

    kind: str
    story: str
    articles: tuple[str, ...] = ()
    other: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AssignerState:
    """A saved streaming assigner: how many stored profiles and recorded corrections it has
    seen, and its state as bytes (``storyline.stories.state_codec``)."""

    profiles: int
    corrections: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Assignment:
    """One round of streaming assignment to save atomically: the new profile rows
    ``(article id, corrections before it, profile bytes)``, the assigner state after them,
    the stories that changed (with comparisons) and the ids of stories that are gone."""

    profiles: tuple[tuple[str, int, bytes], ...]
    state: AssignerState
    stories: tuple[tuple[Story, Comparison | None], ...]
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedState:
    """What ``storyline watch`` remembers of one feed or sitemap URL between polls: the
    validators of its last response (ETag, Last-Modified), when it was last checked, how many
    polls in a row failed, the earliest time of the next poll (backoff) and the last error."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    checked: datetime | None = None
    failures: int = 0
    next_poll: datetime | None = None
    error: str | None = None


def aware(when: datetime) -> datetime:
    """``when`` with a time zone: a naive datetime is taken as UTC (the one rule for dates
    without an offset, wherever they are compared or subtracted); an aware one is returned
    as it is."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)
