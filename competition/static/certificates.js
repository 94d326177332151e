// Certificate batches: the section and school lists apply only to their choice of scope.
(function () {
  "use strict";
  // The section and school lists matter only for the matching choice.
  var scope = document.getElementById("scope");
  function sync() {
    if (!scope) { return; }
    var section = document.getElementById("section_id");
    var school = document.getElementById("school_id");
    if (section) { section.disabled = scope.value !== "section"; }
    if (school) { school.disabled = scope.value !== "school"; }
  }
  if (scope) { scope.addEventListener("change", sync); sync(); }
})();
