// Format review: "select all" for the bulk accept checkboxes; common return reasons.
document.addEventListener("DOMContentLoaded", function () {
  // A common reason is added as a line of the return form's reason, to be edited there.
  document.querySelectorAll(".reason-pick").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = button.closest("form").querySelector("textarea[name=reason]");
      if (!area) { return; }
      var text = button.dataset.text;
      if (area.value.indexOf(text) < 0) {
        area.value = area.value.replace(/\s+$/, "") + (area.value.trim() ? "\n" : "") + text;
      }
      area.focus();
      area.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
  var all = document.getElementById("check-all");
  if (!all) { return; }
  var boxes = document.querySelectorAll(".entry-check");
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
});
