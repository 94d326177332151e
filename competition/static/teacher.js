// The teacher's entry form: rows of students and advisers, and fields that follow the section.
// No inline scripts (the CSP forbids them); the section rules come in data-sections on the form.
(function () {
  "use strict";

  function rowsOf(name) {
    var table = document.querySelector('table[data-rows="' + name + '"] tbody');
    return table ? Array.prototype.slice.call(table.querySelectorAll("tr.person-row")) : [];
  }

  function renumber(name) {
    rowsOf(name).forEach(function (row, i) {
      var no = row.querySelector(".row-no .n") || row.querySelector(".row-no");
      if (no) { no.textContent = String(i + 1); }
    });
  }

  function nextIndex(name) {
    var max = -1;
    rowsOf(name).forEach(function (row) {
      row.querySelectorAll("[name^='" + name + "-']").forEach(function (el) {
        var m = el.name.match(new RegExp("^" + name + "-(\\d+)-"));
        if (m) { max = Math.max(max, parseInt(m[1], 10)); }
      });
    });
    return max + 1;
  }

  function limit(name) {
    var table = document.querySelector('table[data-rows="' + name + '"]');
    return table ? parseInt(table.dataset.max || "99", 10) : 0;
  }

  function refreshButtons(name) {
    var button = document.querySelector('[data-add-row="' + name + '"]');
    if (button) { button.disabled = rowsOf(name).length >= limit(name); }
    renumber(name);
  }

  function addRow(name) {
    var template = document.getElementById(name + "-template");
    var tbody = document.querySelector('table[data-rows="' + name + '"] tbody');
    if (!template || !tbody || rowsOf(name).length >= limit(name)) { return; }
    if (name === "students" && rowsOf(name).length >= 1) {
      var team = document.querySelector("input[name='is_team'][value='1']");
      if (team && !team.checked) { team.checked = true; team.dispatchEvent(new Event("change", { bubbles: true })); }
    }
    var html = template.innerHTML.replace(/__index__/g, String(nextIndex(name)));
    tbody.insertAdjacentHTML("beforeend", html);
    applyTeam();
    var rows = rowsOf(name);
    var input = rows[rows.length - 1].querySelector("input");
    if (input) { input.focus(); }
    refreshButtons(name);
  }

  function show(el, visible) { if (el) { el.classList.toggle("d-none", !visible); } }

  // A team member's 分工 is asked of team entries only.
  function applyTeam() {
    var team = document.querySelector("input[name='is_team'][value='1']");
    var isTeam = Boolean(team && team.checked);
    document.querySelectorAll("#students-table .team-only").forEach(function (el) { show(el, isTeam); });
  }

  function setOptions(select, values) {
    if (!select) { return; }
    var current = select.value;
    var first = select.options.length ? select.options[0].cloneNode(true) : null;
    select.innerHTML = "";
    if (first && first.value === "") { select.appendChild(first); }
    values.forEach(function (v) {
      var opt = document.createElement("option");
      opt.value = v; opt.textContent = v;
      select.appendChild(opt);
    });
    // Keep what was chosen even if it no longer fits: the server explains why it is refused.
    if (current && values.indexOf(current) < 0) {
      var keep = document.createElement("option");
      keep.value = current; keep.textContent = current;
      select.appendChild(keep);
    }
    select.value = current;
  }

  function applySection(form, sections) {
    var sectionSelect = form.querySelector("#section");
    var rules = sections[sectionSelect ? sectionSelect.value : ""];
    if (!rules) { return; }
    var stage = form.querySelector("#stage");
    setOptions(stage, rules.stages);
    var subject = form.querySelector("#subject");
    var allSubjects = [].concat.apply([], Object.keys(rules.subjects).map(function (k) { return rules.subjects[k]; }));
    setOptions(subject, (stage && rules.subjects[stage.value]) || allSubjects);
    // A section without subjects (films, paintings, practice activities) does not ask for one.
    var noSubjects = allSubjects.length === 0 && !(subject && subject.value);
    show(document.getElementById("subject-col"), !noSubjects);

    var teamChoice = form.querySelector("#team-choice");
    var team = form.querySelector("input[name='is_team'][value='1']");
    var solo = form.querySelector("input[name='is_team'][value='0']");
    var hasStudents = !rules.counselor && !rules.group;
    show(teamChoice, hasStudents && rules.team && rules.individual);
    if (hasStudents && !rules.team && solo) { solo.checked = true; }
    if (hasStudents && !rules.individual && team) { team.checked = true; }
    var isTeam = team && team.checked;

    var students = document.querySelector('table[data-rows="students"]');
    // Adding a second student turns the entry into a team entry (see addRow), so the limit is the team's.
    if (students) { students.dataset.max = String(hasStudents ? (rules.team ? rules.maxStudents : 1) : 0); }
    var advisers = document.querySelector('table[data-rows="advisers"]');
    if (advisers) { advisers.dataset.max = String(rules.maxAdvisers); }

    show(document.getElementById("students-block"), hasStudents);
    document.querySelectorAll(".counselor-only").forEach(function (el) { show(el, rules.counselor); });
    document.querySelectorAll(".group-only").forEach(function (el) { show(el, rules.group); });
    show(document.getElementById("advisers-block"), rules.maxAdvisers > 0);
    show(document.getElementById("no-advisers"), rules.maxAdvisers === 0);
    applyTeam();

    var studentLimit = document.getElementById("student-limit");
    if (studentLimit) {
      studentLimit.textContent = isTeam
        ? form.dataset.teamText.replace("%n", rules.maxStudents)
        : form.dataset.soloText;
    }
    var adviserLimit = document.getElementById("adviser-limit");
    if (adviserLimit) { adviserLimit.textContent = form.dataset.adviserText.replace("%n", rules.maxAdvisers); }
    var description = document.getElementById("section-description");
    if (description) { description.textContent = rules.description; }
    refreshButtons("students");
    refreshButtons("advisers");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("entry-form");
    if (form) {
      var sections = JSON.parse(form.dataset.sections || "{}");
      applySection(form, sections);
      ["section", "stage"].forEach(function (id) {
        var el = form.querySelector("#" + id);
        if (el) { el.addEventListener("change", function () { applySection(form, sections); }); }
      });
      form.querySelectorAll("input[name='is_team']").forEach(function (el) {
        el.addEventListener("change", function () { applySection(form, sections); });
      });
      form.addEventListener("click", function (ev) {
        var add = ev.target.closest("[data-add-row]");
        if (add) { addRow(add.dataset.addRow); return; }
        var remove = ev.target.closest("[data-remove-row]");
        if (remove) {
          var row = remove.closest("tr");
          var name = row.closest("table").dataset.rows;
          row.remove();
          refreshButtons(name);
          form.dispatchEvent(new Event("input"));
        }
      });
    }
    // Count the characters of long texts as the teacher types or pastes; the server refuses
    // a text over the limit and keeps it, so nothing pasted is cut off silently.
    document.querySelectorAll("textarea[data-count-max]").forEach(function (area) {
      var max = parseInt(area.dataset.countMax, 10);
      var counter = document.createElement("div");
      counter.className = "form-hint text-end char-count";
      counter.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", counter);
      function update() {
        var n = Array.from(area.value.replace(/\r\n/g, "\n")).length;
        var over = n > max;
        counter.textContent = over
          ? form.dataset.overText.replace("%n", n - max)
          : form.dataset.countText.replace("%n", n).replace("%max", max);
        counter.classList.toggle("text-danger", over);
        area.classList.toggle("is-invalid", over);
      }
      area.addEventListener("input", update);
      update();
    });
    // Warn before uploading a file the server will refuse for its size.
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      input.addEventListener("change", function () {
        var max = parseInt(input.dataset.maxBytes, 10);
        var big = Array.prototype.some.call(input.files || [], function (f) { return f.size > max; });
        input.setCustomValidity(big ? input.dataset.tooLarge : "");
        input.classList.toggle("is-invalid", big);
        if (big) { input.reportValidity(); }
      });
    });
  });
})();
