"""The message catalogue and the bot's words in Spanish.

* The catalogue is complete and current: the template holds every message in the
  code, each language's ``.po`` holds every message of the template, translated,
  with the same placeholders and markup, and its committed ``.mo`` is the
  compiled ``.po`` (``make messages`` rebuilds all three with Babel).
* Every kind of reply renders in Spanish (source line, confidence words,
  did-you-mean, suggestions, decline, small talk, notices, contact, the note
  that the FAQ itself is in English), while the FAQ's own text stays as written.
* The page's language follows ``Accept-Language``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faqbot import i18n, render
from faqbot.models import Answer, Contact, Hit, Link

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "faqbot" / "locales"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]

babel = pytest.importorskip("babel", reason="Babel (the test extra) checks the catalogue")


def _po(lang: str):
    from babel.messages.pofile import read_po

    with (LOCALES / lang / "LC_MESSAGES" / "faqbot.po").open("rb") as f:
        return read_po(f)


def _tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _key(message) -> tuple:
    context = message.context.decode() if isinstance(message.context, bytes) else message.context
    return (context, _tuple(message.id))


def _extracted() -> set[tuple]:
    """The messages the code marks today, as ``make messages`` extracts them."""
    from babel.messages.extract import extract_from_dir

    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
        "N_": None,
    }
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "src" / "faqbot"),
        method_map=[("**.py", "python")],
        keywords=keywords,
    ):
        found.add((context, message))
    return found


def test_the_template_and_each_catalogue_hold_every_message_in_the_code():
    from babel.messages.pofile import read_po

    in_code = _extracted()
    with (LOCALES / "faqbot.pot").open("rb") as f:
        template = {_key(m) for m in read_po(f) if m.id}
    assert template == in_code, "run `make messages`"
    for lang in TRANSLATED:
        catalogue = {_key(m) for m in _po(lang) if m.id}
        assert catalogue == in_code, f"{lang}: run `make messages`"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders_and_markup(lang):
    def slots(text: str) -> tuple:
        return tuple(sorted(re.findall(r"\{[a-z_]*\}", text))), tuple(re.findall(r"</?[a-z]+>", text))

    for m in _po(lang):
        if not m.id:
            continue
        assert "fuzzy" not in m.flags, m.id
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(s.strip() for s in strings), f"{lang}: untranslated {m.id!r}"
        for s in strings:  # a plural's singular may name "one" instead of {count}
            assert set(slots(s)[0]) <= set(slots(ids[-1])[0]), (m.id, s)
            assert slots(s)[1] == slots(ids[-1])[1], (m.id, s)
        if not isinstance(m.id, tuple):
            assert slots(strings[0])[0] == slots(ids[0])[0], (m.id, strings[0])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_committed_mo_is_the_compiled_po(lang):
    from babel.messages.mofile import read_mo

    po = {_key(m): _tuple(m.string) for m in _po(lang) if m.id and m.string and "fuzzy" not in m.flags}
    with (LOCALES / lang / "LC_MESSAGES" / "faqbot.mo").open("rb") as f:
        mo = {_key(m): _tuple(m.string) for m in read_mo(f) if m.id}
    assert mo == po, "the .mo is stale: run `make messages`"


# --- the language of the page -------------------------------------------------------


@pytest.mark.parametrize(
    "header, expected",
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("es", "es"),
        ("es-US", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,es;q=0.5,en;q=0.4", "es"),  # the first language faqbot speaks
        ("en;q=0.2, es;q=0.9", "es"),  # by weight, not by order
        ("es;q=0, en", "en"),  # q=0: not this one
        ("de-DE", "en"),
        ("*", "en"),
        ("", "en"),
        (None, "en"),
        ("<script>alert(1)</script>", "en"),
        ("es;q=abc", "en"),
    ],
)
def test_accept_language_picks_a_language_faqbot_speaks(header, expected):
    assert i18n.negotiate(header) == expected


def test_unknown_languages_fall_back_to_english():
    assert i18n.supported("pt-BR") == "en" and i18n.supported("ES-mx") == "es"
    assert i18n.supported(None) == "en" and i18n.supported("../../etc") == "en"
    assert render.decline_sentence("pt") == render.decline_sentence("en")


# --- each kind of reply in Spanish ---------------------------------------------------

FAQ_QUESTION = "How long does New Mexico retain state benefits data shared with ICE?"
FAQ_ANSWER = (
    "New Mexico retains state benefits data shared with ICE for a period of 24 months. It is then purged."
)
RELATED = [Hit(10, "Can I correct my data?", 0.6), Hit(8, "Who oversees the sharing?", 0.5)]


def _faq(score: float, **kw) -> Answer:
    return Answer(
        answer=FAQ_ANSWER,
        kind="faq",
        score=score,
        question_number=9,
        question=FAQ_QUESTION,
        alternatives=RELATED,
        language="es",
        **kw,
    )


@pytest.mark.parametrize("score, word", [(0.93, "alta"), (0.6, "media"), (0.3, "baja")])
def test_a_faq_answer_in_spanish(score, word):
    a = _faq(score)
    shown = render.html(a, faq_language="en", buttons=True, interface_language="es")
    assert "Fuente: pregunta 9 — &quot;How long does New Mexico retain" in shown  # the FAQ's words stay
    assert f"Confianza: {word}" in shown
    assert (
        "Las preguntas frecuentes están en inglés; sus respuestas se citan tal como están escritas." in shown
    )
    assert "<p>New Mexico retains state benefits data shared with ICE for a period of 24 months." in shown
    assert "Preguntas relacionadas:" in shown and 'value="10">10. Can I correct my data?</button>' in shown
    assert ">Copiar enlace</button>" in shown and "Enlace copiado." in shown and "Copie este enlace:" in shown
    text = render.plain_text(a, faq_language="en")
    assert 'Fuente: pregunta 9 — "How long does New Mexico retain' in text
    assert f"[confianza: {word}, {score:.2f}]" in text
    assert "Fuente: pregunta 9" in render.markdown(a) and f"Confianza: {word}" in render.markdown(a)
    for english in ("Source", "Confidence", "Related questions", "Copy link"):
        assert english not in shown and english not in text


def test_did_you_mean_and_notices_in_spanish():
    a = _faq(
        0.6,
        did_you_mean=RELATED[0],
        notice=render.join_notices(
            render.truncation_notice(25_000, 1000, "es"), render.repeated_notice(9, "es")
        ),
    )
    shown = render.html(a)
    assert "Quizá quiso decir: <strong>10. Can I correct my data?</strong> Está entre las preguntas" in shown
    assert "Su pregunta tenía 25,000 caracteres; solo se leyeron los primeros 1,000." in shown
    assert "Es la misma respuesta que antes (pregunta 9)" in shown
    assert "Quizá quiso decir: 10. Can I correct my data?" in render.plain_text(a)


def test_a_decline_in_spanish_with_and_without_a_contact():
    contact = Contact(
        "Call the benefits hotline, weekdays 8-5.",
        (
            Link("Hotline", "tel:+1-505-555-0100"),
            Link("Write to us", "mailto:help@example.org"),
            Link("Website", "https://example.org/help"),
        ),
    )
    a = Answer(
        answer=render.decline_sentence("es"),
        kind="declined",
        score=0.1,
        alternatives=RELATED,
        language="es",
        contact=contact,
    )
    shown = render.html(a, faq_language="en", buttons=True)
    assert "Lo siento, parece que las preguntas frecuentes no cubren esta pregunta" in shown
    assert "Para hablar con una persona:" in shown and "Call the benefits hotline, weekdays 8-5." in shown
    assert '<a href="tel:+1-505-555-0100" rel="noopener noreferrer nofollow">Hotline</a>' in shown
    assert '<a href="mailto:help@example.org" rel="noopener noreferrer nofollow">Write to us</a>' in shown
    assert '<a href="https://example.org/help" target="_blank"' in shown
    assert "Las preguntas más parecidas que sí responden son:" in shown
    assert "faq-copy" not in shown and "Fuente" not in shown
    assert "tel:+1-505-555-0100" in render.plain_text(a) and "(<tel:+1-505-555-0100>)" in render.markdown(a)
    alone = Answer(answer=render.decline_sentence("es"), kind="declined", score=0.1, language="es")
    assert "no puede ponerle en contacto con una persona" in render.html(alone)
    assert "cannot put you in touch with a person" in render.plain_text(
        Answer(answer=render.decline_sentence(), kind="declined", score=0.1)
    )


def test_a_contact_link_that_is_not_http_mailto_or_tel_stays_text():
    contact = Contact(
        "", (Link("Click", "javascript:alert(1)"), Link('x"><img src=x>', "https://ok.example/"))
    )
    shown = render.contact_html(contact)
    assert "javascript:" not in shown and "<li>Click</li>" in shown
    assert "<img" not in shown and "x&quot;&gt;&lt;img src=x&gt;" in shown
    assert render.footer_html(None) == "" and "faq-contact" in render.footer_html(contact, "es")


@pytest.mark.parametrize(
    "intent, spanish",
    [
        ("greeting", "¡Hola! Respondo dudas con base en las preguntas frecuentes “Pet FAQ”."),
        ("thanks", "¡De nada!"),
        ("goodbye", "Adiós, cuídese."),
        ("identity", "Soy faqbot, un asistente automático, no una persona."),
        ("human", "Soy un asistente automático, no una persona."),
        ("creator", "Yo no escribo las respuestas"),
        ("languages", "Puede preguntar en inglés o en español."),
        ("capabilities", "Le muestro la respuesta y el número de la pregunta"),
        ("help", "En total hay 5 preguntas."),
        ("ack", "¿Hay algo más que quiera saber?"),
        ("something new", "Escriba su pregunta con sus propias palabras."),
    ],
)
def test_small_talk_in_spanish(intent, spanish):
    sentence = render.smalltalk_sentence(
        intent, "Pet FAQ", 5, description="Pets and their care.", language="es"
    )
    assert spanish in sentence
    assert "Pets and their care" not in sentence  # an English description does not go in a Spanish sentence
    english = render.smalltalk_sentence(intent, "Pet FAQ", 5, description="Pets and their care.")
    assert "a FAQ about pets and their care" in english


def test_small_talk_reply_renders_in_spanish_with_its_examples():
    a = Answer(
        answer=render.smalltalk_sentence("human", "Pet FAQ", 5, language="es"),
        kind="smalltalk",
        score=1.0,
        alternatives=RELATED,
        language="es",
        intent="human",
    )
    shown = render.html(a, faq_language="en", buttons=True)
    assert "Puede preguntar, por ejemplo:" in shown
    assert "no puede ponerle en contacto con una persona" in shown  # "talk to a human", no contact
    assert "Las preguntas frecuentes están en inglés" in shown  # the examples are the FAQ's words
    assert "En total hay 1 pregunta." in render.smalltalk_sentence("help", "X", 1, language="es")


def test_faq_language_note():
    assert render.faq_language_note("en", "en") is None
    assert render.faq_language_note("es", "es-MX") is None
    assert render.faq_language_note("es", "en") == (
        "Las preguntas frecuentes están en inglés; sus respuestas se citan tal como están escritas."
    )
    assert (
        render.faq_language_note("en", "es")
        == "The FAQ itself is in Spanish; its answers are quoted as written."
    )
    assert "another language" in render.faq_language_note("en", "pt-BR")
    assert render.faq_language_note("pt", "en") is None  # no catalogue: English framing, no note


def test_the_page_words_in_spanish():
    words = render.interface("es", 20, "NM FAQ")
    assert (words.ask, words.new_conversation, words.box_placeholder) == (
        "Preguntar",
        "Nueva conversación",
        "Escriba su pregunta aquí…",
    )
    assert words.browse == "Todas las preguntas frecuentes (20)"
    assert words.unknown_entry.startswith("Ese número de pregunta no está en estas preguntas frecuentes.")
    assert render.interface("en", 1, "X").browse == "The one question in this FAQ"
    assert "Hay 20 preguntas frecuentes." in render.empty_chat_html([], 20, "es")
