// net/web/dash.js — the live dashboard. It listens to /events (one
// "session" event per change: the session's whole JSON, see
// net/web_board.h) and draws the selected session: its figures, the race
// on the link, the loss curve, the description length and the heat-map.
// Text from the wire only ever goes in through textContent.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const sessions = new Map();   // id -> {s: session JSON, at: ms when received}
let selected = 0;             // 0: follow the newest session

const $ = (id) => document.getElementById(id);
const commas = (n) => Math.round(n).toLocaleString("en-US");
const secs = (t) => (t < 10 ? t.toFixed(1) : t.toFixed(0)) + " s";

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVGNS, tag.slice(4))
                                   : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function current() {
  const id = selected || Math.max(0, ...sessions.keys());
  return sessions.get(id);
}

function renderList() {
  const body = $("sessions").tBodies[0];
  body.replaceChildren();
  const cur = current();
  for (const {s} of [...sessions.values()].sort((a, b) => b.s.id - a.s.id)) {
    const tr = el("tr", {"data-id": s.id});
    if (cur && cur.s.id === s.id) tr.className = "selected";
    for (const v of [s.id, s.peer, s.state, s.files, commas(s.decoded_bytes) + " / " +
                     commas(s.raw_bytes), commas(s.wire_bytes), s.bits_per_byte.toFixed(3)])
      tr.append(el("td", {}, String(v)));
    tr.addEventListener("click", () => { selected = s.id; render(); });
    body.append(tr);
  }
  $("none").hidden = sessions.size > 0;
}

// Seconds of link time since the session began, running on between events.
function elapsed(entry) {
  const s = entry.s, ended = s.state === "finished" || s.state === "failed";
  return s.elapsed_s + (ended ? 0 : (Date.now() - entry.at) / 1000);
}

function renderRace(entry) {
  const s = entry.s, t = elapsed(entry), rate = s.rate_bps / 8, race = $("race");
  const lanes = [
    ["raw", "raw bytes", s.raw_bytes],
    ["xz", "xz -9", s.baselines.xz],
  ];
  race.replaceChildren();
  for (const [cls, name, size] of lanes) {
    const frac = size && rate ? Math.min(1, rate * t / size) : 0;
    const note = !size ? (cls === "xz" ? "size known at the end" : "")
               : rate ? "needs " + secs(size / rate) : "";
    race.append(lane(cls, name, frac, note));
  }
  const frac = s.raw_bytes ? s.decoded_bytes / s.raw_bytes : 0;
  race.append(lane("this", "this model", frac, secs(t) + (frac >= 1 ? ", done" : " so far")));
}

function lane(cls, name, frac, note) {
  const d = el("div", {class: "lane " + cls});
  const track = el("div", {class: "track"}), fill = el("div", {class: "fill"});
  fill.style.width = (100 * frac).toFixed(1) + "%";
  track.append(fill);
  d.append(el("span", {}, name), track, el("span", {class: "t"}, note));
  return d;
}

// The loss curve: bits per byte in bins, on 0..total bytes and 0..8.5 bits.
function renderCurve(s) {
  const svg = $("loss-curve"), W = 520, H = 260, L = 40, B = 30, T = 10, R = 10;
  const pw = W - L - R, ph = H - T - B, ymax = 8.5;
  const total = Math.max(s.raw_bytes, s.model_bytes, 1), bins = s.curve.bpb;
  const x = (v) => (L + v / total * pw).toFixed(1);
  const y = (v) => (T + ph - Math.min(v, ymax) / ymax * ph).toFixed(1);
  svg.replaceChildren();
  for (let b = 0; b <= 8; b += 2) {
    svg.append(el("svg:line", {x1: L, x2: L + pw, y1: y(b), y2: y(b), stroke: "#e4e4e4"}));
    svg.append(el("svg:text", {x: L - 5, y: +y(b) + 4, "text-anchor": "end"}, String(b)));
  }
  svg.append(el("svg:line", {x1: L, x2: L + pw, y1: y(8), y2: y(8), stroke: "#000",
                             "stroke-dasharray": "5 4"}));
  svg.append(el("svg:text", {x: L + 4, y: +y(8) - 4}, "uniform: 8 bits a byte"));
  svg.append(el("svg:path", {d: `M${L} ${T} V${T + ph} H${L + pw}`, stroke: "#333",
                             fill: "none"}));
  svg.append(el("svg:text", {x: L + pw / 2, y: H - 6, "text-anchor": "middle"},
                "bytes decoded (of " + commas(total) + ")"));
  const pts = bins.map((v, i) => x(Math.min((i + 0.5) * s.curve.bin_bytes, total)) + "," + y(v));
  svg.append(el("svg:polyline", {points: pts.join(" "), fill: "none", stroke: "#1f77b4",
                                 "stroke-width": "1.5"}));
}

