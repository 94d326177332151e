// Format review queue: "select all" for the bulk accept checkboxes.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("check-all");
  if (!all) { return; }
  var boxes = document.querySelectorAll(".entry-check");
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
});
