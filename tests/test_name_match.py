"""A name the FAQ never spells so may still be its own: "Servicios Humanos", "Nouveau-Mexique".

* ``names.unknown_names`` hands the judge whole written names ("Departamento de
  Servicios Humanos", not its words), and a name judged the FAQ's own does not count.
* ``names.faq_names`` finds the names a FAQ writes, not the capital that starts a sentence.
* ``name_match.NameVectors`` calls a name the FAQ's own when its nearest name is one
  of the FAQ's rather than one of the engine's other names, and not when it is built on
  one of the FAQ's names ("Kindle Unlimited" on "Kindle"); it survives a save and load.
* With the real model: Spanish and French names of the FAQ's own subjects are
  answered, other agencies are still declined.
"""

from __future__ import annotations

import numpy as np
import pytest

from faqbot.retrieval.name_match import NameVectors, other_names
from faqbot.retrieval.names import faq_names, unknown_names

KNOWN = frozenset({"ice", "data", "share", "my", "with", "does", "the", "kindle", "human", "services"})


def _recording(verdict: bool):
    asked: list[str] = []

    def judge(names):
        asked.extend(names)
        return [verdict] * len(names)

    return judge, asked


def test_the_judge_sees_whole_written_names_and_a_name_judged_own_does_not_count():
    question = "¿El Departamento de Servicios Humanos le da mis datos a ICE?"
    judge, asked = _recording(True)
    assert unknown_names(question, KNOWN) == 3  # departamento, servicios, humanos
    assert unknown_names(question, KNOWN, own=judge) == 0
    assert asked == ["Departamento de Servicios Humanos"]
    other, _ = _recording(False)
    assert unknown_names(question, KNOWN, own=other) == 3


def test_two_names_joined_by_and_are_two_names():
    judge, asked = _recording(False)
    unknown_names("does Wells Fargo and Kroger share my data with ICE?", KNOWN, own=judge)
    assert asked == ["Wells Fargo", "Kroger"]


def test_a_question_without_unknown_names_asks_the_judge_nothing():
    judge, asked = _recording(True)
    assert unknown_names("does ICE share my data?", KNOWN, own=judge) == 0
    assert asked == []


def test_faq_names_are_the_names_it_writes():
    text = (
        "Additionally, the New Mexico Human Services Department (HSD) runs SNAP.\n"
        "Immigration and Customs Enforcement may ask the Motor Vehicle Division."
    )
    found = faq_names([text])
    assert "New Mexico Human Services Department HSD" in found  # an acronym in brackets runs on
    assert {"SNAP", "Motor Vehicle Division"} <= set(found)
    assert "Additionally" not in found  # a capital that only starts a sentence


def test_other_names_leave_out_what_the_faq_mentions():
    names = other_names(frozenset({"bank", "texas"}))
    assert "texas" not in names and "bank" not in names
    assert "banco" not in names  # the bank by its Spanish name is the FAQ's too
    assert "california" in names and "walmart" in {n.lower() for n in names}


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_the_nearest_name_decides():
    vectors = NameVectors(("Human Services", "Kindle"), _unit([[1, 0, 0], [0, 1, 0]]), _unit([[0, 0, 1]]))
    queries = _unit([[0.9, 0.1, 0.2], [0.2, 0.1, 0.9], [0.1, 0.9, 0.1], [0.1, 0.9, 0.1]])
    names = ["Servicios Humanos", "Department of Defense", "Kindle Unlimited", "Kindel"]
    assert vectors.is_own(names, queries) == [True, False, False, True]  # "Kindle Unlimited": built on one


def test_no_names_of_its_own_means_nothing_is_the_faqs():
    empty = NameVectors((), np.zeros((0, 3), np.float32), _unit([[0, 0, 1]]))
    assert empty.is_own(["Anything"], _unit([[1, 0, 0]])) == [False]


def test_name_vectors_survive_a_save_and_load(tmp_path):
    vectors = NameVectors(("New Mexico", "HSD"), _unit([[1, 0, 0], [0, 1, 0]]), _unit([[0, 0, 1]]))
    vectors.save(tmp_path / "names.npz")
    loaded = NameVectors.load(tmp_path / "names.npz")
    assert loaded.own_names == ("New Mexico", "HSD")
    assert np.allclose(loaded.own, vectors.own, atol=1e-3) and np.allclose(
        loaded.other, vectors.other, atol=1e-3
    )
    np.savez(tmp_path / "bad.npz", own_names=np.array(["x"]), own=np.zeros((1, 3)), other=np.zeros((1, 4)))
    with pytest.raises(ValueError, match="mismatched"):
        NameVectors.load(tmp_path / "bad.npz")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # the FAQ's own names in another language: answered
        ("¿El Departamento de Servicios Humanos le da mis datos a ICE?", "faq"),
        (
            "La oficina del desempleo, la de Workforce Solutions, también manda datos a ICE junto con Servicios Humanos?",
            "faq",
        ),
        ("Le Nouveau-Mexique partage-t-il mes données avec ICE ?", "faq"),
        ("O Novo México compartilha meus dados com o ICE?", "faq"),
        # other agencies and companies: still declined
        ("Does the Department of Homeland Security get my SNAP data?", "declined"),
        ("¿El Departamento de Seguridad Nacional recibe mis datos de SNAP?", "declined"),
        ("Does Wells Fargo share my data with ICE?", "declined"),
        ("will USCIS count it as public charge if my kids get SNAP?", "declined"),
    ],
)
def test_own_names_in_another_language_are_answered_and_other_subjects_declined(bot, question, kind):
    assert bot.ask(question).kind == kind, question
