// patnav dashboard: draws the charts whose ECharts options the API computed.
(function () {
  "use strict";

  function draw(container, charts) {
    var drawn = [];
    charts.forEach(function (chart) {
      if (!chart.option) { return; }
      var el = container.querySelector('[data-chart="' + chart.id + '"]');
      if (!el) { return; }
      var instance = echarts.init(el, null, { renderer: "canvas" });
      instance.setOption(chart.option);
      drawn.push(instance);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (c) { c.resize(); });
    });
    container.setAttribute("data-drawn", String(drawn.length));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("charts");
    if (!container || typeof echarts === "undefined") { return; }
    fetch(container.getAttribute("data-source"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { draw(container, data.charts || []); })
      .catch(function (error) {
        container.setAttribute("data-drawn", "error");
        var note = document.createElement("p");
        note.className = "chart-error";
        note.textContent = String(error);
        container.prepend(note);
      });
  });
})();
