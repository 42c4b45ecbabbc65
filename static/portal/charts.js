// Draws every <canvas data-chart="ID" data-type="bar|line|doughnut"> with Chart.js from the
// JSON in <script id="ID" type="application/json"> ({labels, datasets}); the table next to
// each chart stays the accessible fallback.
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    new Chart(canvas, {
      type: canvas.dataset.type || "bar",
      data: data,
      options: {animation: false, responsive: true,
                plugins: {legend: {display: data.datasets.length > 1}}}
    });
    canvas.dataset.rendered = "1";
  });
})();
