"""Demo data (演示数据): a realistic Huaibei city with five contests at different stages.

`seed_demo()` builds, in one transaction (the caller commits):

* the four districts of Huaibei and about 40 schools, a teacher account per school (two for some),
  reviewers (two scoped to a district, one for the whole city), about 25 judges and two organizers;
* the science film festival OPEN for submissions (drafts and submitted entries);
* the invention contest CLOSED, in format review (submitted, accepted, returned, rejected);
* the 2026 innovation contest in JUDGING: entries accepted and numbered, round 1 judges assigned
  with `domain.assignment.assign`, about 60% of the score sheets final, some drafts, and a couple
  of judges who have not started;
* `seed_finished_contest()`: the 2025 innovation contest (HB2025-CX) with every sheet final, in
  state `results`; `finish_contest()` takes it to the end under the province's rules (quota 25 with
  shares per 学段, caps per school and 区县, minimum scores, a small group the organizer decides, a
  nomination past a 区县's cap, two objections filed online and settled);
* `seed_contest_on_notice()`: the 2025 science film festival (HB2025-YX) on public notice now,
  with one objection filed online waiting at the organizer's desk.

Everything is deterministic (fixed seeds); every account's password is DEMO_PASSWORD. Running it
on a database that already holds the demo changes nothing (see `demo_present`).

The modules, in the order the demo is built: ``city`` (districts, schools, people), ``words``
(titles, abstracts, review reasons), ``files`` (the attachments' small real files), ``entries``
(contests, entries, their review), ``judging`` (round 1 and its score sheets), ``finished`` (the
2025 contest taken to the end), ``rulings`` (what its organizer decided: small groups, a nomination
past a cap, objections), ``notice`` (the contest on notice) and ``seed`` (the entry points). Their public names are
re-exported here, so ``demo.seed_demo()`` works.
"""

from .city import DEMO_PASSWORD as DEMO_PASSWORD
from .finished import finish_contest as finish_contest
from .finished import seed_finished_contest as seed_finished_contest
from .judging import weighted_total as weighted_total
from .seed import DemoAccount as DemoAccount
from .seed import demo_accounts as demo_accounts
from .seed import demo_present as demo_present
from .seed import seed_demo as seed_demo
