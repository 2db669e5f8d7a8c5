"""Seeded generators of bad input: mutated scenarios and mutated event files.

Every generator takes a ``random.Random`` (derandomised: the case list is a function of the
seed) and returns ``(category, description, data)``. Scenario mutations start from the shipped
small scenarios and test fixtures; event mutations from synthetic rows in each format (no real
ACLED rows, ever).
"""

from __future__ import annotations

import io
import json
import math
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCENARIO_SEEDS = [
    REPO / "tests" / "scenario" / "fixtures" / "valid.yaml",
    REPO / "scenarios" / "teaching.yaml",
    REPO / "tests" / "bargaining" / "fixtures" / "border.yaml",
    REPO / "tests" / "simulate" / "fixtures" / "two_sides.yaml",
    REPO / "tests" / "trust" / "fixtures" / "kyiv_small.yaml",
    REPO / "tests" / "monitor" / "fixtures" / "donbas_claims.yaml",
    REPO / "tests" / "forecast" / "fixtures" / "backtest_scenario.yaml",
]

S_STRUCTURE = "YAML structure: aliases, nesting, tags, merge keys"
S_NUMBERS = "non-finite, huge and negative numbers"
S_SCALARS = "booleans, dates and retyped values"
S_KEYS = "keys deleted, duplicated or unknown"
S_CONTRA = "contradictory models"
S_BYTES = "bytes: truncated, random, invalid UTF-8"
SCENARIO_CATEGORIES = (S_STRUCTURE, S_NUMBERS, S_SCALARS, S_KEYS, S_CONTRA, S_BYTES)
EVENT_FORMATS = ("gdelt2", "icews", "acled", "ucdp", "counts")


class Raw(str):
    """Text emitted into YAML as it is (an unquoted date, ``.inf``, an alias …)."""


def emit(value: Any) -> str:
    """Flow-style YAML of plain data (strings double-quoted, Raw verbatim)."""
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{emit(str(k))}: {emit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(emit(v) for v in value) + "]"
    raise TypeError(type(value))


def seed_documents() -> list[dict[str, Any]]:
    """The seed scenarios as plain data (defaults left out)."""
    from detente.scenario import load_scenario

    return [load_scenario(p).model_dump(mode="json", exclude_defaults=True) for p in SCENARIO_SEEDS]


# ------------------------------------------------------------------------------ scenarios


def _paths(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*path, i))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


def _leaf_paths(doc: Any, kind: Callable[[Any], bool]) -> list[tuple[Any, ...]]:
    return [p for p in _paths(doc) if p and kind(_get(doc, p))]


_NUMBERS: list[Any] = [
    math.inf,
    -math.inf,
    math.nan,
    1e308,
    -1e308,
    Raw("1e400"),
    -1.0,
    -40.7,
    10**30,
    Raw("9" * 5000),
    0,
    1e-320,
]
_SCALARS: list[Any] = [
    True,
    False,
    Raw("2022-13-24"),
    Raw("2024-02-30"),
    Raw("0001-01-01"),
    Raw("9999-12-31"),
    20240601,
    "20240601",
    Raw("2024-06-01T10:00:00"),
    "",
    None,
    [],
    {},
    "yes",
    Raw("0x1F"),
    Raw("0o17"),
    Raw("1_000"),
    Raw("~"),
    "\x1b[31mred\x1b[0m",
]


