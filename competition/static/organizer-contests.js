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
