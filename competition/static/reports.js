// Reports: Chart.js charts from data- attributes.
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

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
  });
})();
