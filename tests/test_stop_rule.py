"""The pre-scan's stop rule, for every combination of answers to 1.1, 1.2 and 1.3."""

import pytest

from assessments.domain.constants import PrescanOutcome
from assessments.domain.models import Assessment

C, S, U = PrescanOutcome.CONTINUE, PrescanOutcome.STOP, PrescanOutcome.UNDECIDED

# (1.1, 1.2, 1.3) -> outcome; "" is "not answered yet". Written out in full on purpose.
EXPECTED = [
    ("", "", "", U),
    ("", "", "no", U),
    ("", "", "yes", U),
    ("", "no", "", U),
    ("", "no", "no", U),
    ("", "no", "yes", U),
    ("", "yes", "", U),
    ("", "yes", "no", U),
    ("", "yes", "yes", U),
    ("no", "", "", S),
    ("no", "", "no", S),
    ("no", "", "yes", S),
    ("no", "no", "", S),
    ("no", "no", "no", S),
    ("no", "no", "yes", S),
    ("no", "yes", "", S),
    ("no", "yes", "no", S),
    ("no", "yes", "yes", S),
    ("yes", "", "", U),
    ("yes", "", "no", U),
    ("yes", "", "yes", U),
    ("yes", "no", "", U),
    ("yes", "no", "no", C),
    ("yes", "no", "yes", S),
    ("yes", "yes", "", C),
    ("yes", "yes", "no", C),
    ("yes", "yes", "yes", C),
]


def test_table_covers_every_combination():
    combos = {(a, b, c) for a, b, c, _ in EXPECTED}
    answers = ("", "no", "yes")
    assert combos == {(a, b, c) for a in answers for b in answers for c in answers}


@pytest.mark.parametrize(("q1_1", "q1_2", "q1_3", "expected"), EXPECTED)
def test_stop_rule(q1_1, q1_2, q1_3, expected):
    assessment = Assessment(
        prescan_offers_service=q1_1,
        prescan_accessible_to_minors=q1_2,
        prescan_can_exclude_minors=q1_3,
    )
    assert assessment.prescan_outcome() == expected
