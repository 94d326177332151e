"""A contest's full definition as plain data (the YAML that `import-contest` loads), validated.

`parse_definition(dict)` returns a `ContestDefinition` or raises `DefinitionError` with every
problem found, each naming where it is (e.g. "sections[1].materials[0]").

The pieces: `schema` (the known values and the dataclasses), `reader` (one value at a time, every
problem collected; characters that cannot print), `parts` (sections with their materials, rounds
with their rubrics), `parse` (the whole definition and the checks that span it).
"""

from __future__ import annotations

from .parse import number_values, parse_definition
from .schema import (
    FILE_KINDS,
    METHODS,
    SECTION_KINDS,
    STAGE_ORDER,
    STAGES,
    TEAM_KINDS,
    ContestDefinition,
    CriterionDef,
    Data,
    DefinitionError,
    MaterialDef,
    RoundDef,
    RubricDef,
    SectionDef,
)

__all__ = [
    "FILE_KINDS",
    "METHODS",
    "SECTION_KINDS",
    "STAGE_ORDER",
    "STAGES",
    "TEAM_KINDS",
    "ContestDefinition",
    "CriterionDef",
    "Data",
    "DefinitionError",
    "MaterialDef",
    "RoundDef",
    "RubricDef",
    "SectionDef",
    "number_values",
    "parse_definition",
]
