"""Rules that recognise scraping residue line by line (German, English, some French/Spanish).

Each rule is a reason slug (see docs/cleaning.md) and a pattern matched against the whole
stripped line, case-insensitively. Patterns describe the *kind* of line (a share widget, a
reading-time badge), never one site's exact strings. :func:`rule_reason` returns the first
reason that fits; :func:`navigation_runs` finds runs of short menu-like lines.
"""

from __future__ import annotations

import re

METHOD = "clean.residue.v1"

#: Characters that render as nothing; a line of only these (and whitespace) is blank.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SEP = r"[\s|·•/,:>»›\-–—]*"
_SOCIAL = (
    r"facebook|twitter|x|linkedin|xing|whatsapp|telegram|pinterest|reddit|tumblr|threads|"
    r"mastodon|bluesky|instagram|youtube|tiktok|flipboard|pocket|e-?mail|mail|sms|messenger"
)
_SHARE_VERB = (
    r"teilen|share|partager|compartir|condividi|delen|tweet|twittern|pin\s*it|print|drucken"
)


def _rx(body: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{body})$", re.IGNORECASE | re.UNICODE)


_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "share-widget",
        _rx(
            rf"(?:(?:artikel|beitrag|seite|story|post|article|page|this)\s+)*(?:{_SHARE_VERB})"
            rf"(?:\s+(?:this|the|diesen?|den|the)?\s*(?:artikel|beitrag|article|story|post|page|seite)?)?"
            rf"(?:\s+(?:on|auf|via|per|with|mit|über)\s+(?:{_SOCIAL}))?\s*[:|]?"
            rf"|(?:(?:{_SOCIAL}|{_SHARE_VERB}|link kopieren|copy link|url kopieren){_SEP}){{1,12}}"
            rf"|(?:{_SOCIAL})\s*(?:teilen|share)"
            rf"|(?:auf|on|via)\s+(?:{_SOCIAL})\s+(?:teilen|share|folgen|follow)"
            r"|(?:teilen|share)\s*(?:\(\d+\)|\d+)|\d+\s*(?:shares?|mal geteilt)"
        ),
    ),
    (
        "comment-widget",
        _rx(
            r"\d*\s*(?:kommentare?|comments?|commentaires?|comentarios?|leserkommentare)"
            r"\s*(?:\(\d+\)|\d+)?\s*[:»›]?"
            r"|(?:noch\s+)?keine\s+kommentare\b.*|no\s+comments?(?:\s+yet)?\b.*"
            r"|(?:be\s+the\s+first\s+to\s+comment|schreiben\s+sie\s+(?:den\s+ersten|einen)\s+"
            r"kommentar)\b.*"
            r"|(?:leave|post|add|write)\s+an?\s+(?:comment|reply)\b.{0,60}"
            r"|(?:kommentar|kommentieren|antworten|reply|comment)\s+(?:schreiben|verfassen|now)?"
            r"|(?:zu\s+den\s+)?kommentaren?\s+(?:springen|anzeigen)|(?:show|view|load)\s+"
            r"(?:all\s+|more\s+)?comments?|join\s+the\s+(?:discussion|conversation)\b.{0,40}"
            r"|diskutieren\s+sie\s+mit\b.{0,60}|was\s+meinen\s+sie\??"
        ),
    ),
    (
        "reading-time",
        _rx(
            r"(?:lesedauer|lesezeit|reading\s+time|temps\s+de\s+lecture|tiempo\s+de\s+lectura)"
            r"\s*:?\s*(?:ca\.\s*|about\s+|etwa\s+|<\s*)?\d+\s*(?:-\s*\d+\s*)?"
            r"(?:min\.?|minuten?|minutes?|mins?\.?)"
            r"|(?:ca\.\s*)?\d+\s*(?:min\.?|minuten?|minutes?|mins?\.?)\s*"
            r"(?:read|lesezeit|lesedauer|lesen|de\s+lecture|de\s+lectura)"
        ),
    ),
    (
        "image-placeholder",
        _rx(
            r"(?=[\w-]*(?:image|img|photo|picture|pic|bild|foto|thumbnail|thumb|icon|"
            r"avatar|placeholder|banner|figure|hero))(?:[a-z0-9]+[-_]?){1,8}"
            r"|\S+\.(?:jpe?g|png|gif|webp|svg|avif|bmp|tiff?)(?:\?\S*)?"
            r"|(?:image|bild|foto|photo|picture)\s*:?\s*\d+\s*(?:of|von|/|de)\s*\d+"
            r"|(?:zoom|vergrößern|enlarge|vollbild|fullscreen|galerie|gallery|bildergalerie)"
            r"(?:\s+(?:öffnen|open|ansehen|view))?"
        ),
    ),
    ("logo", _rx(r"logo\b.{0,48}|.{0,48}\blogo")),
    (
        "advertising",
        _rx(
            r"[-–—\s]*(?:anzeige|werbung|advertisement|advertising|advertorial|ad|ads|"
            r"sponsored(?:\s+(?:content|post|links?|stories))?|gesponsert|promoted(?:\s+content)?|"
            r"paid\s+(?:content|post)|partner-?\s*(?:inhalte?|content|angebote?|links?)|"
            r"publicité|publicidad|pubblicità|empfehlungen\s+aus\s+dem\s+netz|"
            r"recommended\s+(?:for\s+you|by\s+\w+)|mehr\s+aus\s+dem\s+web|"
            r"(?:anzeige|werbung)\s*[:-].{0,60}|story\s+continues\s+below\s+advertisement)"
            r"[-–—\s]*"
        ),
    ),
    (
        "cookie-banner",
        _rx(
            r"(?=.*\bcookies?\b)(?=.*\b(?:akzeptieren|zustimmen|einverstanden|erlauben|"
            r"accept|agree|consent|allow|settings|einstellungen|policy|richtlinie|verwenden|"
            r"nutzen|use[sd]?|utilise|utilizamos)\b).*"
            r"|(?:alle\s+)?(?:akzeptieren|ablehnen|accept\s+all|reject\s+all|accept|decline|"
            r"zustimmen|einverstanden|ok,?\s+verstanden|got\s+it|i\s+agree)"
        ),
    ),
    (
        "newsletter",
        _rx(
            r".{0,80}\bnewsletter\b.{0,100}"
            r"|(?:jetzt\s+)?(?:abonnieren|subscribe(?:\s+now)?|sign\s+up(?:\s+now)?|anmelden|"
            r"registrieren|register|log\s*in|login|sign\s+in|abmelden|log\s*out)\s*[!.]?"
            r"|(?:subscribe|sign\s+up|abonnieren\s+sie)\b.{0,80}(?:updates?|news|email|e-mail|"
            r"inbox|postfach|alerts?)\b.{0,40}"
            r"|(?:ihre|your)\s+e-?mail(?:-adresse|\s+address)?\s*[:*]?"
        ),
    ),
    (
        "footer",
        _rx(
            r"(?:©|\(c\)|copyright)\s*.{0,160}"
            r"|.{0,120}\b(?:all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten|"
            r"tous\s+droits\s+réservés|todos\s+los\s+derechos\s+reservados)\b.{0,120}"
            r"|(?:(?:impressum|datenschutz(?:erklärung|hinweise)?|agb|kontakt|imprint|"
            r"privacy(?:\s+policy)?|terms(?:\s+(?:of\s+(?:use|service)|and\s+conditions))?|"
            r"cookie[-\s]?(?:policy|richtlinie|einstellungen|settings)|contact(?:\s+us)?|"
            r"about(?:\s+us)?|über\s+uns|nutzungsbedingungen|barrierefreiheit|accessibility|"
            r"sitemap|mediadaten|jobs|karriere|careers|faq|hilfe|help|rss|archiv|archive|"
            r"disclaimer|legal|mentions\s+légales|aviso\s+legal)\s*[|·•,/]?\s*){1,12}"
        ),
    ),
    (
        "navigation",
        _rx(
            r"(?:home|startseite|menü|menu|navigation|suche|search|zurück|back|weiter|next|"
            r"previous|vorherige[rs]?|nächste[rs]?|mehr|more|mehr\s+(?:zum\s+thema|lesen|erfahren)|"
            r"read\s+more|weiterlesen|continue\s+reading|skip\s+to\s+(?:main\s+)?content|"
            r"zum\s+inhalt(?:\s+springen)?|nach\s+oben|back\s+to\s+top|top|"
            r"(?:related|verwandte)\s+(?:articles?|stories|posts|artikel|themen)|"
            r"(?:das|auch)\s+könnte\s+sie\s+interessieren|you\s+may\s+also\s+like|"
            r"(?:meistgelesen|most\s+(?:read|popular)|trending|latest\s+news|neueste\s+artikel))"
            r"\s*[:»›>…]*"
            r"|.{1,40}(?:\s+[|»›>]\s+.{1,40}){2,}"
        ),
    ),
)

