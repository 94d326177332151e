"""Contests: creating and updating them from a full definition, the organizer's setup (templates,
the definition as YAML, common settings), moving a contest through its states, and reading them.

* ``creation`` - a contest from a definition (parsing YAML, sections, materials, rounds, rubrics);
* ``definition_files`` - the shipped templates, the definition as YAML and updates from it;
* ``settings`` - the common fields and settings from the organizer's form;
* ``section_fields`` - which 申报书 fields a section requires for submission;
* ``states`` - state changes and the order of the windows;
* ``reads`` - contests by code, the organizer's list, overview counts.

Their public names are re-exported here (``contests.save_definition(...)``).
"""

from .creation import (
    load_definition_text,
    number_limits,
    save_definition,
)
from .definition_files import (
    SHIPPED,
    create_from_template,
    definition_data,
    definition_problems,
    definition_yaml,
    shipped_definitions,
    update_from_definition,
)
from .reads import (
    entry_counts,
    get_by_code,
    judge_counts,
    newest_first,
    round_has_scores,
)
from .section_fields import refusal as section_fields_refusal
from .section_fields import update_required_fields
from .settings import (
    ELIGIBILITY_KEYS,
    RESULT_RULE_KEYS,
    SETTINGS_FORM_KEYS,
    SettingsInvalid,
    SettingsLocks,
    eligibility_refusal,
    settings_locks,
    update_settings,
)
from .states import (
    WINDOW_KEYS,
    change_state,
    window_problems,
)

__all__ = [
    "ELIGIBILITY_KEYS",
    "RESULT_RULE_KEYS",
    "SETTINGS_FORM_KEYS",
    "SHIPPED",
    "SettingsInvalid",
    "SettingsLocks",
    "WINDOW_KEYS",
    "change_state",
    "create_from_template",
    "definition_data",
    "definition_problems",
    "definition_yaml",
    "eligibility_refusal",
    "entry_counts",
    "get_by_code",
    "judge_counts",
    "load_definition_text",
    "newest_first",
    "number_limits",
    "round_has_scores",
    "save_definition",
    "section_fields_refusal",
    "settings_locks",
    "shipped_definitions",
    "update_from_definition",
    "update_required_fields",
    "update_settings",
    "window_problems",
]
