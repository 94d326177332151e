// Behaviour shared by all pages. No inline scripts: the Content-Security-Policy forbids them.
document.addEventListener("DOMContentLoaded", function () {
  // Ask before destructive actions: <form data-confirm="...">
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) { ev.preventDefault(); }
    });
  });
  // Warn before leaving a form with unsaved edits: <form data-warn-unsaved>
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (ev) {
      if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
    });
  });
  // A form's error summary takes the focus when the page loads, so a screen reader reads it and
  // the keyboard starts there; each of its links moves the focus to the field it names (a link
  // to a part of the form, to the part's first field): <div data-error-summary tabindex="-1">
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (ev) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) { return; }
        if (!target.matches("input, select, textarea, button")) {
          target = target.querySelector("input:not([type=hidden]), select, textarea") || target;
        }
        ev.preventDefault();
        target.scrollIntoView({ block: "center" });
        target.focus({ preventScroll: true });
      });
    });
  }
  // Auto-submit selects used as filters: <select data-autosubmit>
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
});