def mutate_scenario(rng: random.Random, docs: list[dict[str, Any]]) -> tuple[str, str, bytes]:
    """One mutated scenario: (category, what was done, file bytes)."""
    doc = json.loads(json.dumps(rng.choice(docs)))
    category = rng.choice(SCENARIO_CATEGORIES)
    what = ""
    if category == S_STRUCTURE:
        return S_STRUCTURE, *_structure(rng, doc)
    if category == S_BYTES:
        return S_BYTES, *_bytes(rng, doc)
    if category == S_NUMBERS:
        paths = _leaf_paths(doc, lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        if paths:
            p = rng.choice(paths)
            v = rng.choice(_NUMBERS)
            _set(doc, p, v)
            what = f"{p} = {str(v)[:20]}"
    elif category == S_SCALARS:
        paths = [p for p in _paths(doc) if p]
        p = rng.choice(paths)
        v = rng.choice(_SCALARS)
        _set(doc, p, v)
        what = f"{p} = {str(v)[:20]!r}"
    elif category == S_KEYS:
        what = _keys(rng, doc)
    elif category == S_CONTRA:
        what = _contradiction(rng, doc)
    return category, what, emit(doc).encode("utf-8")


def _keys(rng: random.Random, doc: dict[str, Any]) -> str:
    dict_paths = [p for p in _paths(doc) if isinstance(_get(doc, p), dict) and _get(doc, p)]
    list_paths = [p for p in _paths(doc) if isinstance(_get(doc, p), list) and _get(doc, p)]
    op = rng.choice(("delete", "duplicate", "unknown", "empty_list"))
    if op in ("duplicate", "empty_list") and list_paths:
        p = rng.choice(list_paths)
        items = _get(doc, p)
        if op == "duplicate":
            items.append(json.loads(json.dumps(rng.choice(items))))
        else:
            items.clear()
        return f"{op} {p}"
    p = rng.choice(dict_paths)
    target = _get(doc, p)
    key = rng.choice(sorted(target))
    if op == "unknown":
        target[key + "_x"] = target[key]
    del target[key]
    return f"{op} {p}.{key}"


def _contradiction(rng: random.Random, doc: dict[str, Any]) -> str:
    actors = doc.get("actors", [])
    ledger = doc.get("ledger", [])
    options = ["no_veto", "veto_no_positions", "negative_cost", "self_support"]
    if ledger:
        options += ["self_reference", "cycle"]
    op = rng.choice(options)
    if op == "no_veto":
        for a in actors:
            a["veto"] = False
    elif op == "veto_no_positions" and actors:
        a = rng.choice(actors)
        a["veto"] = True
        doc["positions"] = [p for p in doc.get("positions", []) if p.get("actor") != a["id"]]
    elif op == "negative_cost" and actors:
        doc.setdefault("mechanisms", []).append(
            {"id": "neg", "kind": "monitors", "name": "x", "cost": {actors[0]["id"]: -40.7}}
        )
    elif op == "self_support" and actors:
        a = rng.choice(actors)
        a["support"] = [{"id": "own", "provider": a["id"], "capability": 1.0}]
    elif op in ("self_reference", "cycle"):
        obs = [e for e in ledger if e.get("kind") in ("observation", "event")]
        if len(obs) >= (2 if op == "cycle" else 1):
            a = obs[0]
            if op == "self_reference":
                a["refers_to"] = [a["id"]]
            else:
                b = obs[1]
                a["refers_to"], b["refers_to"] = [b["id"]], [a["id"]]
    return op


def _structure(rng: random.Random, doc: dict[str, Any]) -> tuple[str, bytes]:
    op = rng.choice(("bomb", "deep_list", "deep_map", "recursive", "tag", "merge", "anchors"))
    head = emit(doc)[1:-1]
    if op == "bomb":
        levels, width = rng.randint(3, 12), rng.randint(2, 12)
        lines = [f'x0: &a0 ["lol"{", " * 0}]']
        for i in range(1, levels):
            lines.append(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
        lines.append(f"meta: {{name: *a{levels - 1}, as_of: 2024-01-01}}")
        return f"bomb {levels}x{width}", ("schema_version: 1\n" + "\n".join(lines)).encode()
    if op in ("deep_list", "deep_map"):
        depth = rng.choice((30, 41, 100, 3000, 10000))
        inner = (
            "[" * depth + "]" * depth if op == "deep_list" else "{a: " * depth + "1" + "}" * depth
        )
        return f"{op} {depth}", ("{" + head + ", deep: " + inner + "}").encode()
    if op == "recursive":
        return op, b"schema_version: 1\nmeta: &m {name: x, as_of: 2024-01-01, self: *m}\n"
    if op == "tag":
        tag = rng.choice(("!!python/object:os.system", "!custom", "!!binary", "!!set", "!!omap"))
        return f"tag {tag}", ("{" + head + ", extra: " + tag + " {}}").encode()
    if op == "merge":
        return op, ("base: &b {name: x, as_of: 2024-01-01}\n{" + head + "}").encode()
    # a legitimate use: an anchor reused a few times is fine
    return op, (
        "schema_version: 1\n"
        + "\n".join(f"{k}: {emit(v)}" for k, v in doc.items() if k != "schema_version")
        + "\n"
    ).encode()


def _bytes(rng: random.Random, doc: dict[str, Any]) -> tuple[str, bytes]:
    data = bytearray(emit(doc).encode("utf-8"))
    op = rng.choice(("truncate", "flip", "insert", "random", "invalid_utf8", "bom_nul"))
    if op == "truncate":
        cut = rng.randrange(len(data))
        return f"truncate at {cut}", bytes(data[:cut])
    if op == "flip":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return op, bytes(data)
    if op == "insert":
        at = rng.randrange(len(data))
        junk = bytes(rng.choice(b"{}[]:,&*!|>'\"-? \n\t#%@`") for _ in range(rng.randint(1, 6)))
        return op, bytes(data[:at] + junk + data[at:])
    if op == "random":
        return op, bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
    if op == "invalid_utf8":
        at = rng.randrange(len(data))
        return op, bytes(data[:at] + b"\xff\xfe\xc0" + data[at:])
    return op, b"\xef\xbb\xbf" + bytes(data[: len(data) // 2]) + b"\x00" + bytes(
        data[len(data) // 2 :]
    )


# --------------------------------------------------------------------------------- events

UCDP_HEADER = [
    "id", "year", "type_of_violence", "side_a", "side_b", "source_office", "adm_1", "adm_2",
    "latitude", "longitude", "where_coordinates", "where_prec", "date_prec", "date_start",
    "date_end", "best", "high", "low",
]  # fmt: skip
ACLED_HEADER = [
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "inter1", "actor2", "inter2", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "fatalities",
]  # fmt: skip
ICEWS_HEADER = [
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
]  # fmt: skip
COUNTS_HEADER = ["date", "actor", "region", "indicator", "value", "source"]


def _day(rng: random.Random) -> str:
    return f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _rows(rng: random.Random, fmt: str, n: int) -> tuple[list[str] | None, list[list[str]]]:
    rows: list[list[str]] = []
    for i in range(n):
        d = _day(rng)
        if fmt == "gdelt2":
            f = [""] * 61
            f[0], f[1], f[2], f[3] = (
                str(1000 + i),
                d.replace("-", ""),
                d[:7].replace("-", ""),
                d[:4],
            )
            f[5], f[7], f[15], f[17] = "RUS", "RUS", "UKR", "UKR"
            code = rng.choice(("190", "042", "111", "057"))
            f[26], f[27], f[28] = code, code[:3], code[:2]
            f[51], f[52], f[54] = "4", "Donetsk, Donets'ka Oblast', Ukraine", "UP14"
            f[56], f[57] = "48.0", "37.8"
            f[59], f[60] = d.replace("-", "") + "120000", "https://example.org/x"
            rows.append(f)
        elif fmt == "icews":
            rows.append([
                str(i), d, "Russia", "Government", "Russia", "Fight", rng.choice(("190", "42")),
                "-10", "Ukraine", "Military", "Ukraine", "1", "1", "Interfax", "Donetsk", "",
                "Donetsk Oblast", "Ukraine", "48.0", "37.8",
            ])  # fmt: skip
        elif fmt == "acled":
            rows.append([
                f"UKR{i}", d, "1", "Battles", "Armed clash", "Military Forces of Russia (2000-)",
                "8", "Military Forces of Ukraine (2019-)", "1", "Donetsk", "", "Avdiivka",
                "48.1", "37.7", "1", "Synthetic", str(rng.randint(0, 9)),
            ])  # fmt: skip
        elif fmt == "ucdp":
            rows.append([
                str(i), "2020", "1", "Government of Ukraine", "DPR", "", "Donetsk oblast", "",
                "48.0", "37.8", "Donetsk", "1", "1", d, d, str(rng.randint(0, 9)), "9", "0",
            ])  # fmt: skip
        else:
            rows.append([d, rng.choice(("RU", "UA")), "Donetsk oblast", "ceasefire_violations",
                         str(rng.randint(0, 90)), "synthetic monitor"])  # fmt: skip
    header = {"ucdp": UCDP_HEADER, "acled": ACLED_HEADER, "icews": ICEWS_HEADER}.get(fmt)
    return (COUNTS_HEADER if fmt == "counts" else header), rows


_FIELD_VALUES = [
    "nan", "inf", "-inf", "1e400", "-5", "1e300", "0001-01-01", "9999-12-31", "2020-02-30",
    "2020-13-01", "00010101", "99991231", "", " ", "x", "\x00", "\x1e", "\x1b[2J", "Infinity",
    "NaN", "1e-400", "-0", "18446744073709551617", '"', "a" * 2000,
]  # fmt: skip


def mutate_events(rng: random.Random) -> tuple[str, str, str, bytes]:
    """One mutated event file: (format, category, what, bytes); format is the category."""
    fmt = rng.choice(EVENT_FORMATS)
    header, rows = _rows(rng, fmt, rng.randint(1, 30))
    sep = "\t" if fmt in ("gdelt2", "icews") else ","
    op = rng.choice(("field", "field", "field", "columns", "bytes", "long_field", "zip"))
    what = op
    if op == "field":
        for _ in range(rng.randint(1, 4)):
            r = rng.choice(rows)
            k = rng.randrange(len(r))
            r[k] = rng.choice(_FIELD_VALUES)
            what = f"field {k} = {r[k][:12]!r}"
    elif op == "columns":
        r = rng.choice(rows)
        if rng.random() < 0.5 and len(r) > 1:
            del r[rng.randrange(len(r))]
        else:
            r.insert(rng.randrange(len(r)), "extra")
    elif op == "long_field":
        rng.choice(rows)[0] = "b" * 200_000
    lines = [sep.join(r) for r in ([header] if header else []) + rows]
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
    if op == "bytes":
        data = bytearray(data)
        kind = rng.choice(("truncate", "flip", "nul", "invalid_utf8", "crlf", "rs"))
        if kind == "truncate":
            data = data[: rng.randrange(1, len(data) + 1)]
        elif kind == "flip":
            for _ in range(rng.randint(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "nul":
            data[rng.randrange(len(data))] = 0
        elif kind == "invalid_utf8":
            at = rng.randrange(len(data))
            data[at:at] = b"\xff\xc3("
        elif kind == "crlf":
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
        else:
            at = rng.randrange(len(data))
            data[at:at] = b"\x1e"
        what = f"bytes {kind}"
        data = bytes(data)
    if op == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("events.csv", data)
        raw = bytearray(buf.getvalue())
        kind = rng.choice(("damage", "truncate", "two_members", "intact"))
        if kind == "damage":
            for _ in range(rng.randint(1, 8)):
                raw[rng.randrange(30, len(raw))] = rng.randrange(256)
        elif kind == "truncate":
            raw = raw[: rng.randrange(1, len(raw))]
        elif kind == "two_members":
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr("a.csv", data)
                z.writestr("b.csv", data)
            raw = bytearray(buf.getvalue())
        what = f"zip {kind}"
        data = bytes(raw)
    return fmt, fmt, what, data
