"""detente: analyse peace negotiations between adversaries who do not trust each other.

The public API is deliberately small and explicit; everything else is importable from its
subpackage (``detente.scenario``, ``detente.trust``, ``detente.bargaining``, ...).
"""

from __future__ import annotations

from detente.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario"]
