"""The scenario layer: the schema, uncertain numbers, the checks across fields, the data-file
readers and the loader. Everything else in stocksim starts from a ``LoadedScenario``."""

from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import LoadedScenario, canonical_json, load_scenario, parse_scenario
from stocksim.scenario.schema import LEVEL_NAMES, SEVERITIES, Scenario

__all__ = [
    "LEVEL_NAMES",
    "SEVERITIES",
    "ConfigError",
    "LoadedScenario",
    "Scenario",
    "canonical_json",
    "load_scenario",
    "parse_scenario",
]
