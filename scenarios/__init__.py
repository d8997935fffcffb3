"""Scenario and municipality-profile files (TOML) and their loader/validator."""

from sdsim.scenarios.loader import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario"]
