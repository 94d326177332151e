"""Account management by organizers: accounts, schools, districts and one-time reset links.

Builds on services/accounts.py (create_user, hash_password, password_problem, set_password).
Accounts are never deleted (they carry history: entries, reviews, scores, audit events);
they are deactivated, which also ends their sessions.

* ``editing`` - creating, changing, deactivating an account; ``lists`` - the filtered, paged list;
* ``places`` - schools and districts; ``resets`` - one-time links to set a password.

Their public names are re-exported here (``users.create_account(...)``).
"""

from .editing import (
    SUBJECT_SEPARATORS,
    AccountData,
    AccountInvalid,
    create_account,
    generate_password,
    set_active,
    split_subjects,
    update_account,
)
from .lists import (
    UserFilters,
    count_users,
    users_page,
    users_query,
)
from .places import (
    districts,
    find_district,
    find_school,
    save_district,
    save_school,
    school_labels,
    schools,
)
from .resets import (
    RESET_HOURS,
    create_reset_link,
    revoke_resets,
    use_reset,
    valid_reset,
)

__all__ = [
    "RESET_HOURS",
    "SUBJECT_SEPARATORS",
    "AccountData",
    "AccountInvalid",
    "UserFilters",
    "count_users",
    "create_account",
    "create_reset_link",
    "districts",
    "find_district",
    "find_school",
    "generate_password",
    "revoke_resets",
    "save_district",
    "save_school",
    "school_labels",
    "schools",
    "set_active",
    "split_subjects",
    "update_account",
    "use_reset",
    "users_page",
    "users_query",
    "valid_reset",
]
