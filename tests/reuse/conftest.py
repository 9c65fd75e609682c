from __future__ import annotations

from pathlib import Path

import pytest

from storyline.model import Article
from tests.reuse.helpers import article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def seeds() -> list[Article]:
    """The two seed reports with the agency credits the clean stage parses from them."""
    a = EXAMPLES / "000_98dadad234490a67.txt"
    b = EXAMPLES / "004_9755e32e974529ca.txt"
    if not (a.exists() and b.exists()):
        pytest.skip("examples/ seed reports are not present")
    return [
        article("000", a.read_text(encoding="utf-8"), "nau.ch", ("Reuters", "sda")),
        article("004", b.read_text(encoding="utf-8"), "epochtimes.de", ("dpa",)),
    ]


@pytest.fixture(scope="session")
def wire() -> str:
    """A German wire-style report of about 120 words (written for these tests)."""
    return (
        "Die Bundesregierung hat am Dienstag in Berlin ein neues Gesetz zur Förderung der "
        "Windenergie beschlossen, wie ein Sprecher des Wirtschaftsministeriums mitteilte. "
        "Demnach sollen bis zum Jahr 2030 mindestens achtzig Prozent des Stroms aus "
        "erneuerbaren Quellen stammen. Kritiker aus der Opposition bemängelten, dass die "
        "Genehmigungsverfahren für neue Anlagen weiterhin zu lange dauerten. Der Verband der "
        "Energiewirtschaft begrüßte den Beschluss grundsätzlich, forderte aber schnellere "
        "Entscheidungen der Behörden. Umweltverbände sprachen von einem überfälligen Schritt "
        "und verwiesen auf die Klimaziele der Europäischen Union. Die Länder müssen dem Gesetz "
        "im Bundesrat noch zustimmen, die Abstimmung ist für den kommenden Monat geplant. "
        "Nach Angaben des Ministeriums könnten durch den Ausbau bis zu zwanzigtausend neue "
        "Arbeitsplätze in der Industrie entstehen, vor allem in Norddeutschland und an der Küste."
    )


@pytest.fixture(scope="session")
def other() -> str:
    """An unrelated report of similar length."""
    return (
        "Beim Heimspiel gegen den Tabellenführer hat die Mannschaft aus Bremen am Samstagabend "
        "einen überraschenden Sieg gefeiert. Vor ausverkauftem Stadion erzielte der junge "
        "Stürmer in der zweiten Halbzeit zwei Tore, nachdem sein Team lange Zeit zurückgelegen "
        "hatte. Der Trainer lobte nach dem Abpfiff die Moral seiner Spieler und sprach von einem "
        "wichtigen Schritt im Kampf gegen den Abstieg. Die Gäste beklagten dagegen mehrere "
        "umstrittene Entscheidungen des Schiedsrichters, der in der Schlussphase einen "
        "Strafstoß verweigert hatte. In der kommenden Woche muss die Mannschaft auswärts bei "
        "einem direkten Konkurrenten antreten, bevor die Länderspielpause beginnt."
    )
