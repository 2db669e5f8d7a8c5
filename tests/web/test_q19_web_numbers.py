"""The workspace's numeric query parameters (``seed``, ``runs``) go through the one parser of
the front doors (:mod:`detente.api.numbers`, branch q19). On the base (int18) each page
checked ``str.isdigit()`` and then called ``int()``: ``?seed=²`` (a superscript two, which
``isdigit`` accepts and ``int`` refuses) was a 500 with a traceback in the log, ``?seed=1e3``
was refused while ``detente analyze --seed 1e3`` took it, and the messages differed."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient


@pytest.mark.parametrize(
    "url",
    [
        "/scenario/teaching?seed=%C2%B2",
        "/scenario/teaching/simulate?runs=%C2%B2",
        "/scenario/teaching/play?seed=%C2%B2",
    ],
)
def test_unicode_digits_are_a_400_not_a_500(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 400, r.text[:300]
    assert "is not a number" in r.text


def test_the_page_reads_what_the_cli_reads(client: TestClient) -> None:
    assert client.get("/scenario/teaching?seed=1e3").status_code == 200
    assert client.get("/scenario/teaching?seed=1_000").status_code == 200
    a = client.get("/scenario/teaching?seed=1e3").text
    b = client.get("/scenario/teaching?seed=1000").text
    assert a.replace("1e3", "1000") == b or "seed 1000" in a


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/scenario/teaching?seed=-1", "seed: &#39;-1&#39; is out of range"),
        ("/scenario/teaching?seed=nan", "seed: &#39;nan&#39; is not a finite number"),
        ("/scenario/teaching/simulate?runs=0", "runs: &#39;0&#39; is out of range"),
        ("/scenario/teaching/simulate?runs=2.5", "runs: &#39;2.5&#39; is not a whole number"),
        ("/scenario/teaching/simulate?runs=1e30", "expected a whole number from 1 to 5_000"),
    ],
)
def test_bad_values_say_what_is_accepted(client: TestClient, url: str, message: str) -> None:
    r = client.get(url)
    assert r.status_code == 400
    assert message in r.text, r.text[:2000]
