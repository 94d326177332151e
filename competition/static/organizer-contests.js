// Live check of a contest definition while it is typed: <form data-definition-check="URL">.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-definition-check]");
  if (!form) { return; }
  var text = form.querySelector("textarea");
  var box = document.getElementById("definition-problems");
  var ok = document.getElementById("definition-ok");
  var list = box.querySelector("ul");
  var timer = null;
  function check() {
    var body = new FormData();
    body.append("text", text.value);
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { body.append("csrf_token", token.value); }
    fetch(form.dataset.definitionCheck, {method: "POST", body: body, headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.textContent = "";
        (data.problems || []).forEach(function (p) {
          var li = document.createElement("li"); li.textContent = p; list.appendChild(li);
        });
        var has = (data.problems || []).length > 0;
        box.classList.toggle("d-none", !has);
        ok.classList.toggle("d-none", has || !text.value.trim());
      })
      .catch(function () { /* the server check on save still runs */ });
  }
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
});

// New contest: the kind follows the shipped definition chosen as the starting point, until the
// organizer picks a kind by hand. <select data-kind-follows="kind"> with option values = kinds.
document.addEventListener("DOMContentLoaded", function () {
  var template = document.querySelector("select[data-kind-follows]");
  if (!template) { return; }
  var kind = document.getElementById(template.dataset.kindFollows);
  if (!kind) { return; }
  var touched = false;
  kind.addEventListener("change", function () { touched = true; });
  template.addEventListener("change", function () {
    if (touched) { return; }
    var wanted = template.value;
    if (Array.prototype.some.call(kind.options, function (o) { return o.value === wanted; })) { kind.value = wanted; }
  });
});
