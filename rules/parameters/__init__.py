"""Dated parameters of the rules, read from YAML files with their sources."""

from rules.parameters.loader import DEFAULT_DIRECTORY, load_directory, parse_parameter
from rules.parameters.schema import Band, Parameter, ParameterError, ParameterKind, ParameterValue
from rules.parameters.store import REQUIRED_PARAMETERS, ParameterStore, load_parameters

__all__ = [
    "DEFAULT_DIRECTORY",
    "REQUIRED_PARAMETERS",
    "Band",
    "Parameter",
    "ParameterError",
    "ParameterKind",
    "ParameterStore",
    "ParameterValue",
    "load_directory",
    "load_parameters",
    "parse_parameter",
]
