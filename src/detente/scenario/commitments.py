"""Public commitments in law (an annexation law, a constitutional clause, a referendum
requirement) and the ratifiers' measured acceptance of a settlement past them: the scenario
format's ``public_commitments`` (re-exported by :mod:`detente.scenario.schema`)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from detente.scenario.base import Id, ScalePoint, Unit, _Traced


class Acceptance(_Traced):
    """The ratifiers' view, as a survey measured it, of a settlement that goes past a public
    commitment's level (e.g. a poll on ceding territory): the share accepting and the share
    rejecting (Putnam 1988: the domestic win-set). Its ``sources`` must be published by
    ``meta.as_of`` (a share the scenario's date could not know is a located error)."""

    date: dt.date = Field(
        description="When the view was measured (the end of the fieldwork; latest ≤ as_of applies)."
    )
    accept: Unit = Field(description="Share of respondents who accept such a settlement, 0–1.")
    reject: Unit | None = Field(
        default=None,
        description="Share who reject it, 0–1 (unset: every respondent not accepting counts as "
        "rejecting). The share used is accept / (accept + reject): those with a view, as votes "
        "cast.",
    )
    note: str = Field(
        min_length=1, max_length=300, description="What was asked, paraphrased, and by whom."
    )

    @model_validator(mode="after")
    def _shares(self) -> Acceptance:
        if self.reject is not None and self.accept + self.reject > 1.0 + 1e-9:
            raise ValueError(
                f"accept {self.accept} + reject {self.reject} exceed 1 (shares of respondents)"
            )
        if self.accept + (self.reject or 0.0) <= 0.0 and self.reject is not None:
            raise ValueError("accept + reject is 0: nobody with a view; leave the entry out")
        return self

    @property
    def share(self) -> float:
        """The share accepting among those with a view: accept / (accept + reject), or accept
        where no reject share is stated."""
        if self.reject is None:
            return float(self.accept)
        return float(self.accept / (self.accept + self.reject))


class PublicCommitment(_Traced):
    """A party's public commitment in law to a point on an issue's scale (an annexation law, a
    constitutional clause, a referendum): a belligerent's stated red line short of it is
    pulled toward it as the costs of fighting mount (entrapment; audience costs). With a
    ``ratification``, the act commits to a procedure instead: a settlement past ``level`` needs
    the ratifiers' consent (Putnam 1988), and the actor's red line is crossed past it only by a
    package the ratifiers accept (``acceptance``)."""

    actor: Id = Field(description="Who made the commitment (actor id).")
    issue: Id = Field(description="Issue id.")
    level: ScalePoint = Field(
        description="The point on the issue's scale the act commits the actor to (0–100); "
        "with `ratification`, the point past which a settlement needs ratification."
    )
    date: dt.date = Field(description="When the act was made (latest ≤ as_of applies).")
    act: str = Field(
        min_length=1,
        max_length=300,
        description="What the act is (e.g. 'annexation law'), paraphrased.",
    )
    ratification: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Who must ratify a settlement past `level` (away from the actor's ideal), "
        "e.g. 'all-Ukrainian referendum'. Set: the commitment is a procedure, not a point (it "
        "does not pull the red lines), and in simulations the actor crosses its red line on "
        "the issue past `level` only for a package the ratifiers accept: the latest "
        "`acceptance` share by `as_of`, moved in each run by the war costs the actor pays "
        "(Mueller 1973), above `majority`; without a share the actor's own evaluation "
        "stands in (docs/explanation/simulation-model.md, 'Red lines that move').",
    )
    majority: float = Field(
        default=0.5,
        gt=0.0,
        lt=1.0,
        description="Share of the ratifiers' votes a ratification needs (0.5: a simple "
        "majority of votes cast; 2/3 for a two-thirds vote). Used with `ratification`.",
    )
    acceptance: tuple[Acceptance, ...] = Field(
        default=(),
        description="The ratifiers' measured acceptance of a settlement past `level`, dated "
        "(latest ≤ as_of applies). Needs `ratification`.",
    )

    def acceptance_share(self, as_of: dt.date) -> float | None:
        """The ratifiers' share accepting (latest ``acceptance`` dated on or before
        ``as_of``); None when none is (or no ratification is required)."""
        known = [a for a in self.acceptance if a.date <= as_of]
        if self.ratification is None or not known:
            return None
        return max(known, key=lambda a: a.date).share
