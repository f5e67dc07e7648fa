// edgecert console: the distribution page's traffic charts, drawn by uPlot (its webjar) from
// /distributions/{id}/traffic.json. Without script the totals above the charts still show.
(function () {
  "use strict";

  var COLORS = { requests: "#0b5cad", bytes: "#1a7f37", hitRatio: "#8250df" };
  var TITLES = { requests: "Requests", bytes: "Bytes sent", hitRatio: "Hit ratio (%)" };

  function bytes(n) {
    if (n == null) { return "–"; }
    var units = ["B", "kB", "MB", "GB", "TB"];
    var u = 0;
    while (n >= 1000 && u < units.length - 1) { n /= 1000; u += 1; }
    return (u === 0 || n >= 10 ? Math.round(n) : n.toFixed(1)) + " " + units[u];
  }

  function axisValues(metric) {
    return function (u, splits) {
      return splits.map(function (v) {
        if (metric === "bytes") { return bytes(v); }
        if (metric === "hitRatio") { return v + " %"; }
        return String(v);
      });
    };
  }

  function options(metric, width) {
    var series = {
      label: TITLES[metric],
      stroke: COLORS[metric],
      width: 2,
      value: function (u, v) {
        if (v == null) { return "–"; }
        return metric === "bytes" ? bytes(v) : metric === "hitRatio" ? v.toFixed(1) + " %" : String(v);
      }
    };
    if (metric === "hitRatio") {
      series.spanGaps = false;
      series.points = { show: true, size: 7, fill: COLORS[metric] };
    } else {
      // filled bars, no outline and no points: an empty bucket draws nothing
      series.fill = COLORS[metric];
      series.width = 0;
      series.points = { show: false };
      series.paths = uPlot.paths.bars({ size: [0.8, 40] });
    }
    return {
      title: TITLES[metric],
      width: width,
      height: 180,
      scales: { x: { time: true }, y: metric === "hitRatio" ? { range: [0, 100] } : { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      series: [{}, series],
      axes: [{}, { values: axisValues(metric), size: 60 }],
      legend: { show: true }
    };
  }

  function init(section) {
    if (section.dataset.boundCharts || !window.uPlot) { return; }
    section.dataset.boundCharts = "1";
    var charts = [];
    var status = section.querySelector("[data-chart-status]");
    var buttons = section.querySelectorAll("button[data-window]");

    function draw(span) {
      status.textContent = "Loading…";
      fetch(section.dataset.traffic + "?window=" + encodeURIComponent(span), { credentials: "same-origin",
        headers: { "Accept": "application/json" } })
        .then(function (res) {
          if (!res.ok) { throw new Error("the traffic data did not load (HTTP " + res.status + ")"); }
          return res.json();
        })
        .then(function (data) {
          charts.forEach(function (c) { c.destroy(); });
          charts = [];
          section.querySelectorAll(".chart[data-metric]").forEach(function (el) {
            var metric = el.dataset.metric;
            var width = Math.max(280, Math.min(el.clientWidth || 600, 960));
            charts.push(new uPlot(options(metric, width), [data.t, data[metric]], el));
          });
          buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.window === span)); });
          section.dataset.rendered = span;
          section.dataset.requests = String(data.totals.requests);
          status.textContent = data.totals.requests + " requests in the " + (span === "day" ? "last day" : "last hour")
            + (data.totals.hitRatio == null ? "" : ", " + (data.totals.hitRatio * 100).toFixed(1) + " % from the cache");
        })
        .catch(function (e) { status.textContent = e.message; section.dataset.rendered = "error"; });
    }

    buttons.forEach(function (b) {
      b.addEventListener("click", function () { draw(b.dataset.window); });
    });
    draw("hour");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("section[data-traffic]").forEach(init);
  });
})();
