// The organizer's judging progress page: each judge's score distribution side by side
// (Chart.js floating bars: lowest-highest, the middle half, the median and the mean).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var canvas = document.getElementById("judge-chart");
    if (!canvas || typeof window.Chart === "undefined") { return; }
    var d = canvas.dataset;
    fetch(d.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) { return res.json(); })
      .then(function (data) {
        var rows = data.judges || [];
        if (!rows.length) { return; }
        var labels = rows.map(function (r) { return r.name + " (" + r.n + ")"; });
        var lowest = Math.min.apply(null, rows.map(function (r) { return r.min; }));
        var floor = Math.max(0, Math.floor((lowest - 5) / 10) * 10);
        new window.Chart(canvas, {
          type: "bar",
          data: {
            labels: labels,
            datasets: [
              { label: d.labelRange, data: rows.map(function (r) { return [r.min, r.max]; }),
                backgroundColor: "rgba(13, 110, 253, 0.18)", barPercentage: 0.25, grouped: false, order: 3 },
              { label: d.labelIqr, data: rows.map(function (r) { return [r.q1, r.q3]; }),
                backgroundColor: "rgba(13, 110, 253, 0.65)", barPercentage: 0.6, grouped: false, order: 2 },
              { type: "line", label: d.labelMedian, data: rows.map(function (r) { return r.median; }),
                showLine: false, pointRadius: 5, pointStyle: "rectRot", backgroundColor: "#fff",
                borderColor: "#052c65", borderWidth: 2, order: 1 },
              { type: "line", label: d.labelMean, data: rows.map(function (r) { return r.mean; }),
                showLine: false, pointRadius: 4, pointStyle: "circle", backgroundColor: "#dc3545",
                borderColor: "#dc3545", order: 0 }
            ]
          },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            scales: { y: { beginAtZero: false, min: floor, max: 100 } },
            plugins: {
              legend: { position: "bottom" },
              tooltip: {
                callbacks: {
                  label: function (ctx) {
                    var v = ctx.raw;
                    return ctx.dataset.label + ": " + (Array.isArray(v) ? v[0] + " – " + v[1] : v);
                  }
                }
              }
            }
          }
        });
      });
  });
}());
