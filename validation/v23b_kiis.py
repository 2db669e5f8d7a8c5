"""Out-of-sample check of the moving acceptance share against the KIIS series (branch v23b).

The simulation moves the ratifiers' acceptance share with the costs of fighting paid in a run
(:func:`detente.bargaining.redlines.acceptance_shift`: Mueller 1973, 15 percentage points per
tenfold rise of cumulative casualties, one published slope). This script asks whether that
rule, started from the first KIIS share the scenarios hold and fed the model's own cost
accounting, tracks the later published shares:

- the shares: Ukraine's public commitments in the last snapshot (``scenarios/ukraine-2026-06.
  yaml``, every share published by its date), the generic question "ready for territorial
  concessions" (the entries from 2023-05 to 2025-03, share of respondents, ``accept``), and the
  two later generic figures of the facts' indicator ``public_opinion_ukraine_kiis`` (May-June
  2025: 38 % ready, S_kiis3 / S_kiis4; Nov-Dec 2025: 33 % open to some territorial losses,
  S_kiis5), which the snapshots replace by framings that match a crossing;
- the costs: Ukraine's costs of fighting paid since the war's start (``war.started``), at the
  snapshot's constant cost per period: ``P ∝ weeks since the start`` (the model's
  ``paid_cost = c · T``; the facts hold no Ukrainian casualty series to use instead: Zelensky's
  > 46,000 killed in Feb 2025 and CSIS's 100-140k at end 2025 only).

Two forecasts per later date: from the first share (2023-05-31) and one step ahead (from the
previous share); and the fixed share of the rule before v23b (the first, or the previous,
share unchanged). Errors in percentage points (predicted − published). Nothing is written.

    .venv/bin/python validation/v23b_kiis.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from detente.bargaining.redlines import ACCEPTANCE_PER_LOG_COST, acceptance_shift  # noqa: E402
from detente.scenario import load_scenario  # noqa: E402

SNAPSHOT = ROOT / "scenarios" / "ukraine-2026-06.yaml"
GENERIC_UNTIL = dt.date(2025, 3, 31)  # the generic question in the snapshots' shares
LATER = (  # the facts' later generic figures (public_opinion_ukraine_kiis)
    (dt.date(2025, 6, 3), 0.38, "38% ready (S_kiis3, S_kiis4)"),
    (dt.date(2025, 12, 29), 0.33, "33% open to some losses (S_kiis5)"),
)


def series() -> tuple[dt.date, list[tuple[dt.date, float, str]]]:
    sc = load_scenario(SNAPSHOT)
    assert sc.war is not None
    assert sc.war.started is not None
    seen: dict[dt.date, tuple[float, str]] = {}
    for c in sc.public_commitments:
        if c.actor != "UA" or c.ratification is None:
            continue
        for a in c.acceptance:
            if a.date <= GENERIC_UNTIL:
                seen[a.date] = (float(a.accept), a.note)
    rows = [(d, v, n) for d, (v, n) in sorted(seen.items())]
    return sc.war.started, rows + [(d, v, n) for d, v, n in LATER]


def main() -> int:
    started, rows = series()
    weeks = np.array([(d - started).days / 7.0 for d, _, _ in rows])
    obs = np.array([v for _, v, _ in rows])
    d0, s0 = rows[0][0], obs[0]
    print(
        f"Slope {ACCEPTANCE_PER_LOG_COST:.4f} per unit of ln costs paid (Mueller 1973: 15 "
        f"points per tenfold); start {d0} at {100 * s0:.0f} %, war started {started}.\n"
    )
    print("| date | weeks | published | from the first: moved | error | fixed error "
          "| one step: moved | error | fixed error |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    first, step, fix1, fixs = [], [], [], []
    for n in range(1, len(rows)):
        # costs paid ∝ weeks: P0 = weeks at the start share, ΔP = the weeks since
        mv1 = s0 + float(acceptance_shift(weeks[0], weeks[n] - weeks[0]))
        mvs = obs[n - 1] + float(acceptance_shift(weeks[n - 1], weeks[n] - weeks[n - 1]))
        e1, es = 100 * (mv1 - obs[n]), 100 * (mvs - obs[n])
        f1, fs = 100 * (s0 - obs[n]), 100 * (obs[n - 1] - obs[n])
        first.append(e1)
        step.append(es)
        fix1.append(f1)
        fixs.append(fs)
        print(
            f"| {rows[n][0]} | {weeks[n]:.0f} | {100 * obs[n]:.0f} % | {100 * mv1:.1f} % | "
            f"{e1:+.1f} | {f1:+.1f} | {100 * mvs:.1f} % | {es:+.1f} | {fs:+.1f} |"
        )
    g = sum(1 for d, _, _ in rows[1:] if d <= GENERIC_UNTIL)

    def mae(x: list[float]) -> float:
        return float(np.mean(np.abs(x)))

    print()
    for label, k in (("generic series through March 2025", g), ("all later points", len(first))):
        print(
            f"- {label} ({k}): mean absolute error from the first share {mae(first[:k]):.1f} "
            f"points (fixed {mae(fix1[:k]):.1f}); one step ahead {mae(step[:k]):.1f} "
            f"(fixed {mae(fixs[:k]):.1f})"
        )
    rise = 100 * (obs[g] - s0)
    moved = 100 * float(acceptance_shift(weeks[0], weeks[g] - weeks[0]))
    slope = (obs[g] - s0) / np.log(weeks[g] / weeks[0])
    print(
        f"- rise {d0} → {rows[g][0]}: published {rise:+.1f} points, moved {moved:+.1f} "
        f"({moved / rise:.0%}); the slope the series implies {slope:.3f} per unit of ln "
        f"({slope / ACCEPTANCE_PER_LOG_COST:.1f}× Mueller's; not adopted: in-sample)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
