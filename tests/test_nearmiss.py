"""The pieces that tell a question about the FAQ's subject from one about another subject.

``text.question_part`` (which sentences of a message ask), ``nearmiss`` (the FAQ's
subject names and the swapped-subject questions the classifier learns to decline),
``retrieval.names.unknown_names`` (names the FAQ never mentions) and the bot's
check that a small-talk-sounding message the FAQ answers is answered.
"""

from __future__ import annotations

import pytest

from faqbot.engine_data import bare_subject, other_subjects, place_names
from faqbot.nearmiss import MAX_NEAR_MISSES, PER_NAME, names_in, near_misses, subject_names
from faqbot.retrieval.names import INSIDE, subject_part, unknown_names, vocabulary
from faqbot.text import question_part

BUS_QUESTIONS = [
    "When does the RVT bus run on Sundays?",
    "Can I bring a bike on an RVT bus?",
    "How much is a Valley Card for students?",
    "Where do I top up my Valley Card?",
    "Is the office open on holidays?",
]
BUS_TEXT = "\n".join(BUS_QUESTIONS) + "\nBuses run every 20 minutes. Valley Cards are sold at the depot."


# --- which part of a message asks ----------------------------------------------------


@pytest.mark.parametrize(
    "message, asks",
    [
        ("How long is my data kept?", "How long is my data kept?"),
        ("how long is my data kept", "how long is my data kept"),
        (
            "My son studies in Albuquerque. He gets SNAP. Can they share his file?",
            "Can they share his file?",
        ),
        ("I moved from Texas last year. Is my file shared? Who decides?", "Is my file shared? Who decides?"),
        ("I moved from Texas last year. Tell me who sees my file.", "Tell me who sees my file."),
    ],
)
def test_question_part_is_the_asking_sentences(message, asks):
    assert question_part(message) == asks


# --- the FAQ's subject names -----------------------------------------------------------


def test_names_are_acronyms_and_runs_of_capitalised_words():
    assert names_in("Does New Mexico share data with ICE?") == ["New Mexico", "ICE"]
    assert names_in("Can I bring a bike on an RVT bus?") == ["RVT"]
    assert names_in("Where do I top up my Valley Card?") == ["Valley Card"]


def test_a_sentences_capitalised_first_word_alone_is_not_a_name():
    assert names_in("Where is the office?") == []
    assert names_in("Buses run late?") == []
    assert names_in("IRS letters: are they shared?") == ["IRS"]  # an acronym is a name anywhere


def test_subject_names_are_the_names_several_questions_share():
    assert subject_names(BUS_QUESTIONS) == ["RVT", "Valley Card"]
    assert subject_names(BUS_QUESTIONS[:1] + BUS_QUESTIONS[2:3]) == []  # each name once: no subject


# --- swapped-subject near misses ---------------------------------------------------------


def test_near_misses_swap_each_subject_name_for_another_subject():
    made = near_misses(BUS_QUESTIONS, BUS_TEXT)
    using_a_name = [q for q in BUS_QUESTIONS if any(n in q for n in ("RVT", "Valley Card"))]
    assert len(made) == PER_NAME * len(using_a_name)
    assert all("RVT" not in m and "Valley Card" not in m for m in made)
    bare = {bare_subject(s) for s in other_subjects()}
    assert all(any(b in m for b in bare) for m in made)
    assert not any("office" in m and "holidays" in m for m in made)  # no subject name: not swapped


def test_near_misses_are_deterministic_and_read_naturally():
    made = near_misses(BUS_QUESTIONS, BUS_TEXT)
    assert made == near_misses(BUS_QUESTIONS, BUS_TEXT)
    after_article = [m for m in made if m.startswith("Can I bring a bike on an ")]
    assert after_article and not any(" an the " in m or " an a " in m for m in after_article)


def test_near_misses_never_use_a_subject_the_faq_itself_mentions():
    taken = bare_subject(other_subjects()[0])
    made = near_misses(BUS_QUESTIONS, BUS_TEXT + f"\nWe share nothing with {taken}.")
    assert made and not any(taken in m for m in made)