// Stacked bar: recipe + code + prior + transcript so far; xz -9; raw so far.
function renderDL(s) {
  const svg = $("dl-bars"), W = 520, H = 260, L = 60, T = 20, B = 30;
  const ph = H - T - B, done = s.decoded_bytes;
  const xzSoFar = s.baselines.xz && s.raw_bytes ? s.baselines.xz * done / s.raw_bytes : 0;
  const bars = [
    ["this model", [["recipe", s.recipe_bytes, "#9467bd"], ["code", s.code_bytes, "#aaa"],
                    ["prior", s.prior_bytes, "#d62728"],
                    ["transcript", s.transcript_bytes, "#1f77b4"]]],
    ["xz -9", [["xz -9 (its share so far)", xzSoFar, "#2ca02c"]]],
    ["raw", [["raw", done, "#999"]]],
  ];
  const max = Math.max(1, ...bars.map(([, parts]) => parts.reduce((a, p) => a + p[1], 0)));
  svg.replaceChildren();
  svg.append(el("svg:path", {d: `M${L} ${T} V${T + ph} H${W - 10}`, stroke: "#333",
                             fill: "none"}));
  bars.forEach(([name, parts], i) => {
    const bw = 90, x = L + 30 + i * 150;
    let y0 = T + ph, sum = 0;
    for (const [part, v, col] of parts) {
      if (!v) continue;
      const h = v / max * ph;
      const r = el("svg:rect", {x, y: (y0 - h).toFixed(1), width: bw, height: h.toFixed(1),
                                fill: col});
      r.append(el("svg:title", {}, part + ": " + commas(v) + " bytes"));
      svg.append(r);
      y0 -= h;
      sum += v;
    }
    svg.append(el("svg:text", {x: x + bw / 2, y: y0 - 4, "text-anchor": "middle"}, commas(sum)));
    svg.append(el("svg:text", {x: x + bw / 2, y: H - 10, "text-anchor": "middle"}, name));
  });
}

// One span per byte, coloured by its cost; the bits in the tooltip.
function heatColour(bits) {
  const t = Math.min(bits / 8, 1);
  return `hsl(${(60 - 60 * t).toFixed(0)},100%,${(96 - 46 * t).toFixed(0)}%)`;
}

function renderHeat(s) {
  const box = $("heatmap"), frag = document.createDocumentFragment();
  const {bytes, bits, offset} = s.heat;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const ch = b === 10 ? "\n" : b >= 32 && b < 127 ? String.fromCharCode(b) : "·";
    const name = b === 10 ? "newline" : b === 32 ? "space" : b >= 32 && b < 127 ? "'" + ch + "'"
               : "byte " + b;
    const sp = el("span", {title: `${name}: ${bits[i].toFixed(2)} bits (byte ${offset + i})`},
                  b === 10 ? "↵\n" : ch);
    sp.style.background = heatColour(bits[i]);
    frag.append(sp);
  }
  const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
  box.replaceChildren(frag);
  if (atEnd) box.scrollTop = box.scrollHeight;
}

const FINAL_KEYS = [
  ["raw_bytes", "raw bytes"], ["wire_bytes", "wire bytes (frames included)"],
  ["transcript_bytes", "transcript bytes"], ["bits_per_byte", "bits per byte"],
  ["recipe_bytes", "recipe bytes"], ["code_bytes", "code bytes"],
  ["prior_bytes", "prior bytes"], ["description_length", "description length"],
  ["gzip9_bytes", "gzip -9 bytes"], ["xz9_bytes", "xz -9 bytes"],
  ["zstd19_bytes", "zstd -19 bytes"], ["elapsed_s", "seconds"],
];

function renderFinal(s) {
  $("final-box").hidden = !s.final;
  const body = $("final").tBodies[0];
  body.replaceChildren();
  if (!s.final) return;
  for (const [k, label] of FINAL_KEYS) {
    const v = s.final[k];
    const shown = Number.isInteger(v) ? commas(v) : v.toFixed(k === "bits_per_byte" ? 4 : 2);
    const tr = el("tr");
    tr.append(el("td", {}, label), el("td", {"data-key": k, "data-value": String(v)}, shown));
    body.append(tr);
  }
}

function render() {
  renderList();
  const entry = current();
  $("detail").hidden = !entry;
  if (!entry) return;
  const s = entry.s;
  $("sid").textContent = s.id;
  $("peer").textContent = s.peer;
  $("state").textContent = s.state;
  $("state").dataset.state = s.state;
  $("error").hidden = !s.error;
  $("error").textContent = s.error;
  $("files").textContent = s.files;
  $("decoded").textContent = commas(s.decoded_bytes) + " of " + commas(s.raw_bytes);
  $("decoded").dataset.value = s.decoded_bytes;
  $("wire").textContent = commas(s.wire_bytes);
  $("bpb").textContent = s.bits_per_byte.toFixed(3);
  $("elapsed").textContent = secs(elapsed(entry));
  $("progress").style.width = (s.raw_bytes ? 100 * s.decoded_bytes / s.raw_bytes : 0) + "%";
  $("names").textContent = s.names.join("  ·  ") + (s.files > s.names.length ? "  …" : "");
  renderRace(entry);
  renderCurve(s);
  renderDL(s);
  renderHeat(s);
  renderFinal(s);
}

function connect() {
  const es = new EventSource("/events");
  es.addEventListener("open", () => { $("conn").textContent = "live."; });
  es.addEventListener("error", () => { $("conn").textContent = "reconnecting…"; });
  es.addEventListener("session", (ev) => {
    const s = JSON.parse(ev.data);
    sessions.set(s.id, {s, at: Date.now()});
    render();
  });
}

fetch("/api/sessions").then((r) => r.json()).then((list) => {
  $("role").textContent = list.length ? "(" + list[0].role + ")" : "";
}).catch(() => {});
connect();
setInterval(() => {        // the race and the clock run on between events
  const entry = current();
  if (entry && entry.s.state !== "finished" && entry.s.state !== "failed") {
    renderRace(entry);
    $("elapsed").textContent = secs(elapsed(entry));
  }
}, 250);
