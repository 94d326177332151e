"""The teacher's submission workflow: drafts, materials, submit, withdraw, resubmit.

Rows are turned into the plain data of `domain.eligibility`, whose rules decide; this package
only loads, changes, flushes and audits. One module per use case:

- `checks`: rows -> plain data, what still blocks submission, the page's checklist;
- `windows`: deadlines and whether the entry may still change;
- `drafts`: creating and saving a draft with its students and advisers;
- `materials`: uploads checked by content, and deleting them; uploaded files follow the
  transaction (see `storage.keep_if_committed`): if the request does not commit, the file is gone too;
- `photos`: the students' 免冠照片 for the 申报书, checked as every upload is;
- `transitions`: submit, withdraw, discard;
- `reads`: the teacher's lists and the entry page's read model.
"""

from __future__ import annotations

from .checks import PARTS as PARTS
from .checks import EntryProblems as EntryProblems
from .checks import checklist as checklist
from .checks import contest_entries as contest_entries
from .checks import entry_data as entry_data
from .checks import other_entries as other_entries
from .checks import problems as problems
from .checks import problems_by_entry as problems_by_entry
from .checks import section_rules as section_rules
from .drafts import draft_problems as draft_problems
from .drafts import save_draft as save_draft
from .materials import ContentLimits as ContentLimits
from .materials import delete_attachment as delete_attachment
from .materials import kinds_label as kinds_label
from .materials import store_upload as store_upload
from .photos import photo_bytes as photo_bytes
from .photos import store_student_photo as store_student_photo
from .reads import EntryPage as EntryPage
from .reads import changed_since_review as changed_since_review
from .reads import entry_page as entry_page
from .reads import open_contests as open_contests
from .reads import published_awards as published_awards
from .reads import school_entries as school_entries
from .transitions import discard as discard
from .transitions import submit as submit
from .transitions import withdraw as withdraw
from .windows import can_discard as can_discard
from .windows import can_still_submit as can_still_submit
from .windows import can_withdraw as can_withdraw
from .windows import is_editable as is_editable
from .windows import submit_deadline as submit_deadline
