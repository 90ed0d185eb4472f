"""The instrument module holds the whole invuldocument, once."""

from django.utils import translation

from assessments.domain import instrument
from assessments.domain.instrument import AnswerKind


def test_chapters_and_question_numbers():
    numbers = [q.number for q in instrument.QUESTIONS]
    assert numbers == [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "2.6",
        "2.7",
        "2.8",
        "2.9",
        "2.10",
        "2.11",
        "2.12",
        "2.13",
        "2.14",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "3.5",
        "3.6",
        "3.7",
        "3.8",
        "4.1",
        "5.1",
        "5.2",
        "5.3",
        "5.4",
        "5.5",
        "5.6",
    ]
    assert [c.number for c in instrument.CHAPTERS] == [1, 2, 3, 4, 5]
    assert all(q.chapter == int(q.number.split(".")[0]) for q in instrument.QUESTIONS)


def test_every_question_has_texts_in_both_languages():
    for q in instrument.QUESTIONS:
        for text in (q.text, q.guidance):
            assert text.nl.strip() and text.en.strip(), q.number
            assert text.nl != text.en, q.number


def test_official_wording_is_kept():
    assert instrument.question("1.1").text.nl == (
        "Biedt u een digitale dienst aan of gebruikt u deze?"
    )
    assert instrument.question("4.1").text.nl.startswith("Welke kindgerichte maatregelen")
    assert instrument.question("5.3").text.nl.startswith("Proportionaliteit/belangenafweging")


def test_text_follows_active_language():
    q = instrument.question("2.4")
    with translation.override("nl"):
        assert str(q.text) == "Wie is de doelgroep?"
    with translation.override("en"):
        assert str(q.text) == "Who is the target group?"


def test_wellbeing_questions_cover_eight_elements_and_their_values():
    questions = instrument.CONTRIBUTION_QUESTIONS
    assert [q.number for q in questions] == ["2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14"]
    assert sum(len(q.elements) for q in questions) == 8
    assert [v.key for v in instrument.question("2.14").values] == [
        "diversity",
        "equality",
        "inclusion",
    ]
    assert instrument.question("2.8").values[0].name.nl == "zelfverwezenlijking"
    assert all(q.values for q in questions)


def test_risk_categories():
    cats = instrument.RISK_CATEGORIES
    assert [(c.key, c.number) for c in cats] == [
        ("content", "3.1"),
        ("conduct", "3.2"),
        ("contact", "3.3"),
        ("consumer", "3.4"),
        ("advanced_technology", "3.5"),
        ("privacy", "3.6"),
        ("health", "3.7"),
        ("other", "3.8"),
    ]
    assert [c.key for c in cats if c.cross_cutting] == ["advanced_technology", "privacy", "health"]
    for c in cats:
        q = instrument.question(c.number)
        assert q.kind == AnswerKind.RISKS and q.category == c.key
        assert c.definition.nl and c.definition.en


def test_answer_keys():
    keys = instrument.ANSWER_KEYS
    assert "2.3" not in keys and {"2.3.1", "2.3.2", "2.3.3"} <= set(keys)
    assert not {"1.1", "1.2", "1.3", "2.5", "2.8", "2.14"} & set(keys)
    assert {"2.1", "2.6", "3.1", "3.8", "4.1", "5.1", "5.3", "5.6"} <= set(keys)
    assert len(keys) == len(set(keys))


def test_per_goal_questions():
    assert [q.number for q in instrument.PER_GOAL_QUESTIONS] == ["2.6", "5.1", "5.2"]
