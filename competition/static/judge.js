// The judge's pages: keyboard shortcuts on the list; on the scoring page live bounds checks,
// the live weighted total, autosave with retries (never dropping a change) and version conflicts.
(function () {
  "use strict";

  function isTyping(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
                  el.isContentEditable);
  }

  // ------------------------------------------------------------------ the list
  function listPage() {
    var next = document.getElementById("next-unscored");
    var search = document.getElementById("search");
    document.addEventListener("keydown", function (ev) {
      if (isTyping(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if ((ev.key === "n" || ev.key === "N") && next) {
        ev.preventDefault();
        window.location.href = next.href;
      } else if (ev.key === "/" && search) {
        ev.preventDefault();
        search.focus();
        search.select();
      }
    });
  }

  // ------------------------------------------------------------------ materials viewer
  function materials() {
    var viewer = document.getElementById("viewer");
    var download = document.getElementById("viewer-download");
    var tabs = document.querySelectorAll(".material-tab");
    if (!viewer) { return; }
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () {
        tabs.forEach(function (t) { t.classList.replace("btn-primary", "btn-outline-primary"); });
        tab.classList.replace("btn-outline-primary", "btn-primary");
        var kind = tab.dataset.kind, el;
        if (kind === "pdf") {
          el = document.createElement("iframe");
          el.className = "viewer-frame";
          el.title = tab.textContent.trim();
        } else if (kind === "jpg" || kind === "png") {
          el = document.createElement("img");
          el.className = "viewer-img";
          el.alt = tab.textContent.trim();
        } else if (kind === "mp4") {
          el = document.createElement("video");
          el.className = "viewer-video";
          el.controls = true;
          el.preload = "metadata";
        } else {
          el = document.createElement("p");
          el.className = "p-4 mb-0";
          var link = document.createElement("a");
          link.href = tab.dataset.download;
          link.textContent = tab.textContent.trim();
          el.appendChild(link);
        }
        if (kind === "pdf" || kind === "jpg" || kind === "png" || kind === "mp4") { el.src = tab.dataset.src; }
        viewer.replaceChildren(el);
        if (download) { download.href = tab.dataset.download; }
      });
    });
  }

  // ------------------------------------------------------------------ the score sheet
  function scorePage(form) {
    var d = form.dataset;
    var locked = d.locked === "true";
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input.score"));
    var comment = document.getElementById("comment");
    var statusEl = document.getElementById("save-status");
    var stateEl = document.getElementById("sheet-state");
    var totalEl = document.getElementById("total");
    var versionEl = document.getElementById("sheet-version");
    var errorBanner = document.getElementById("error-banner");
    var conflictBanner = document.getElementById("conflict-banner");
    var tokenMeta = document.querySelector("meta[name=csrf-token]");
    var version = parseInt(d.version, 10) || 0;
    var storageKey = d.storageKey;
    var fields = inputs.concat(comment ? [comment] : []);

    var dirty = false;        // changes the server has not acknowledged yet
    var inflight = false;     // a request is on its way
    var again = false;        // more changes came while a request was on its way
    var newer = null;         // the server's newer sheet while a version conflict is shown
    var timer = null;
    var retryDelay = 1000;
    var afterSave = null;     // what to do once everything is saved (navigate away)

    function values() {
      var scores = {};
      inputs.forEach(function (i) { scores[i.dataset.key] = i.value.trim(); });
      return { scores: scores, comment: comment ? comment.value : "" };
    }

    function problemOf(input) {
      var raw = input.value.trim();
      if (raw === "") { return ""; }
      if (!/^-?\d+(\.\d+)?$/.test(raw)) { return d.msgNan; }
      var n = parseFloat(raw), max = parseFloat(input.dataset.max);
      if (n < 0) { return d.msgNegative; }
      if (n > max) { return d.msgTooHigh.replace("{max}", input.dataset.max.replace(/\.0+$/, "")); }
      if (Math.abs(Math.round(n * 100) - n * 100) > 1e-6) { return d.msgDecimals; }
      return "";
    }

    function showProblem(input, text) {
      var err = document.getElementById("err-" + input.dataset.key);
      input.classList.toggle("is-invalid", !!text);
      input.setAttribute("aria-invalid", text ? "true" : "false");
      if (err) { err.textContent = text || ""; }
    }

    function checkAll() {
      var ok = true;
      inputs.forEach(function (i) {
        var p = problemOf(i);
        showProblem(i, p);
        if (p) { ok = false; }
      });
      return ok;
    }

    function complete() {
      return inputs.every(function (i) { return i.value.trim() !== ""; });
    }

    function fmt(n) {
      return (Math.round(n * 100) / 100).toString();
    }

    function updateTotal() {
      var got = 0, full = 0, any = false;
      inputs.forEach(function (i) {
        var w = parseFloat(i.dataset.weight) || 1, max = parseFloat(i.dataset.max);
        full += w * max;
        if (i.value.trim() !== "" && !problemOf(i)) {
          got += w * parseFloat(i.value.trim());
          any = true;
        }
      });
      totalEl.textContent = any && full > 0 ? fmt(100 * got / full) : "—";
      totalEl.classList.toggle("text-muted", !complete());
    }

    function setStatus(kind, text) {
      statusEl.textContent = text;
      statusEl.className = "ms-auto save-status save-" + kind;
    }

    function remember() {
      try {
        window.localStorage.setItem(storageKey, JSON.stringify({ version: version, sheet: values(), at: Date.now() }));
      } catch (e) { /* storage full or disabled: the page still holds the values */ }
    }

    function forget() {
      try { window.localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
    }

    function fill(sheet) {
      inputs.forEach(function (i) { i.value = (sheet.scores && sheet.scores[i.dataset.key]) || ""; });
      if (comment) { comment.value = sheet.comment || ""; }
      checkAll();
      updateTotal();
    }

    function post(url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": tokenMeta ? tokenMeta.content : "" },
        body: JSON.stringify(body)
      }).then(function (res) {
        var type = res.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          // a login page instead of an answer: the session has ended
          return { status: 401, body: {} };
        }
        return res.json().then(function (json) { return { status: res.status, body: json }; });
      });
    }

    // The session's current CSRF token, into the page (meta tag and every form on it).
    // null: the session has ended (a login page came back instead); rejects on any other failure.
    function refreshToken(url) {
      return fetch(url, {
        credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
      }).then(function (res) {
        var type = res.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { return null; }
        return res.json().then(function (json) {
          if (!res.ok || !json.csrf_token) { throw new Error("no CSRF token: " + res.status); }
          if (tokenMeta) { tokenMeta.content = json.csrf_token; }
          document.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = json.csrf_token; });
          return json.csrf_token;
        });
      });
    }

    // A CSRF refusal means this page's token no longer matches the session (the judge logged in
    // again in another tab, or two tabs opened at once): take the session's token and send once more.
    // A network failure on the way rejects, so the caller retries later as for any failed save.
    function send(url, body) {
      return post(url, body).then(function (res) {
        if (res.status !== 400 || !res.body || res.body.code !== "csrf" || !res.body.refresh) { return res; }
        return refreshToken(res.body.refresh).then(function (token) {
          return token ? post(url, body) : { status: 401, body: {} };
        });
      });
    }

    function schedule(ms) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, ms);
    }

    function retry(message) {
      var secs = Math.round(retryDelay / 1000);
      setStatus("error", message || d.msgRetry.replace("{s}", secs));
      schedule(retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }

    function showFieldProblems(problems) {
      inputs.forEach(function (i) { showProblem(i, problems[i.dataset.key] || problemOf(i)); });
    }

    function showError(text) {
      errorBanner.textContent = text;
      errorBanner.classList.toggle("d-none", !text);
    }

    function showConflict(body) {
      newer = body.current || { version: 0, scores: {}, comment: "" };
      document.getElementById("conflict-text").textContent = body.error;
      var list = document.getElementById("conflict-values");
      list.replaceChildren();
      inputs.forEach(function (i) {
        var li = document.createElement("li");
        li.textContent = i.dataset.name + "：" + ((newer.scores || {})[i.dataset.key] || "—");
        list.appendChild(li);
      });
      if (newer.comment) {
        var li = document.createElement("li");
        li.textContent = newer.comment;
        list.appendChild(li);
      }
      conflictBanner.classList.remove("d-none");
      setStatus("error", d.msgUnsaved);
      if (newer.state === "final") {
        document.getElementById("keep-mine").classList.add("d-none");
      }
    }

    function saved(body) {
      version = body.version;
      versionEl.value = version;
      retryDelay = 1000;
      showError("");
      if (stateEl && body.state === "draft") {
        stateEl.textContent = d.msgDraft;
        stateEl.className = "badge text-bg-warning";
      }
    }

    function save() {
      window.clearTimeout(timer);
      if (locked || newer) { return; }
      if (inflight) { again = true; return; }
      if (!dirty) { if (afterSave) { afterSave(); } return; }
      if (!checkAll()) { setStatus("error", d.msgInvalid); return; }
      var sheet = values();
      var sent = JSON.stringify(sheet);
      inflight = true;
      setStatus("saving", d.msgSaving);
      send(d.saveUrl, { version: version, scores: sheet.scores, comment: sheet.comment }).then(function (res) {
        inflight = false;
        if (res.status === 200) {
          saved(res.body);
          if (JSON.stringify(values()) === sent && !again) {
            dirty = false;
            forget();
            setStatus("saved", res.body.saved_at ? d.msgSavedAt.replace("{t}", res.body.saved_at) : d.msgSaved);
            if (afterSave) { afterSave(); }
          } else {
            again = false;
            remember();
            schedule(200);
          }
        } else if (res.status === 409 && res.body.closed) {
          again = false;
          closeSheet(res.body.error);
        } else if (res.status === 409) {
          again = false;
          showConflict(res.body);
        } else if (res.status === 422) {
          again = false;
          showFieldProblems(res.body.problems || {});
          setStatus("error", res.body.error || d.msgInvalid);
        } else if (res.status === 401) {
          retry(d.msgLogin);
        } else if (res.status === 400 || res.status === 403 || res.status === 404) {
          showError(res.body.error || d.msgUnsaved);
          setStatus("error", d.msgUnsaved);
        } else {
          retry();
        }
      }, function () {
        inflight = false;
        retry();
      });
    }

    // The contest or round no longer takes scores (results locked or final, round closed):
    // stop saving, make the sheet read-only and say why. What was typed stays visible.
    function closeSheet(message) {
      locked = true;
      dirty = false;
      window.clearTimeout(timer);
      forget();
      fields.forEach(function (f) { f.disabled = true; });
      var submitButton = document.getElementById("submit-sheet");
      if (submitButton) { submitButton.remove(); }
      if (stateEl) {
        stateEl.textContent = d.msgClosed;
        stateEl.className = "badge text-bg-secondary";
      }
      showError(message || d.msgClosed);
      setStatus("error", d.msgNotSavedClosed);
    }

    function changed() {
      if (locked) { return; }
      dirty = true;
      afterSave = null;
      updateTotal();
      remember();
      setStatus("unsaved", d.msgUnsaved);
      schedule(800);
    }

    function submitSheet() {
      if (locked) { return; }
      if (!checkAll()) { setStatus("error", d.msgInvalid); return; }
      if (!complete()) {
        showError(d.msgIncomplete);
        var first = inputs.find(function (i) { return i.value.trim() === ""; });
        if (first) { first.focus(); }
        return;
      }
      if (!window.confirm(d.confirmSubmit)) { return; }
      if (inflight) { afterSave = submitSheet; return; }
      window.clearTimeout(timer);
      var sheet = values();
      inflight = true;
      setStatus("saving", d.msgSaving);
      send(d.submitUrl, { version: version, scores: sheet.scores, comment: sheet.comment }).then(function (res) {
        inflight = false;
        if (res.status === 200) {
          dirty = false;
          forget();
          window.location.href = res.body.redirect;
        } else if (res.status === 409 && res.body.closed) {
          closeSheet(res.body.error);
        } else if (res.status === 409) {
          showConflict(res.body);
        } else if (res.status === 422) {
          showFieldProblems(res.body.problems || {});
          showError(res.body.error);
          setStatus("error", d.msgUnsaved);
        } else if (res.status === 401) {
          setStatus("error", d.msgLogin);
        } else {
          showError(res.body.error || d.msgUnsaved);
          setStatus("error", d.msgUnsaved);
        }
      }, function () {
        inflight = false;
        retry();
      });
    }

    function leave(url) {
      if (!dirty && !inflight) { window.location.href = url; return; }
      afterSave = function () { afterSave = null; window.location.href = url; };
      save();
    }

    // --- wiring
    // Full-width digits typed with a Chinese input method become ordinary ones.
    function normalise(input) {
      var v = input.value.replace(/[\uFF10-\uFF19]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48);
      }).replace(/[\uFF0E\u3002]/g, ".");
      if (v !== input.value) { input.value = v; }
    }
    fields.forEach(function (f) {
      f.addEventListener("input", function () {
        if (f.classList.contains("score")) { normalise(f); showProblem(f, problemOf(f)); }
        showError("");
        changed();
      });
      f.addEventListener("keydown", function (ev) {
        var pos = fields.indexOf(f);
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
          ev.preventDefault();
          submitSheet();
        } else if (ev.key === "Enter" && f !== comment) {
          ev.preventDefault();
          var to = ev.shiftKey ? fields[Math.max(pos - 1, 0)] : fields[Math.min(pos + 1, fields.length - 1)];
          to.focus();
          if (to.select) { to.select(); }
        }
      });
    });
    document.addEventListener("keydown", function (ev) {
      if ((ev.ctrlKey || ev.metaKey) && (ev.key === "s" || ev.key === "S")) {
        ev.preventDefault();
        save();
      } else if (ev.altKey && (ev.key === "n" || ev.key === "N")) {
        ev.preventDefault();
        leave(d.nextUrl);
      } else if (ev.altKey && (ev.key === "l" || ev.key === "L")) {
        ev.preventDefault();
        leave(d.listUrl);
      } else if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter" && !isTyping(ev.target)) {
        ev.preventDefault();
        submitSheet();
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      submitSheet();
    });
    var nextLink = document.getElementById("next-link");
    if (nextLink) {
      nextLink.addEventListener("click", function (ev) {
        if (dirty || inflight) { ev.preventDefault(); leave(nextLink.href); }
      });
    }
    document.getElementById("use-newer").addEventListener("click", function () {
      if (!newer) { return; }
      if (newer.state === "final") { forget(); dirty = false; window.location.reload(); return; }
      fill(newer);
      version = newer.version;
      versionEl.value = version;
      newer = null;
      dirty = false;
      forget();
      conflictBanner.classList.add("d-none");
      setStatus("saved", d.msgSaved);
    });
    document.getElementById("keep-mine").addEventListener("click", function () {
      if (!newer) { return; }
      version = newer.version;
      versionEl.value = version;
      newer = null;
      conflictBanner.classList.add("d-none");
      dirty = true;
      save();
    });
    window.addEventListener("beforeunload", function (ev) {
      if (dirty || inflight) {
        remember();
        ev.preventDefault();
        ev.returnValue = "";
      }
    });
    window.addEventListener("online", function () { if (dirty) { retryDelay = 1000; save(); } });

    // Unsaved values left in this browser (closed tab, crash, lost network) come back and are saved;
    // if the sheet changed elsewhere meanwhile, the server answers 409 and the judge chooses.
    if (!locked) {
      var stored = null;
      try { stored = JSON.parse(window.localStorage.getItem(storageKey) || "null"); } catch (e) { stored = null; }
      if (stored && stored.sheet && JSON.stringify(stored.sheet) !== JSON.stringify(values())) {
        fill(stored.sheet);
        version = stored.version;
        dirty = true;
        showError("");
        setStatus("unsaved", d.msgRestored);
        schedule(300);
      } else if (stored) {
        forget();
      }
    } else {
      forget();
    }
    checkAll();
    updateTotal();
    if (!locked && inputs.length) {
      var firstEmpty = inputs.find(function (i) { return i.value.trim() === ""; });
      (firstEmpty || inputs[0]).focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("sheet-form");
    materials();
    if (form) { scorePage(form); } else { listPage(); }
  });
}());
