"""Human names for what detente knows by id: one mapping for every front door (report, web).

The vocabulary's words (negotiation strategies, talks protocols, say/do flags) have one label
each here; a scenario's own things (actors, issues, bundles, mechanisms, tracks, support lines)
are named by the scenario, and :class:`Names` looks them up, falling back to the id with its
underscores read as spaces. Pure data and lookups: no front door, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from detente.scenario.simulation import Protocol, StrategyName

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "FLAG_LABELS",
    "PROTOCOL_LABELS",
    "STRATEGY_LABELS",
    "Names",
    "flag_label",
    "humanize",
    "protocol_label",
    "strategy_label",
]

STRATEGY_LABELS: Mapping[str, str] = {
    StrategyName.boulware.value: "Boulware (concedes late)",
    StrategyName.linear.value: "linear concession",
    StrategyName.conceder.value: "Conceder (concedes early)",
    StrategyName.good_faith.value: "good faith",
    StrategyName.hardliner.value: "hard-liner (never moves)",
    StrategyName.tit_for_tat.value: "tit-for-tat",
    StrategyName.grit.value: "GRIT (graduated reciprocation)",
    StrategyName.peace_offensive.value: "peace offensive",
    StrategyName.stalling.value: "stalling",
    StrategyName.rearm_during_truce.value: "rearms during a truce",
}
"""Negotiation strategy (``simulation.strategies``) -> label (docs: the simulation model)."""

PROTOCOL_LABELS: Mapping[str, str] = {
    Protocol.alternating.value: "alternating offers",
    Protocol.single_text.value: "a mediator's single negotiating text",
    Protocol.multilateral.value: "multilateral alternating offers",
}
"""Talks protocol (``simulation.protocol``) -> label."""

FLAG_LABELS: Mapping[str, str] = {
    "peace_offensive": "peace offensive",
    "genuine_deescalation": "genuine de-escalation",
    "claim_broken": "claim broken",
    "claim_kept": "claim kept",
    "inconclusive": "inconclusive",
}
"""Say/do flag kind (``detente monitor flags``) -> label."""


def humanize(ident: str) -> str:
    """An id read as words: underscores and dots become spaces (``us_military_aid`` ->
    ``us military aid``)."""
    return re.sub(r"[_.]+", " ", str(ident)).strip()


def _label(table: Mapping[str, str], name: object) -> str:
    key = str(getattr(name, "value", name))
    return table.get(key, humanize(key))


def strategy_label(name: object) -> str:
    """A negotiation strategy's label (an unknown name: its words)."""
    return _label(STRATEGY_LABELS, name)


def protocol_label(name: object) -> str:
    """A talks protocol's label (an unknown name: its words)."""
    return _label(PROTOCOL_LABELS, name)


def flag_label(kind: object) -> str:
    """A say/do flag's label (an unknown kind: its words)."""
    return _label(FLAG_LABELS, kind)


@dataclass(frozen=True)
class Names:
    """A scenario's names by id (actors, issues, bundles, mechanisms, tracks, proposals, and
    support lines by ``(recipient, line)``); an unknown id reads as its words."""

    actors: Mapping[str, str] = field(default_factory=dict)
    issues: Mapping[str, str] = field(default_factory=dict)
    bundles: Mapping[str, str] = field(default_factory=dict)
    mechanisms: Mapping[str, str] = field(default_factory=dict)
    tracks: Mapping[str, str] = field(default_factory=dict)
    proposals: Mapping[str, str] = field(default_factory=dict)
    support: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario) -> Names:
        """The names a scenario gives (bundles: declared, else the default ones by issue
        category, and the full settlement)."""
        from detente.bargaining.bundles import default_bundles

        bundles = {b.id: b.name for b in scenario.bundles} or {
            bid: name for bid, name, _, _ in default_bundles(scenario)
        }
        bundles.setdefault("settlement", "Full settlement")
        ids = {a.id.lower(): a.id for a in scenario.actors}
        support = {
            (a.id, line.id): _support_name(line.id, line.provider, ids)
            for a in scenario.actors
            for line in a.support
        }
        return cls(
            actors={a.id: a.name for a in scenario.actors},
            issues={i.id: i.name for i in scenario.issues},
            bundles=bundles,
            mechanisms={m.id: m.name for m in scenario.mechanisms},
            tracks={t.id: t.name for t in scenario.tracks},
            proposals={p.id: p.name for p in scenario.proposals},
            support=support,
        )

    def actor(self, ident: str) -> str:
        """An actor's name."""
        return self.actors.get(ident) or humanize(ident)

    def issue(self, ident: str) -> str:
        """An issue's name."""
        return self.issues.get(ident) or humanize(ident)

    def bundle(self, ident: str) -> str:
        """A bundle's name."""
        return self.bundles.get(ident) or humanize(ident)

    def mechanism(self, ident: str) -> str:
        """A mechanism's name."""
        return self.mechanisms.get(ident) or humanize(ident)

    def track(self, ident: str) -> str:
        """A track's name."""
        return self.tracks.get(ident) or humanize(ident)

    def proposal(self, ident: str) -> str:
        """A proposal's name."""
        return self.proposals.get(ident) or humanize(ident)

    def words(self, text: str) -> str:
        """Generated text with the ids in it read as names: an actor id in capitals (``RU``)
        or an id with an underscore (``nato_neutrality``) becomes the thing's name, any other
        underscored word its words; plain lower-case words are left alone (``energy`` may
        be a bundle's id and an ordinary word)."""

        def one(m: re.Match[str]) -> str:
            tok = m.group(0)
            if tok in self.actors and tok.isupper():
                return self.actors[tok]
            if "_" not in tok:
                return tok
            for table in (self.issues, self.bundles, self.proposals, self.mechanisms):
                if tok in table:
                    return table[tok]
            if tok in self.tracks:
                return self.tracks[tok]
            return humanize(tok)

        return _TOKEN.sub(one, text)

    def support_line(self, recipient: str, line: str) -> str:
        """A support line's label: its id in words, actor ids in their own case, first letter
        upper case (``us_military_aid`` of Ukraine -> ``US military aid``)."""
        return self.support.get((recipient, line)) or _support_name(line, None, {})


_TOKEN = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?![\w.])")


def _support_name(line: str, provider: str | None, ids: Mapping[str, str]) -> str:
    known = dict(ids)
    if provider:
        known[provider.lower()] = provider
    words = [known.get(w.lower(), w) for w in humanize(line).split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
