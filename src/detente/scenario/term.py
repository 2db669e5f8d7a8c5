"""Fixed-term agreements (``bundles[].term``, ``agreements_in_force[].term``; branch v16).

Many partial agreements are made for a stated time: the Black Sea Grain Initiative for 120
days, renewed three times and then not renewed; a 30-day moratorium on strikes on energy
infrastructure that expired; truces announced with their end. Such an agreement does not
end only by breaking down: at its term's end it **lapses** unless it is **renewed**. A term
states how long the text says it runs (``days``), whether it can be renewed (``renewal``:
``by_consent``, every veto party must accept keeping it at that date, the model's own
acceptance rule, :mod:`detente.simulate.terms`; or ``none``, it ends at its term) and for how
long a renewal runs (``renewal_days``, default the same term). Days become periods by one
rule, :func:`days_to_periods` (to the nearest period; a term is at least one period). A
text that renews "automatically unless a party objects" is the same decision under the
acceptance rule (any veto party can end it at that date by objecting) and is stated
``by_consent``. A term may list the deal's **parts** (:class:`DealPart`, branch v17b): who
owes each part, which belligerent receives it, and, on an agreement in force, the receiver's
dated **accounts** of what it received; at a term's end a belligerent renews only if it
received enough of what it is owed (specific reciprocity, Keohane 1986; the rule:
:mod:`detente.simulate.steps.expiry`).

On a bundle, the term applies to every agreement signed on it in a run. On an agreement in
force at ``meta.as_of`` it also says when its current term ends (``term_ends``, default one
term after ``since``) and which renewals happened before ``as_of`` (``renewals``, dated;
documentary, checked). Why terms are chosen (Koremenos 2005; Koremenos, Lipson & Snidal 2001)
and how the engine decides at a term's end: ``docs/explanation/durability.md``.

The cross-references (no term on the full settlement; ``term_ends`` at or after ``as_of`` and
after ``since``, and within one term of ``since`` when it cannot be renewed; renewals within
``[since, as_of]``, each date once; ``term_ends`` / ``renewals`` only with a term; no
``renewal_days`` with ``renewal: none``; a part received by one of ``war.belligerents``, its
accounts only on an agreement in force, within ``[since, as_of]``, oldest first) are checked
by :func:`check_terms` (called from :func:`detente.scenario.validate.check_deals`), each with
its field path.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from detente.scenario.base import Id, _Traced

if TYPE_CHECKING:
    from detente.scenario.in_force import AgreementInForce
    from detente.scenario.schema import Scenario

__all__ = [
    "Account",
    "DealPart",
    "Term",
    "check_terms",
    "days_to_periods",
    "term_end_date",
    "term_periods",
]

Renewal = Literal["by_consent", "none"]
Delivered = Literal["kept", "partly_kept", "broken"]


class Account(_Traced):
    """The receiver's account, on a date, of what it received of a part of a deal."""

    date: dt.date = Field(description="When the account was given (at or before meta.as_of).")
    verdict: Delivered = Field(
        description="What the receiver says it received of the part: `kept` (all of it), "
        "`partly_kept`, `broken` (none); scored 1, 0.5, 0 as the ledger's verdicts."
    )
    note: str | None = Field(default=None, max_length=500, description="What was said.")


class DealPart(_Traced):
    """One party's part of a deal: what it owes, and to whom (branch v17b)."""

    by: Id = Field(
        description="Who owes the part: an actor, or a party the scenario does not model "
        "(e.g. `UN` for the UN-Russia memorandum of the grain deal)."
    )
    to: Id = Field(
        description="The belligerent (one of war.belligerents) that receives it: its renewal "
        "reads the accounts. A part received by a third party, a faction or a third veto party "
        "is refused (only the two sides' renewal reads what it received)."
    )
    what: str = Field(max_length=300, description="What the part is, as the text states it.")
    accounts: tuple[Account, ...] = Field(
        default=(),
        description="The receiver's dated accounts of what it received, oldest first; only on "
        "an agreement in force (an agreement signed in a run has none before it is signed); the "
        "latest at or before meta.as_of is read.",
    )


class Term(_Traced):
    """How long an agreement runs before it lapses unless renewed, as its text states."""

    days: int = Field(ge=1, le=36_500, description="The term its text states, in days.")
    renewal: Renewal = Field(
        default="by_consent",
        description="`by_consent`: at the term's end it is renewed on the same terms only if "
        "every veto party accepts keeping it then (each compares the deal with its value of "
        "ending it, the talks' acceptance rule; a text renewed 'automatically unless a party "
        "objects' is the same decision); `none`: it ends at its term.",
    )
    renewal_days: int | None = Field(
        default=None,
        ge=1,
        le=36_500,
        description="How long a renewal runs, in days (default: `days`).",
    )
    parts: tuple[DealPart, ...] = Field(
        default=(),
        description="The deal's parts: who owes what to whom, with the receivers' accounts "
        "(renewal by consent reads what each belligerent received; none: the acceptance rule "
        "alone).",
    )


def days_to_periods(days: float, period_days: float) -> int:
    """The one rule by which a term's days become periods: ``round(days / period_days)``
    (to the nearest period boundary, Python's ``round``: a half rounds to even). Used for a
    term's length (:func:`term_periods`) and for the days from ``as_of`` to an agreement in
    force's ``term_ends`` (:func:`detente.simulate.terms.model_terms`)."""
    return round(days / period_days)


