"""Places a question names that the FAQ never mentions: a sign it asks about somewhere else.

A state-specific FAQ ("New Mexico ...") matches "does Texas share data with ICE?"
almost word for word, yet does not answer it. When a question names a US state
(or DC / Puerto Rico) that appears nowhere in the corpus text, the retriever
scales its scores down (``FusionConfig.unknown_place_factor``) so the bot
declines unless the match is otherwise overwhelming. A FAQ that does mention
the place is unaffected, so the rule is not tied to one corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

US_PLACES = (
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "new hampshire",
    "new jersey",
    "new mexico",
    "new york",
    "north carolina",
    "north dakota",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "rhode island",
    "south carolina",
    "south dakota",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "washington",
    "west virginia",
    "wisconsin",
    "wyoming",
    "puerto rico",
    "district of columbia",
)
_PATTERN = re.compile(r"\b(" + "|".join(sorted(US_PLACES, key=len, reverse=True)) + r")\b")


def places_in(text: str) -> set[str]:
    """The US states named in a text (lowercase names; 'west virginia' is not 'virginia')."""
    return set(_PATTERN.findall(text.lower()))


def corpus_places(texts: Iterable[str]) -> set[str]:
    """Every US state the corpus mentions anywhere."""
    found: set[str] = set()
    for text in texts:
        found |= places_in(text)
    return found


def unknown_places(query: str, known: set[str]) -> set[str]:
    """States the query names that the corpus never mentions."""
    return places_in(query) - known
