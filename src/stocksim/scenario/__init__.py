"""The scenario layer: the schema, uncertain numbers, the checks across fields, the data-file
readers and the loader. Everything else in stocksim starts from a ``LoadedScenario``."""

from stocksim.scenario.errors import ConfigError
from stocksim.scenario.loader import (
    LoadedScenario,
    canonical_json,
    load_mapping,
    load_scenario,
    load_scenario_text,
    parse_scenario,
)
from stocksim.scenario.schema import LEVEL_NAMES, SEVERITIES, Scenario
from stocksim.scenario.yamltext import read_yaml, read_yaml_file

__all__ = [
    "LEVEL_NAMES",
    "SEVERITIES",
    "ConfigError",
    "LoadedScenario",
    "Scenario",
    "canonical_json",
    "load_mapping",
    "load_scenario",
    "load_scenario_text",
    "parse_scenario",
    "read_yaml",
    "read_yaml_file",
]
