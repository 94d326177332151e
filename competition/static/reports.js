// Reports and exports: Chart.js charts from data- attributes, and progress of export jobs.
// No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  var PALETTE = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#198754", "#0dcaf0", "#6c757d",
                 "#ffc107", "#d63384"];

  // <canvas data-chart='{"type":"bar","labels":[...],"datasets":[{"label":"...","data":[...]}]}'>
  function drawCharts() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec;
      try { spec = JSON.parse(canvas.dataset.chart); } catch (e) { return; }
      var horizontal = spec.horizontal === true;
      var pie = spec.type === "doughnut" || spec.type === "pie";
      var datasets = (spec.datasets || []).map(function (ds, i) {
        return {
          label: ds.label, data: ds.data, borderWidth: 1,
          backgroundColor: pie ? PALETTE.slice(0, ds.data.length) : (ds.color || PALETTE[i % PALETTE.length])
        };
      });
      new window.Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels || [], datasets: datasets },
        options: {
          indexAxis: horizontal ? "y" : "x",
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { display: pie || datasets.length > 1, position: "bottom" } },
          scales: pie ? {} : {
            x: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } },
            y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } }
          }
        }
      });
    });
  }

  // <tr data-job-url="..." data-job-state="queued|running|done|failed"> with a <progress>.
  function watchJobs() {
    var script = document.getElementById("reports-js");
    var labels = {
      download: script ? script.dataset.downloadLabel : "Download",
      failed: script ? script.dataset.failedLabel : "Failed"
    };
    document.querySelectorAll("[data-job-url]").forEach(function (row) {
      if (row.dataset.jobState === "done" || row.dataset.jobState === "failed") { return; }
      var timer = window.setInterval(function () {
        fetch(row.dataset.jobUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (job) {
            var bar = row.querySelector("progress");
            var count = row.querySelector("[data-job-count]");
            var result = row.querySelector("[data-job-result]");
            if (bar) { bar.max = job.total || 1; bar.value = job.progress; }
            if (count) { count.textContent = job.progress + " / " + job.total; }
            row.dataset.jobState = job.state;
            if (job.state === "done") {
              window.clearInterval(timer);
              result.textContent = "";
              var a = document.createElement("a");
              a.className = "btn btn-sm btn-success";
              a.href = job.download_url;
              a.textContent = labels.download;
              result.appendChild(a);
            } else if (job.state === "failed") {
              window.clearInterval(timer);
              result.textContent = labels.failed + ": " + (job.error || "");
              result.className = "text-danger";
            }
          })
          .catch(function () { /* keep polling; a network blip is not a failure */ });
      }, 1500);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    watchJobs();
  });
})();
