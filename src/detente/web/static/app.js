// detente workspace: draws charts from JSON blocks, shows slider values, streams simulations.
// No inline scripts (the Content-Security-Policy forbids them); everything is vendored.
(function () {
  "use strict";
  function drawCharts(root) {
    root.querySelectorAll("div.vega[data-spec]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-spec"));
      if (!src || el.dataset.drawn === src.textContent.length + "") return;
      el.dataset.drawn = src.textContent.length + "";
      el.removeAttribute("data-ready");
      window.vegaEmbed(el, JSON.parse(src.textContent), {
        renderer: "svg",  // Vega's SVG carries ARIA roles and descriptions of the marks
        actions: { export: true, source: false, compiled: false, editor: false }
      }).then(function () {
        // vega-embed's action menu opens on an icon: give it a name screen readers can say
        el.querySelectorAll("details > summary").forEach(function (s) {
          s.setAttribute("aria-label", "Save this chart as an image (SVG or PNG)");
        });
        el.setAttribute("data-ready", "1");
      });
    });
  }
  function showValues(root) {
    root.querySelectorAll("input[type=range][data-show]").forEach(function (input) {
      input.addEventListener("input", function () {
        var out = document.getElementById(input.getAttribute("data-show"));
        if (out) out.textContent = input.value;
      });
    });
  }
  function simulation() {
    var box = document.getElementById("sim");
    if (!box) return;
    var button = document.getElementById("sim-start");
    var bar = document.getElementById("sim-progress");
    var status = document.getElementById("sim-status");
    var result = document.getElementById("sim-result");
    var stop = document.getElementById("sim-cancel");
    var job = null;
    stop.addEventListener("click", function () {
      if (!job) return;
      stop.disabled = true;
      status.textContent = "Stopping after the current block…";
      fetch("/simulate/" + job + "/cancel", { method: "POST" });
    });
    function finish() {
      button.disabled = false; stop.disabled = true; job = null;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "Running…";
      result.textContent = "";
      var source = new EventSource(box.getAttribute("data-stream"));
      source.addEventListener("job", function (ev) { job = ev.data; stop.disabled = false; });
      source.addEventListener("progress", function (ev) {
        var p = JSON.parse(ev.data);
        bar.max = p.total; bar.value = p.done;
        status.textContent = p.done + " of " + p.total + " runs done";
      });
      source.addEventListener("result", function (ev) {
        source.close();
        // Server-rendered by the template engine (every value escaped).
        result.innerHTML = ev.data;
        status.textContent = "Done.";
        finish();
      });
      source.addEventListener("failed", function (ev) {
        source.close();
        status.textContent = ev.data === "cancelled"
          ? "Stopped before any block finished." : "The simulation failed: " + ev.data;
        finish();
      });
      source.onerror = function () {
        source.close();
        if (status.textContent !== "Done.") status.textContent = "The connection was lost.";
        finish();
      };
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document); showValues(document); simulation();
    document.body.addEventListener("htmx:afterSwap", function (ev) {
      drawCharts(ev.target); showValues(ev.target);
    });
  });
})();
