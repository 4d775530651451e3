"""The message catalogue: which languages faqbot speaks, and its sentences in each.

faqbot's own words (the chat's buttons and notes, and the framing of a reply:
the source line, the confidence, the decline and small-talk sentences) are
written in English in the code and translated in gettext catalogues under
``locales/``: ``locales/faqbot.pot`` (the template, extracted from the code) and
``locales/<lang>/LC_MESSAGES/faqbot.po`` (the translation) with its compiled
``faqbot.mo``. ``make messages`` rebuilds them with Babel (extract, update,
compile); at run time only the compiled ``.mo`` files are read, with the
standard library's ``gettext``. A FAQ's own text is never translated.

A language is named by its primary subtag (``es`` for ``es-MX``); a language
without a catalogue falls back to English.
"""

from __future__ import annotations

import gettext as _gettext
import re
from functools import cache
from pathlib import Path

DOMAIN = "faqbot"
LOCALES = Path(__file__).resolve().parent / "locales"
SOURCE_LANGUAGE = "en"  # the language the messages are written in (the msgids)
LANGUAGES: tuple[str, ...] = ("en", "es")  # every language with a catalogue, the source first
LANGUAGE_NAMES = {"en": "English", "es": "Español"}  # each language in its own words (the switch)

_TAG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (translated where it is used)."""
    return message


def primary(code: object) -> str:
    """The primary language subtag of a language code, lower case (``es-MX`` -> ``es``); "" if not one."""
    if not isinstance(code, str) or not _TAG.match(code.strip()):
        return ""
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def supported(code: object) -> str:
    """The catalogue language for a language code: itself when faqbot speaks it, else English."""
    lang = primary(code)
    return lang if lang in LANGUAGES else SOURCE_LANGUAGE


@cache
def translation(language: str) -> _gettext.NullTranslations:
    """The translations for ``language`` (English, the source, translates to itself)."""
    lang = supported(language)
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(LOCALES), languages=[lang])


def negotiate(accept_language: object) -> str:
    """The best language faqbot speaks for an HTTP ``Accept-Language`` header (English if none).

    ``es-MX,es;q=0.9,en;q=0.8`` gives ``es``; entries are taken by their ``q``
    weight (then by order); ``q=0`` means "not this one".
    """
    if not isinstance(accept_language, str):
        return SOURCE_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language[:500].split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip():
            match = re.fullmatch(r"\s*q\s*=\s*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)\s*", params)
            if match is None:
                continue  # a malformed weight: this entry says nothing usable
            weight = float(match.group(1))
        lang = primary(tag)
        if weight > 0 and lang in LANGUAGES:
            ranked.append((-weight, position, lang))
    return min(ranked)[2] if ranked else SOURCE_LANGUAGE