_AUTHOR = re.compile(
    r"^(?i:von|by|text|autor(?:in)?|author|written\s+by|par|por|di)\s*:?\s+"
    r"(?P<name>[A-ZÄÖÜÉ][\w.'’-]+(?:\s+(?:und|and|&|von|van|de|der)?\s*[A-ZÄÖÜÉ][\w.'’-]+){0,5})"
    r"\s*(?:[,|]\s*.{0,40})?$",
    re.UNICODE,
)


def is_blank(line: str) -> bool:
    """True when the line holds only whitespace (NBSP included) or invisible characters."""
    return not line.strip().strip(_INVISIBLE).strip()


def rule_reason(line: str) -> str | None:
    """The residue reason the rules give ``line`` (``"share-widget"``, ...), or None."""
    if is_blank(line):
        return "blank"
    text = " ".join(line.split())
    if len(text) > 400:
        return None
    for reason, pattern in _RULES:
        if pattern.match(text):
            return reason
    return None


def author_name(line: str) -> str | None:
    """The name in an author line ("Von Anna Muster", "By John Smith"), or None."""
    m = _AUTHOR.match(" ".join(line.split()))
    return m.group("name") if m else None


def _menu_like(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= 32 and len(text.split()) <= 3 and text[-1] not in ".!?:;,\"“”»«'"


def navigation_runs(lines: list[str], *, min_run: int = 5) -> set[int]:
    """Indexes of lines in runs of at least ``min_run`` short menu-like lines (blanks skipped)."""
    found: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines + ["end of input."]):
        if is_blank(line):
            continue
        if _menu_like(line):
            run.append(i)
            continue
        if len(run) >= min_run:
            found.update(run)
        run = []
    return found