def test_a_place_name_is_also_swapped_for_another_place():
    questions = ["Does Oregon share my data?", "Who in Oregon sees my file?"]
    made = near_misses(questions, "\n".join(questions))
    places = {p.title() for p in place_names()} - {"Oregon"}
    assert any(any(p in m for p in places) for m in made)
    assert not any("Oregon" in m for m in made)


def test_near_misses_are_capped():
    many = [f"Does ICE see form {i} of the Valley Card office?" for i in range(400)]
    assert len(near_misses(many, "\n".join(many))) == MAX_NEAR_MISSES


def test_a_faq_without_shared_names_has_no_near_misses():
    assert near_misses(["Where do I park?", "Is there wifi?"], "Behind the building. Yes.") == []


# --- names a question uses that the FAQ never mentions --------------------------------------


KNOWN = vocabulary([BUS_TEXT])


@pytest.mark.parametrize(
    "question, unknown",
    [
        ("When does the RVT bus run on Sundays?", 0),
        ("when does the night bus run?", 0),  # a new word, but not a name: no sign
        ("When does the Nightline bus run?", 1),  # a name inside the sentence
        ("Does the IRS see my Valley Card?", 1),  # an acronym
        ("does the post office sell valley cards?", 1),  # a listed subject, lower case
        ("Do buses run in Texas and in Ohio?", 2),  # places the FAQ never names
        ("can i bring my stroller on the dc metro?", 1),  # a place, lower case
        ("the airline lost my suitcase, who do i call", 1),  # an everyday business
        ("la aerolínea perdió mi maleta, ¿a quién llamo?", 1),  # the same, in Spanish
        ("how do i renew my car registration", 1),  # an everyday document
        ("¿cómo pago una multa de estacionamiento?", 1),
        ("Is my Valley Card's balance kept?", 0),  # a possessive of the FAQ's own name
        ("Does the night bus take a Valley Card’s pass?", 0),  # the same, typographic apostrophe
        ("Does the IRS's office see my Valley Card?", 1),  # a possessive of another name
        ("Will Amtrak's trains take my Valley Card?", 1),
        ("Is a Valley-wide pass sold at the depot?", 0),  # each part of a hyphenated word
        ("Do The Night Buses Take My Valley Card?", 0),  # Title Case: capitals mark no names
        ("Do The Night Buses Go To Texas?", 1),  # ... but a listed place still counts
        ("Does my Mom's Valley Card work on Sundays?", 0),  # the asker's own: "my Mom"
        ("Can my Husband take the Nightline bus?", 1),  # ... not the names after it
        ("hi Quick question when does the night bus run?", 0),  # a question after an opener
        ("hola Disculpe, ¿el bus de noche pasa los domingos?", 0),
        ("hi Quick question does the Nightline bus run?", 1),
        ("RVT的夜间巴士周日运行吗?", 0),  # Chinese runs on with no spaces: no acronym
        ("My name is Rosa and when does the night bus run?", 0),  # the name the asker gives
        ("me llamo Lupe y el bus de noche pasa los domingos?", 0),
        ("my dog Biscuit chewed up my Valley Card, what do I do", 0),  # someone the asker knows
        ("mi suegra Carmen usa el bus de noche, pasa los domingos?", 0),
        ("does my bank Chase sell Valley Cards?", 2),  # a subject, then its name: both count
        ("my dog Biscuit rode the Nightline bus, is that ok", 1),  # only the name right after "my dog"
        ("I want to know if the Nightline bus runs on Sundays", 1),  # further on: a name
        ("Do Amtrak-run buses take Valley Cards?", 1),
    ],
)
def test_unknown_names_counts_names_the_faq_never_mentions(question, unknown):
    assert unknown_names(question, KNOWN) == unknown


def test_a_scene_setting_place_is_not_counted_once_the_question_part_is_taken():
    story = "I just moved here from Texas. When does the RVT bus run on Sundays?"
    assert unknown_names(story, KNOWN) == 1
    assert unknown_names(question_part(story), KNOWN) == 0
    assert subject_part(story) == "When does the RVT bus run on Sundays?"


