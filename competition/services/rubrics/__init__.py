"""The organizer's rubric editor (评分标准): each round x section rubric, and the round-wide one.

How stored scores depend on a rubric.  A score sheet keeps ``scores`` as {criterion id: score}
and the weighted total it had when saved (``100 * sum(w*score) / sum(w*max)``, see
domain/scoring.py).  So once a sheet holds a score (a draft with a score counts; an empty draft
does not) for the entries a rubric covers:

- removing a criterion leaves sheets with a score for a criterion that no longer exists (the
  judge's next save is refused) and stored totals computed with it;
- adding one makes every submitted sheet incomplete, and its total no longer matches;
- changing a maximum or a weight changes what every stored total means (and a score may exceed
  the new maximum);
- a new rubric for a section scored under the round-wide one orphans every score of it.

Those changes are refused.  The wording (criterion names, descriptors, the rubric's name) and the
order of the criteria do not touch any stored number and stay editable.  One more thing depends
on a name: the ``tie_break`` setting may name a criterion as ``criterion:<code>`` or
``criterion:<name>``; renaming a criterion the setting names by its name would silently break the
tie-break, so that rename is refused with the way out (refer to it by its code).  Codes never
change; new criteria get a fresh code (``c1``, ``c2``... unused anywhere in the contest).

Flushes only; the request (web/doorway.py) commits.

* ``reads`` - what the editor reads (covered sections, dependent sheets, the tie-break's criteria,
  the fingerprint, the overview); ``editor`` - the editor's rows as text and its buttons;
  ``checks`` - checking a form; ``saving`` - saving and removing a rubric.

Their public names are re-exported here (``rubrics.save(...)``).
"""

from .checks import (
    CODE_RE,
    DESCRIPTORS_LEN,
    MAX_CRITERIA,
    MAX_SCORE,
    MAX_WEIGHT,
    NAME_LEN,
    RUBRIC_NAME_LEN,
    RowInput,
    RubricInvalid,
    check,
)
from .editor import (
    EditorRow,
    blank_row,
    editor_rows,
    editor_start,
    move_rows,
    preview_scale,
)
from .reads import (
    RoundOverview,
    SectionRow,
    contest_codes,
    copy_sources,
    covered_sections,
    find_rubric,
    fingerprint,
    full_scale,
    overview,
    rubric_sheet_count,
    sheet_count,
    tie_break_criteria,
    tie_break_refs,
)
from .saving import (
    NeedsConfirmation,
    StaleRubric,
    delete,
    save,
)

__all__ = [
    "CODE_RE",
    "DESCRIPTORS_LEN",
    "MAX_CRITERIA",
    "MAX_SCORE",
    "MAX_WEIGHT",
    "NAME_LEN",
    "RUBRIC_NAME_LEN",
    "RowInput",
    "RubricInvalid",
    "check",
    "EditorRow",
    "blank_row",
    "editor_rows",
    "editor_start",
    "move_rows",
    "preview_scale",
    "RoundOverview",
    "SectionRow",
    "contest_codes",
    "copy_sources",
    "covered_sections",
    "find_rubric",
    "fingerprint",
    "full_scale",
    "overview",
    "rubric_sheet_count",
    "sheet_count",
    "tie_break_criteria",
    "tie_break_refs",
    "NeedsConfirmation",
    "StaleRubric",
    "delete",
    "save",
]
