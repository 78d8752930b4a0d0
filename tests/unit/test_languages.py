"""The pages' languages: every message the pages say has its French, and no French is left for a message no page
says any more; the browser's preference is read as Accept-Language says; numbers are grouped as the locale groups
them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from valueflows.api import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_of_the_pages_is_in_french_and_nothing_else() -> None:
    method_map = [(line.strip("[]\n").split(": ")[1], line.strip("[]\n").split(": ")[0])  # babel.cfg's own
                  for line in (ROOT / "babel.cfg").open() if line.startswith("[")]
    assert ("valueflows/reciprocity/words.py", "python") in method_map
    said = {message for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map)}
    with (ROOT / "valueflows/locale/fr/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po, locale="fr")
    french = {m.id: m.string for m in catalog if m.id}
    assert said and said == set(french), (said - set(french), set(french) - said)
    assert all(french.values()), [m for m, s in french.items() if not s]


def test_the_browser_preference_is_read_by_quality() -> None:
    assert i18n.accepted("fr-CH, fr;q=0.9, en;q=0.8") == "fr"
    assert i18n.accepted("de-DE, en;q=0.5, fr;q=0.7") == "fr"
    assert i18n.accepted("de, es") == "en" and i18n.accepted(None) == "en" and i18n.accepted("fr;q=0") == "en"


def test_numbers_are_grouped_for_the_locale() -> None:
    token = i18n._current.set("fr")
    try:
        assert i18n.number(Decimal("4714.105"), 2) == "4\u202f714,10"  # half to even, a narrow space
        assert i18n.number("1200", 0) == "1\u202f200"
    finally:
        i18n._current.reset(token)
    assert i18n.number(Decimal("4714.115"), 2) == "4,714.12" and i18n.number("-700.01", 2) == "-700.01"
