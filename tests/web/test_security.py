"""Security of the workspace: escaping, paths, upload caps and located upload errors."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient
from tests.web.conftest import TEACHING

from detente.scenario import Scenario, dump_scenario, load_scenario
from detente.web.app import MAX_UPLOAD_BYTES

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
URL_PAYLOAD = "javascript:alert(3)"


class _Audit(HTMLParser):
    """Collects every element that could run code."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k for k, _ in attrs}
        values = dict(attrs)
        if tag == "script":
            src, kind = values.get("src") or "", values.get("type") or ""
            if not (src.startswith("/static/") or kind == "application/json"):
                self.bad.append(f"script {attrs}")
        if tag in ("img", "iframe", "object", "embed", "svg"):
            self.bad.append(f"{tag} {attrs}")
        if any(n.startswith("on") for n in names):
            self.bad.append(f"event handler on {tag}: {attrs}")
        for k in ("href", "src", "action"):
            if (values.get(k) or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{k} of {tag}: {values[k]}")


def _inject(node: Any, valid: Any) -> Any:
    """Append the payload to every string of the scenario that the format accepts it in."""
    data = node

    def walk(obj: Any) -> None:
        items = obj.items() if isinstance(obj, dict) else enumerate(obj)
        for key, value in list(items):
            if isinstance(value, str):
                obj[key] = URL_PAYLOAD if key == "url" else value + PAYLOAD
                if not valid(data):
                    obj[key] = value
            elif isinstance(value, dict | list):
                walk(value)

    walk(data)
    return data


def _valid(data: Any) -> bool:
    try:
        Scenario.model_validate(data)
    except ValidationError:
        return False
    return True


def _injected_yaml() -> tuple[bytes, int]:
    data = load_scenario(TEACHING).model_dump(mode="json")
    before = repr(data)
    data = _inject(data, _valid)
    text = dump_scenario(Scenario.model_validate(data))
    return text.encode(), repr(data).count("<script>") - before.count("<script>")


def test_markup_in_every_text_field_is_shown_escaped_never_executed(client: TestClient) -> None:
    data, injected = _injected_yaml()
    assert injected >= 10  # names, descriptions, labels, notes, ledger text, source titles
    r = client.post("/upload", files={"file": ("evil.yaml", data, "application/yaml")})
    assert r.status_code == 200, r.text[:2000]
    sid = str(r.url).rsplit("/", 1)[1]
    pages = [
        f"/scenario/{sid}",
        f"/scenario/{sid}/whatif",
        f"/scenario/{sid}/whatif?p0.lo=60",
        f"/scenario/{sid}/simulate",
        f"/scenario/{sid}/play",
        f"/scenario/{sid}/play?moves=o:90,80~r~o:80,70",
        f"/compare?id={sid}&id=teaching",
        "/",
    ]
    for url in pages:
        html = client.get(url).text
        audit = _Audit()
        audit.feed(html)
        assert audit.bad == [], url
        assert "<script>alert" not in html, url
        assert "onerror=alert" not in html or "&lt;img src=x onerror=alert(2)&gt;" in html, url
    page = client.get(f"/scenario/{sid}").text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5


@pytest.mark.parametrize(
    "url",
    [
        "/scenario/..%2F..%2Fetc%2Fpasswd",
        "/scenario/../secret",
        "/scenario/%2e%2e",
        "/scenario/secret",
        "/scenario/..%2Fsecret",
        "/scenario/%2Fetc%2Fpasswd",
        "/scenario/teaching.yaml",
        "/static/../app.py",
        "/static/..%2Fapp.py",
        "/compare?id=..%2Fsecret&id=teaching",
        "/scenario/upload-0000000000000000",
    ],
)
def test_paths_from_requests_are_refused(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert "not served" not in r.text


def test_upload_of_a_broken_scenario_shows_the_located_error(client: TestClient) -> None:
    text = TEACHING.read_text(encoding="utf-8").replace("veto: true", "veto: maybe", 1)
    r = client.post("/upload", files={"file": ("mine.yaml", text.encode(), "application/yaml")})
    assert r.status_code == 400
    assert "The scenario was not accepted" in r.text
    line = 1 + text[: text.index("veto: maybe")].count("\n")
    assert f"mine.yaml:{line}:" in r.text
    assert "veto" in r.text
    bad_yaml = client.post("/upload", files={"file": ("x.yaml", b"a: [1, 2\n", "text/plain")})
    assert bad_yaml.status_code == 400
    assert "x.yaml:" in bad_yaml.text
    assert client.post("/upload", data={"nothing": "here"}).status_code == 400


def test_upload_of_a_valid_scenario_opens_it(client: TestClient) -> None:
    r = client.post(
        "/upload",
        files={"file": ("../../etc/mine.yaml", TEACHING.read_bytes(), "application/yaml")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/scenario/upload-")
    assert client.get(r.headers["location"]).status_code == 200


def test_upload_size_is_capped(client: TestClient) -> None:
    big = b"# padding\n" * (MAX_UPLOAD_BYTES // 10 + 10)
    r = client.post("/upload", files={"file": ("big.yaml", big, "application/yaml")})
    assert r.status_code == 413
    assert "upload limit" in r.text
