// Accounts area: show the contest choice only for entry imports; copy a reset link.
(function () {
  "use strict";
  var radios = document.querySelectorAll("[data-import-kind]");
  var contest = document.getElementById("contest-field");
  function sync() {
    var kind = (document.querySelector("[data-import-kind]:checked") || {}).value;
    if (contest) { contest.classList.toggle("d-none", kind !== "entries"); }
    document.querySelectorAll("[data-columns-for]").forEach(function (el) {
      el.classList.toggle("d-none", el.getAttribute("data-columns-for") !== kind);
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", sync); });
  if (radios.length) { sync(); }
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var input = document.querySelector(btn.getAttribute("data-copy"));
      if (!input) { return; }
      input.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(input.value); } else { document.execCommand("copy"); }
      btn.textContent = btn.getAttribute("data-copied") || "✓";
    });
  });
}());
