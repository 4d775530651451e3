"""Which language a question is in, and the language its reply is framed in.

* Function words vote; a word several languages use splits its vote, so Spanish,
  French and Portuguese questions are told apart although they share "que", "a", "de".
* A tie between languages of which only one can be replied in goes to that one.
* The bot frames a reply in the question's language when it has a catalogue for it,
  else in the FAQ's: a French or Portuguese question is not framed in Spanish.
"""

from __future__ import annotations

import pytest

from faqbot import i18n
from faqbot.language import detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("does new mexico share my data with ice", "en"),
        ("¿Nuevo México comparte mis datos con ICE?", "es"),
        ("nuevo mexico le da mis datos a ICE?", "es"),
        ("q es lo que el estado le cuenta a la migra de uno", "es"),
        ("Est-ce que le Nouveau-Mexique donne mes informations à ICE?", "fr"),
        ("Mon fils reçoit Medicaid, est-ce que ICE le sait?", "fr"),
        ("O estado compartilha meus dados do SNAP com o ICE?", "pt"),
        ("Quem vai ver os meus dados?", "pt"),
        ("SNAP ICE Medicaid", "en"),  # no function word: the default
    ],
)
def test_the_language_of_a_question(text, expected):
    assert detect(text) == expected


def test_a_tie_goes_to_the_one_language_the_caller_can_reply_in():
    text = "como aplico para trabajar de chofer"  # Spanish and Portuguese function words only
    assert detect(text) == "en"  # a tie: the default
    assert detect(text, prefer=("en", "es")) == "es"
    assert detect("a", prefer=("en", "es")) == "en"  # a tie of two preferred languages: the default


@pytest.mark.parametrize(
    ("question", "framing"),
    [
        ("Le Nouveau-Mexique partage-t-il mes données avec ICE ?", "en"),
        ("O estado compartilha meus dados do SNAP com o ICE?", "en"),
        ("¿El estado comparte mis datos con ICE?", "es"),
    ],
)
def test_a_reply_is_framed_in_the_questions_language_only_when_faqbot_speaks_it(bot, question, framing):
    assert "fr" not in i18n.LANGUAGES and "pt" not in i18n.LANGUAGES
    assert bot.ask(question).language == framing
