"""rev17's finding on q17: a ``datetime`` given as ``as_of`` to the Python front door passed
``parse_date`` (``datetime`` is a ``date``) and then failed in ``check_as_of``'s comparison
with a ``TypeError`` traceback. It is refused with a located ``InputError``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import detente
from detente.api.common import parse_date
from detente.errors import InputError

TEACHING = Path(__file__).parents[1] / "scenarios" / "teaching.yaml"


def test_parse_date_refuses_a_datetime_and_names_the_option() -> None:
    with pytest.raises(InputError, match=r"as_of: expected a date .* pass its \.date\(\)"):
        parse_date(dt.datetime(2024, 1, 1, 12, 0), "as_of")
    assert parse_date(dt.date(2024, 1, 1), "as_of") == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    "front",
    [detente.analyze, detente.score_proposals, detente.what_it_takes, detente.replay_trust],
    ids=lambda f: f.__name__,
)
def test_every_front_door_refuses_a_datetime_as_of(front: Callable[..., Any]) -> None:
    with pytest.raises(InputError, match="as_of: expected a date"):
        front(TEACHING, as_of=dt.datetime(2020, 1, 1, 0, 0))
