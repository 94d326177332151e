// Long jobs: poll each running row's JSON status (<tr data-job-url data-job-state>) and show its
// progress, then the download link or the error. A network blip is retried, never shown as failure.
(function () {
  "use strict";
  var script = document.getElementById("jobs-js");
  var labels = {
    download: (script && script.dataset.downloadLabel) || "Download",
    failed: (script && script.dataset.failedLabel) || "Failed"
  };
  function update(row) {
    fetch(row.dataset.jobUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        var bar = row.querySelector("progress");
        var count = row.querySelector("[data-job-count]");
        var result = row.querySelector("[data-job-result]");
        bar.max = job.total || 1;
        bar.value = job.progress;
        count.textContent = job.progress + " / " + job.total;
        row.dataset.jobState = job.state;
        if (job.state === "done" && job.download_url) {
          var a = document.createElement("a");
          a.className = "btn btn-sm btn-success";
          a.href = job.download_url;
          a.textContent = labels.download;
          result.replaceChildren(a);
        } else if (job.state === "failed") {
          var s = document.createElement("span");
          s.className = "text-danger";
          s.textContent = labels.failed + ": " + (job.error || "");
          result.replaceChildren(s);
        } else {
          window.setTimeout(function () { update(row); }, 1500);
        }
      })
      .catch(function () { window.setTimeout(function () { update(row); }, 5000); });
  }
  document.querySelectorAll("tr[data-job-url]").forEach(function (row) {
    if (row.dataset.jobState === "queued" || row.dataset.jobState === "running") { update(row); }
  });
})();
