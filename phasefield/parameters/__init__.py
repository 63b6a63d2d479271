"""Parameter sets with a source for every value: the one source of truth for material data."""

from phasefield.parameters.sets import (
    PARAMETER_SETS,
    Parameter,
    ParameterSet,
    ParameterSetError,
    find_parameter_set,
    read_parameter_set,
    resolve_parameter_set,
)

__all__ = ["PARAMETER_SETS", "Parameter", "ParameterSet", "ParameterSetError", "find_parameter_set",
           "read_parameter_set", "resolve_parameter_set"]
