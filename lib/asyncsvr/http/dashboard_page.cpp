#include "asyncsvr/http/dashboard_page.hpp"

namespace asyncsvr::http {

namespace {

constexpr std::string_view page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>asyncsvr status</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5em; background: #fafafa; color: #222; }
  h1 { font-size: 1.3em; margin: 0 0 .5em; }
  .figures { display: flex; gap: 2em; margin-bottom: 1em; }
  .figure b { display: block; font-size: 1.8em; }
  canvas { background: #fff; border: 1px solid #ccc; display: block; margin-bottom: 1em; }
  #error { color: #b00; }
</style>
</head>
<body>
<h1>asyncsvr <span id="version"></span></h1>
<div class="figures">
  <div class="figure">connections<b id="connections">–</b></div>
  <div class="figure">in/s<b id="rate-in">–</b></div>
  <div class="figure">out/s<b id="rate-out">–</b></div>
  <div class="figure">uptime<b id="uptime">–</b></div>
</div>
<div id="error"></div>
<canvas id="connections-chart" width="900" height="200"></canvas>
<canvas id="throughput-chart" width="900" height="200"></canvas>
<script>
"use strict";
const keep = 300;  // samples of one second: five minutes
const history = [];
const token = new URLSearchParams(location.hash.slice(1)).get("token");
let previous = null;

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; ++i; }
  return n.toFixed(i ? 1 : 0) + " " + units[i];
}

function draw(id, title, series, format) {
  const canvas = document.getElementById(id);
  const g = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, top = 20;
  g.clearRect(0, 0, w, h);
  let max = 1;
  for (const s of series) for (const v of s.values) max = Math.max(max, v);
  g.fillStyle = "#222";
  g.fillText(title + " (max " + format(max) + ", last " + keep / 60 + " min)", 4, 12);
  series.forEach((s, k) => {
    g.strokeStyle = s.color;
    g.fillStyle = s.color;
    g.fillText(s.name, w - 120 + 60 * k, 12);
    g.beginPath();
    s.values.forEach((v, i) => {
      const x = w - (s.values.length - 1 - i) * (w / (keep - 1));
      const y = h - 2 - (v / max) * (h - top - 4);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  });
}

function show(status) {
  const now = performance.now();
  const t = status.traffic;
  const sample = {connections: status.connections.current, in: 0, out: 0};
  if (previous) {
    const seconds = Math.max((now - previous.at) / 1000, 0.001);
    sample.in = Math.max(t.bytes_in - previous.in, 0) / seconds;
    sample.out = Math.max(t.bytes_out - previous.out, 0) / seconds;
  }
  previous = {at: now, in: t.bytes_in, out: t.bytes_out};
  history.push(sample);
  if (history.length > keep) history.shift();
  document.getElementById("version").textContent = status.version;
  document.getElementById("connections").textContent = sample.connections;
  document.getElementById("rate-in").textContent = bytes(sample.in);
  document.getElementById("rate-out").textContent = bytes(sample.out);
  document.getElementById("uptime").textContent = status.uptime_seconds + " s";
  draw("connections-chart", "connections",
       [{name: "open", color: "#1565c0", values: history.map(s => s.connections)}], String);
  draw("throughput-chart", "bytes per second",
       [{name: "in", color: "#2e7d32", values: history.map(s => s.in)},
        {name: "out", color: "#c62828", values: history.map(s => s.out)}], bytes);
}

async function poll() {
  try {
    const response = await fetch("status", {
      cache: "no-store",
      headers: token ? {Authorization: "Bearer " + token} : {},
    });
    if (!response.ok) throw new Error("/status answered " + response.status);
    show(await response.json());
    document.getElementById("error").textContent = "";
  } catch (e) {
    document.getElementById("error").textContent = String(e);
  }
  setTimeout(poll, 1000);
}

poll();
</script>
</body>
</html>
)html";

}  // namespace

std::string_view dashboard_page() noexcept {
  return page;
}

}  // namespace asyncsvr::http
