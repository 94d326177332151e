// Rubric editor: the full marks and what each criterion counts for on 100 points, while typing.
(function () {
  "use strict";
  var form = document.getElementById("rubric-form");
  if (!form) { return; }
  function num(input) {
    var v = parseFloat(String(input.value || "").replace("，", ".").trim());
    return isFinite(v) ? v : NaN;
  }
  function fmt(v) { return (Math.round(v * 100) / 100).toString(); }
  function update() {
    var rows = form.querySelectorAll("[data-row]");
    var total = 0, ok = true, parts = [];
    rows.forEach(function (row) {
      var remove = row.querySelector("[data-remove]");
      var removed = remove && remove.checked;
      row.classList.toggle("list-group-item-danger", !!removed);
      var max = num(row.querySelector("[data-max]"));
      var weightInput = row.querySelector("[data-weight]");
      var weight = String(weightInput.value || "").trim() === "" ? 1 : num(weightInput);
      var name = row.querySelector("input[name$='-name']").value.trim();
      var blank = !name && String(row.querySelector("[data-max]").value).trim() === "";
      if (removed || blank) { parts.push(null); return; }
      if (!(max > 0 && max <= 1000 && weight > 0 && weight <= 100)) { ok = false; parts.push(null); return; }
      total += max * weight;
      parts.push(max * weight);
    });
    var out = document.getElementById("scale-total");
    out.textContent = ok && total > 0 ? fmt(total) : "—";
    rows.forEach(function (row, i) {
      var cell = row.querySelector("[data-share]");
      if (!cell) { return; }
      cell.textContent = ok && total > 0 && parts[i] !== null ?
        fmt(100 * parts[i] / total) + " " + (form.dataset.points || "") : "—";
    });
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