def term_periods(days: int, period_days: float) -> int:
    """Whole periods of ``days`` (at least one): ``max(1, days_to_periods(days, period_days))``."""
    return max(1, days_to_periods(days, period_days))


def term_end_date(a: AgreementInForce) -> dt.date | None:
    """When the current term of agreement in force ``a`` ends: ``term_ends`` if stated, else
    one term after ``since`` (None: no term)."""
    if a.term is None:
        return None
    if a.term_ends is not None:
        return a.term_ends
    return a.since + dt.timedelta(days=a.term.days)


def check_terms(s: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Every problem of the scenario's terms as (field path, message)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for k, b in enumerate(s.bundles):
        if b.term is not None and b.id == "settlement":
            out.append(
                (
                    ("bundles", k, "term"),
                    "the full settlement has no term (a term belongs to a partial agreement)",
                )
            )
        if b.term is not None:
            out.extend(_term_problems(b.term, ("bundles", k, "term")))
            out.extend(_part_problems(s, b.term, ("bundles", k, "term"), None))
    as_of = s.meta.as_of
    for k, a in enumerate(s.agreements_in_force):
        base: tuple[str | int, ...] = ("agreements_in_force", k)
        if a.term is None:
            if a.term_ends is not None:
                out.append(((*base, "term_ends"), "term_ends is given without a term"))
            if a.renewals:
                out.append(((*base, "renewals"), "renewals are given without a term"))
            continue
        out.extend(_term_problems(a.term, (*base, "term")))
        out.extend(_part_problems(s, a.term, (*base, "term"), a.since))
        if a.term.renewal == "none" and a.renewals:
            out.append(
                ((*base, "renewals"), "renewals are given for a term that cannot be renewed")
            )
        for j, d in enumerate(a.renewals):
            if d in a.renewals[:j]:
                out.append(((*base, "renewals", j), f"renewal {d} is listed twice"))
            if not a.since <= d <= as_of:
                out.append(
                    (
                        (*base, "renewals", j),
                        f"renewal {d} is not between since {a.since} and meta.as_of {as_of}",
                    )
                )
        end = term_end_date(a)
        one_term = a.since + dt.timedelta(days=a.term.days)
        if a.term.renewal == "none" and end is not None and end > one_term:
            out.append(
                (
                    (*base, "term_ends"),
                    f"term_ends {end} is beyond one term ({a.term.days} days after since "
                    f"{a.since}: {one_term}) of a term that cannot be renewed",
                )
            )
        if end is not None and end <= a.since:
            out.append(((*base, "term_ends"), f"term_ends {end} is not after since {a.since}"))
        elif end is not None and end < as_of:
            where = "term_ends" if a.term_ends is not None else "term"
            out.append(
                (
                    (*base, where),
                    f"its current term ends {end}, before meta.as_of {as_of}: state term_ends "
                    "(the end of the term running at as_of, after the renewals)",
                )
            )
    return out


def _term_problems(t: Term, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], str]]:
    """A term that contradicts itself: a renewal's length for a term that cannot be renewed."""
    if t.renewal == "none" and t.renewal_days is not None:
        return [
            (
                (*path, "renewal_days"),
                "renewal_days is given for a term that cannot be renewed (renewal: none)",
            )
        ]
    return []


def _part_problems(
    s: Scenario, t: Term, path: tuple[str | int, ...], since: dt.date | None
) -> list[tuple[tuple[str | int, ...], str]]:
    """A part received by no actor or by an actor that is not a belligerent, owed to its own
    debtor, or with accounts out of place: on a bundle's term (``since`` None: an agreement
    signed in a run has no account before it is signed), or dated outside
    ``[since, meta.as_of]`` (no look-ahead) or out of order.

    Only a belligerent's renewal reads what it received (the rule is the two sides' exchange,
    :mod:`detente.simulate.steps.expiry`), so a part received by a third party, a faction or
    a third veto party would be silently ignored: it is refused (fx17)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    actors = sorted(a.id for a in s.actors)
    sides = list(s.war.belligerents) if s.war is not None else []
    as_of = s.meta.as_of
    for j, part in enumerate(t.parts):
        where = (*path, "parts", j)
        if part.to not in actors:
            out.append(((*where, "to"), f"unknown actor id {part.to!r}; expected one of: {actors}"))
        elif part.to not in sides:
            known = ", ".join(sides) if sides else "none: the scenario states no war"
            out.append(
                (
                    (*where, "to"),
                    f"{part.to!r} is not one of war.belligerents ({known}): only a "
                    "belligerent's renewal reads what it received (a part received by a "
                    "third party is not modelled)",
                )
            )
        if part.by == part.to:
            out.append(((*where, "by"), f"a part owed by {part.by!r} to itself"))
        if part.accounts and since is None:
            out.append(
                (
                    (*where, "accounts"),
                    "accounts are given on a bundle's term: an agreement signed in a run has "
                    "no account before it is signed (state them on agreements_in_force)",
                )
            )
            continue
        for i, acc in enumerate(part.accounts):
            if since is not None and not since <= acc.date <= as_of:
                out.append(
                    (
                        (*where, "accounts", i, "date"),
                        f"account dated {acc.date} is not between since {since} and "
                        f"meta.as_of {as_of}",
                    )
                )
            if i and acc.date < part.accounts[i - 1].date:
                out.append(((*where, "accounts", i, "date"), "accounts are not oldest first"))
    return out