@pytest.mark.parametrize(
    "message, subject",
    [
        # a clause about the speaker says who asks: its names are not the subject
        ("I'm from Guatemala, can the RVT bus take my bike?", "can the RVT bus take my bike?"),
        ("Soy de Honduras, ¿el autobús de RVT lleva bicicletas?", "¿el autobús de RVT lleva bicicletas?"),
        ("My sister Maria says the RVT bus is free, is that true?", "is that true?"),
        ("we came from El Salvador; when does the bus run", "when does the bus run"),
        ("does the bus run late (I work at Walmart) on Sundays?", "does the bus run late   on Sundays?"),
        # a clause with no first-person word, or the clause that asks, stays
        ("In Denver, does the bus take bikes?", "In Denver, does the bus take bikes?"),
        ("what about Denver, do they take bikes", "what about Denver, do they take bikes"),
        ("I work at Walmart, does Walmart sell bus passes?", "does Walmart sell bus passes?"),
        ("does the Denver bus take my bike?", "does the Denver bus take my bike?"),
    ],
)
def test_only_the_clauses_about_the_subject_count(message, subject):
    assert subject_part(message) == subject


def test_a_two_letter_acronym_counts_only_in_capitals():
    assert unknown_names("does the VA share my records?", KNOWN) == 1
    assert unknown_names("¿mi información se va a otra oficina?", KNOWN) == 0  # Spanish "va": goes
    assert unknown_names("does the IRS see it? does the irs see it?", KNOWN) == 1  # longer ones: any case


def test_a_subject_named_in_another_language_is_the_same_subject():
    """A subject named in Spanish ("el banco") is the FAQ's own when the FAQ mentions the bank."""
    assert unknown_names("¿el banco le pasa mis datos a la policía?", KNOWN) == 2
    assert unknown_names("¿las iglesias venden pases?", KNOWN) == 1  # a plural, accents or none
    with_bank = vocabulary([BUS_TEXT, "Pay at my bank."])
    assert unknown_names("¿el banco vende tarjetas?", with_bank) == 0
    assert unknown_names("does my bank sell cards?", with_bank) == 0
    # other names of one subject, any language: a FAQ that says "law enforcement" knows the police
    with_law_enforcement = vocabulary([BUS_TEXT, "We never call law enforcement."])
    assert unknown_names("can the police see my card?", with_law_enforcement) == 0
    assert unknown_names("¿la policía puede ver mi tarjeta?", with_law_enforcement) == 0
    assert unknown_names("can the police see my card?", KNOWN) == 1


def test_a_name_of_several_words_is_mentioned_only_whole():
    """A FAQ that says "community service" and "Learning Center" does not mention the
    community center; one that says "community centers" does."""
    apart = vocabulary([BUS_TEXT, "Teens earn community service hours at the Learning Center."])
    assert {"community", "center"} <= apart
    assert unknown_names("can i book a room at the community center?", apart) == 1
    whole = vocabulary([BUS_TEXT, "Our community centers sell passes."])
    assert unknown_names("can i book a room at the community center?", whole) == 0
    assert unknown_names("¿el centro comunitario vende pases?", whole) == 0  # its Spanish name too
    # a name's one-word form people use alone is listed as another name: "la biblioteca"
    # is a library FAQ's own, although it never says "public library"
    library = vocabulary(["How do I get a library card?"])
    assert unknown_names("¿la biblioteca abre los domingos?", library) == 0
    assert unknown_names("does the public library open on sundays?", library) == 0
    assert unknown_names("¿la biblioteca abre los domingos?", KNOWN) == 1


def test_a_phrase_does_not_run_across_two_documents():
    assert unknown_names("does the community center sell passes?", vocabulary(["community", "center"])) == 1


def test_a_place_the_faq_writes_only_inside_a_longer_one_is_another_place_alone():
    """A FAQ that says only "New Mexico" does not mention Mexico: "does Mexico share my data?"
    names another place, "nuevo mexico comparte…" (a word before it) is the FAQ's own."""
    new_mexico = vocabulary(["Does New Mexico share data?", "¿nuevo méxico comparte mis datos?"])
    assert INSIDE + "mexico" in new_mexico  # the Spanish alternate's "méxico" is inside a name
    for other in (
        "Does Mexico share my data?",
        "¿México le da mis datos?",
        "¿el gobierno de México lo sabe?",
    ):
        assert unknown_names(other, new_mexico) == 1, other
    for own in (
        "does new mexico share my data?",
        "nuevo mexico le da mis datos?",
        "o novo méxico compartilha?",
    ):
        assert unknown_names(own, new_mexico) == 0, own
    both = vocabulary(["Does New Mexico share data with Mexico?"])
    assert INSIDE + "mexico" not in both
    assert unknown_names("Does Mexico share my data?", both) == 0


