"""detente: analyse peace negotiations between adversaries who do not trust each other.

The front door (lazy: ``import detente`` loads no engine)::

    import detente as d
    s = d.load_scenario("scenarios/teaching.yaml")
    a = d.analyze(s, seed=1)            # zone of agreement, reservations, solutions
    r = d.simulate(s, runs=200, seed=1) # talks while fighting
    r.to_pandas(); r.chart(); r.manifest["scenario_sha256"]

Also ``what_it_takes``, ``score_proposals``, ``replay_trust``, ``forecast``, ``backtest``,
``monitor`` (``d.monitor.open_store(db)`` gives a store with ``ingest``, ``measures``,
``flags`` and ``verify``) and ``report``.
Every result carries ``manifest`` and converts with ``to_dict()`` (the CLI's JSON). The engines
stay importable from their subpackages (``detente.bargaining``, ``detente.simulate``, ...).

``detente.simulate``, ``detente.forecast``, ``detente.monitor`` and ``detente.report`` are
both subpackages (the engines) and front-door entries: calling ``detente.simulate(...)`` calls
:func:`detente.api.simulate`, and ``detente.monitor.open_store`` etc. reach
:mod:`detente.api.monitor`, while ``detente.simulate.run_simulation`` is still the engine.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from typing import Any

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_SEED",
    "Scenario",
    "ScenarioError",
    "__version__",
    "analyze",
    "backtest",
    "forecast",
    "load_scenario",
    "monitor",
    "replay_trust",
    "report",
    "score_proposals",
    "simulate",
    "what_it_takes",
]

_FROM: dict[str, str] = {
    "DEFAULT_SEED": "detente.core",
    "Scenario": "detente.scenario",
    "ScenarioError": "detente.scenario",
    "load_scenario": "detente.scenario",
    "analyze": "detente.api",
    "backtest": "detente.api",
    "replay_trust": "detente.api",
    "score_proposals": "detente.api",
    "what_it_takes": "detente.api",
}

# Subpackages that are also front-door entries: name -> attribute of detente.api
_DUAL = {
    "simulate": "simulate",
    "forecast": "forecast",
    "report": "report",
    "monitor": "open_store",
}


class _FrontDoorModule(types.ModuleType):
    # A subpackage that is also a front-door entry: callable, with the front door's names
    # reachable as attributes when the engine has no attribute of that name. ``help()`` and
    # ``inspect.signature`` show the front door's signature and docstring first, then the
    # subpackage's own docstring.

    def _entry(self) -> Any:
        short = self.__name__[8:]
        module = "detente.api.monitor" if short == "monitor" else "detente.api"
        return getattr(importlib.import_module(module), _DUAL[short])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._entry()(*args, **kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        return inspect.signature(self._entry())

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        entry = self._entry()
        own = self.__dict__.get("__doc__") or ""
        call = f"{self.__name__}{inspect.signature(entry)}"
        return f"{call}\n\n{inspect.getdoc(entry) or ''}\n\nThe package {self.__name__}:\n\n{own}"

    def __getattr__(self, name: str) -> Any:
        short = self.__name__[8:]
        if short == "monitor" and name in ("Monitor", "open_store"):
            return getattr(importlib.import_module("detente.api.monitor"), name)
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """The ``detente`` package: when the import system attaches a dual subpackage, it is made
    callable (see :class:`_FrontDoorModule`)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _DUAL and isinstance(value, types.ModuleType):
            value.__class__ = _FrontDoorModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _FROM:
        value = getattr(importlib.import_module(_FROM[name]), name)
        globals()[name] = value
        return value
    if name in _DUAL:
        return importlib.import_module(f"detente.{name}")  # attached (made callable) on import
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
