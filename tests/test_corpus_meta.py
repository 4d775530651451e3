"""The meta sidecar's language and contact (faqbot.corpus.sidecars, faqbot.corpus.contact)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from faqbot import CorpusError, load_corpus
from faqbot.corpus import Contact, Corpus, Link, corpus_from_entries
from faqbot.corpus.contact import check_url
from faqbot.models import Entry


@pytest.fixture
def faq(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("1. When do you open?\nAt nine.\n")
    return src


def write_meta(faq, meta: dict) -> None:
    faq.with_name("faq.meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def test_defaults_without_a_meta_sidecar(faq):
    c = load_corpus(faq)
    assert (c.language, c.contact) == ("en", None)
    assert c.title == "Faq FAQ"


def test_language_and_contact_are_read(faq):
    write_meta(
        faq,
        {
            "title": "  Library \n FAQ ",
            "language": "es",
            "contact": {
                "text": "Llame a la línea de ayuda, de lunes a viernes.",
                "links": [
                    {"label": "Llamar 505-555-0100", "url": "tel:+1-505-555-0100"},
                    {"label": "Correo", "url": "mailto:ayuda@example.org?subject=FAQ"},
                    {"label": "Oficinas", "url": "HTTPS://example.org/oficinas?x=1#mapa"},
                ],
            },
        },
    )
    c = load_corpus(faq)
    assert c.title == "Library FAQ"
    assert c.language == "es"
    assert c.contact == Contact(
        "Llame a la línea de ayuda, de lunes a viernes.",
        (
            Link("Llamar 505-555-0100", "tel:+1-505-555-0100"),
            Link("Correo", "mailto:ayuda@example.org?subject=FAQ"),
            Link("Oficinas", "HTTPS://example.org/oficinas?x=1#mapa"),
        ),
    )


@pytest.mark.parametrize("language", ["en", "es", "pt-BR", "zh-Hant-TW", "ast", "EN"])
def test_language_codes_accepted(faq, language):
    write_meta(faq, {"language": language})
    assert load_corpus(faq).language == language


def test_null_language_and_contact_mean_not_given(faq):
    write_meta(faq, {"language": None, "contact": None, "title": None})
    c = load_corpus(faq)
    assert (c.language, c.contact, c.title) == ("en", None, "Faq FAQ")


def test_a_contact_with_only_text_or_only_links(faq):
    write_meta(faq, {"contact": {"text": "Ask at the front desk."}})
    assert load_corpus(faq).contact == Contact("Ask at the front desk.", ())
    write_meta(faq, {"contact": {"links": [{"label": "Web", "url": "http://example.org"}]}})
    assert load_corpus(faq).contact == Contact("", (Link("Web", "http://example.org"),))


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org",
        "http://example.org:8080/a?b=c",
        "mailto:a.b@example.org",
        "tel:+15055550100",
        "tel:505-555-0100",
        "https://[::1]/x",
    ],
)
def test_accepted_urls(url):
    assert check_url(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:x",
        "data:text/plain,hi",
        "file:///etc/passwd",
        "ftp://example.org",
        "//example.org",
        "/help",
        "example.org",
        "https://",
        "https:example.org",
        "http://exa mple.org",
        "https://example.org/\u0000",
        "https://example.org/<script>",
        "mailto:nobody",
        "tel:",
        "tel:abc",
        "https://example.org:notaport/",
        "https://" + "a" * 3000 + ".org",
        "",
    ],
)
def test_refused_urls(url):
    assert check_url(url) is not None


def test_a_refused_link_names_the_sidecar_and_line(faq):
    write_meta(faq, {"contact": {"text": "x", "links": [{"label": "Click", "url": "javascript:alert(1)"}]}})
    with pytest.raises(CorpusError) as info:
        load_corpus(faq)
    assert str(info.value).startswith(f"{faq.with_name('faq.meta.json')}, line 7: ")
    assert "javascript:alert(1)" in str(info.value)


def test_translations_of_the_contact_and_disclaimer(faq):
    links = [{"label": "Call 505-555-0100", "url": "tel:+1-505-555-0100"}]
    write_meta(
        faq,
        {
            "disclaimer": "General information, not legal advice.",
            "contact": {"text": "Call the hotline.", "links": links},
            "translations": {
                "es": {
                    "contact": {"text": "Llame a la línea de ayuda."},
                    "disclaimer": "Información general, no asesoría legal.",
                },
                "pt-BR": {"contact": {"text": "Ligue.", "links": []}},
                "fr": {"disclaimer": "  "},
            },
        },
    )
    c = load_corpus(faq)
    hotline = (Link("Call 505-555-0100", "tel:+1-505-555-0100"),)
    assert c.contact_in("en") == c.contact == Contact("Call the hotline.", hotline)
    assert c.contact_in("es") == Contact("Llame a la línea de ayuda.", hotline)  # links kept
    assert c.contact_in("es-MX") == c.contact_in("ES") == c.contact_in("es")  # by primary language
    assert c.contact_in("pt") == Contact("Ligue.", ())  # links given (none): not inherited
    assert c.contact_in("fr") == c.contact  # not translated: as written
    assert c.disclaimer_in("es-MX") == ("Información general, no asesoría legal.", "es")
    assert c.disclaimer_in("fr") == c.disclaimer_in("de") == ("General information, not legal advice.", "en")


def test_a_translation_keyed_by_region_serves_its_language(faq):
    write_meta(faq, {"translations": {"es-MX": {"contact": {"text": "Pregunte en la oficina."}}}})
    c = load_corpus(faq)
    assert c.contact is None and c.contact_in("es") == Contact("Pregunte en la oficina.", ())
    assert c.disclaimer_in("es") == ("", "en")


def test_contact_and_language_change_the_digest(faq):
    before = load_corpus(faq).sha256
    write_meta(faq, {"contact": {"text": "Call 311."}})
    assert load_corpus(faq).sha256 != before


def test_values_are_frozen():
    link = Link("Web", "https://example.org")
    with pytest.raises(dataclasses.FrozenInstanceError):
        link.url = "javascript:x"  # type: ignore[misc]
    assert hash(Contact("x", (link,)))


def test_corpus_from_entries_keeps_working_and_takes_language_and_contact():
    entries = [Entry(1, "Q?", "A.")]
    plain = corpus_from_entries(entries)
    assert (plain.language, plain.contact) == ("en", None)
    assert plain.sha256 == corpus_from_entries(entries, title="FAQ").sha256
    contact = Contact("Call us.", (Link("Call", "tel:311"),))
    other = corpus_from_entries(entries, language="es", contact=contact)
    assert (other.language, other.contact) == ("es", contact)
    assert other.sha256 != plain.sha256


def test_corpus_fields_have_defaults():
    c = Corpus((Entry(1, "Q?", "A."),), "T", "0" * 64)
    assert (c.language, c.contact, c.by_number[1].answer) == ("en", None, "A.")