# --- with the real model: the whole chain ----------------------------------------------------


@pytest.mark.slow
def test_a_swapped_subject_question_is_declined_and_its_original_answered(bot):
    original = bot.ask("Does New Mexico share benefits data with ICE?")
    assert original.kind == "faq"
    assert bot.ask("Does Texas share benefits data with ICE?").kind == "declined"
    assert bot.ask("Does Mexico share my data with ICE?").kind == "declined"  # not New Mexico
    assert bot.ask("nuevo mexico le da mis datos a ICE?").kind == "faq"


@pytest.mark.slow
def test_a_story_set_in_another_place_is_still_answered(bot):
    story = (
        "My cousin lived in Texas for years before moving to Las Cruces. "
        "She now gets SNAP here. How long is her information kept?"
    )
    assert bot.ask(story).question_number == 9


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "I'm from Guatemala, can ICE see my SNAP data?",
        "Soy de Honduras, ¿el estado le pasa mis datos de Medicaid a ICE?",
        "My sister Maria says the state gives ICE our SNAP data, is that true?",
        "I have a work visa, does New Mexico share my Medicaid info with ICE?",
        "¿mi información se va a ICE?",
    ],
)
def test_names_that_say_who_asks_do_not_turn_a_question_away(bot, question):
    """The bundled FAQ answers these (which entry is the quality sets' business): the
    speaker's own country, relative, visa or a Spanish "va" is no other subject."""
    assert bot.ask(question).kind == "faq"


@pytest.mark.slow
def test_a_possessive_of_the_faqs_own_name_is_its_name(bot):
    """A question about New Mexico's rules is about the FAQ's New Mexico (these were declined
    at confidence 0.02: "Mexico's" counted as a name the FAQ never uses)."""
    assert bot.ask("Does New Mexico's Medicaid office give my records to ICE?").question_number == 1
    assert bot.ask("Who checks New Mexico's compliance with the data rules?").question_number == 11
    assert bot.ask("Does Arizona's Medicaid office give my records to ICE?").kind == "declined"
    assert bot.ask("Can ICE see my Mom's Medicaid info?").kind == "faq"  # "my Mom" is no name
    assert bot.ask("My name is Maria and I want to know if ICE gets my SNAP data").kind == "faq"


@pytest.mark.slow
def test_a_question_in_chinese_is_not_one_long_acronym(bot):
    """Chinese has no spaces: the whole question was one word, all its cased letters ("SNAP",
    "ICE") capitals, so it counted as an unknown acronym (declined at 0.003)."""
    assert bot.ask("新墨西哥州会把我的SNAP数据给ICE吗?").kind == "faq"


@pytest.mark.slow
def test_a_hyphenated_word_is_its_parts(bot):
    """Medicaid-related data is Medicaid data ("medicaid-related" counted as a name the FAQ
    never uses, and the question was declined at confidence 0.01)."""
    assert bot.ask("Is my Medicaid-related data shared with ICE?").kind == "faq"
    assert bot.ask("Can the Amtrak-run office share my data with ICE?").kind == "declined"


@pytest.mark.slow
def test_the_same_names_as_the_subject_are_still_declined(bot):
    assert bot.ask("In Arizona, does the state give Medicaid info to ICE?").kind == "declined"
    assert bot.ask("does the VA share my records with ICE?").kind == "declined"
    assert bot.ask("¿el consulado mexicano le pasa mis datos a ICE?").kind == "declined"


@pytest.mark.slow
def test_a_question_that_sounds_like_small_talk_but_names_a_topic_is_answered(bot):
    assert bot.ask("thanks!").kind == "smalltalk"
    assert bot.ask("who checks that the agencies follow the rules?").kind == "faq"
