// The report's drawing: the message diagram and the operation timeline on canvases, over a
// shared time window. The data is the JSON in #report-data (see data.rs); nothing is fetched.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const MAX_ARROWS = 2500, LANE = 16, LEFT = 80, AXIS = 22;
  const view = { from: 0, to: D.end, type: -1 };
  const focus = { spans: new Set(), msgs: new Set() };
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728"];
  const opColour = ["#1b7837", "#b2182b", "#e08214", "#999999"];
  const opWord = ["ok", "fail", "info", "never completed"];
  const M = D.m, O = D.o;
  // Times arrive as steps and delays (see data.rs); make them absolute once.
  for (const [starts, ends] of [[M.a, M.b], [O.a, O.b]]) {
    let t = 0;
    for (let i = 0; i < starts.length; i++) {
      t += starts[i];
      starts[i] = t;
      if (ends[i] >= 0) ends[i] += t;
    }
  }
  const tip = document.getElementById("tip");
  const diagram = document.getElementById("diagram-canvas");
  const timeline = document.getElementById("timeline-canvas");
  const secs = (u) => (u / 1e4).toFixed(3) + " s";

  function esc(s) {
    const d = document.createElement("div");
    d.textContent = s;
    return d.innerHTML;
  }

  function setup(canvas, rows) {
    const width = canvas.parentElement.clientWidth || 1200;
    const height = AXIS + rows * LANE + 4;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "11px sans-serif";
    const x = (u) => LEFT + ((u - view.from) / Math.max(1, view.to - view.from)) * (width - LEFT - 10);
    return { g, width, height, x };
  }

  function frame(c, labels) {
    const { g, width, height, x } = c;
    g.fillStyle = "rgba(214, 39, 40, 0.12)";
    for (const [a, b] of D.bands) {
      const l = Math.max(LEFT, x(a)), r = Math.min(width - 10, x(b));
      if (r > l) g.fillRect(l, AXIS, r - l, height - AXIS);
    }
    g.strokeStyle = "#ddd";
    g.fillStyle = "#333";
    labels.forEach((name, i) => {
      const y = AXIS + i * LANE + LANE / 2;
      g.beginPath(); g.moveTo(LEFT, y); g.lineTo(width - 10, y); g.stroke();
      g.fillText(String(name), 4, y + 4);
    });
    const span = view.to - view.from, step = niceStep(span / 8);
    g.fillStyle = "#555";
    for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
      const px = x(t);
      g.fillRect(px, AXIS - 5, 1, 5);
      g.fillText(secs(t).replace(/0+ s$/, " s").replace(/\. s$/, " s"), px - 14, 12);
    }
  }

  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (const m of [1, 2, 5, 10]) if (raw <= m * p) return m * p;
    return 10 * p;
  }

  let drawnArrows = [], aggregateNote = "";
  function drawDiagram() {
    const note = document.getElementById("diagram-note");
    const box = document.getElementById("diagram");
    if (!diagram) return;
    const c = setup(diagram, D.lanes.length);
    frame(c, D.lanes);
    const { g, x } = c;
    const y = (lane) => AXIS + lane * LANE + LANE / 2;
    const visible = [];
    for (let i = 0; i < M.id.length; i++) {
      const a = M.a[i], b = M.b[i] < 0 ? a : M.b[i];
      if (b < view.from || a > view.to) continue;
      if (view.type >= 0 && M.k[i] !== view.type) continue;
      visible.push(i);
    }
    // Too many arrows for the window: shade each lane by how many messages it sent per
    // column of pixels instead, and draw only the highlighted messages as arrows.
    const aggregate = visible.length > MAX_ARROWS;
    drawnArrows = visible.filter((i) => !aggregate || focus.msgs.has(M.id[i]));
    const heads = drawnArrows.length < 1500, words = drawnArrows.length < 120;
    if (aggregate) {
      const COL = 4, cols = Math.ceil((c.width - LEFT) / COL);
      const counts = D.lanes.map(() => new Uint32Array(cols));
      let most = 1;
      for (const i of visible) {
        const col = Math.floor((x(M.a[i]) - LEFT) / COL);
        if (col < 0 || col >= cols) continue;
        const n = ++counts[M.s[i]][col];
        if (n > most) most = n;
      }
      counts.forEach((row, lane) => row.forEach((n, col) => {
        if (n === 0) return;
        g.fillStyle = `rgba(33, 102, 172, ${0.15 + 0.85 * Math.sqrt(n / most)})`;
        g.fillRect(LEFT + col * COL, y(lane) - LANE / 2 + 2, COL, LANE - 4);
      }));
      aggregateNote = `${most} message(s) at most per ${secs((view.to - view.from) * COL / Math.max(1, c.width - LEFT - 10))} column`;
    }
    let arrows = 0, strongArrows = 0;
    const draw = (i, strong) => {
      arrows++;
      if (strong) strongArrows++;
      const x0 = x(M.a[i]), y0 = y(M.s[i]), y1 = y(M.d[i]);
      const lost = M.b[i] < 0;
      const x1 = lost ? x0 + 12 : x(M.b[i]);
      const ye = lost ? (y0 + y1) / 2 : y1;
      g.strokeStyle = strong ? "#000" : palette[M.k[i] % palette.length];
      g.lineWidth = strong ? 2.5 : 1;
      g.setLineDash(lost ? [3, 3] : []);
      g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, ye); g.stroke();
      g.setLineDash([]);
      if (heads || strong) {
        const ang = Math.atan2(ye - y0, x1 - x0);
        g.beginPath();
        g.moveTo(x1, ye);
        g.lineTo(x1 - 6 * Math.cos(ang - 0.4), ye - 6 * Math.sin(ang - 0.4));
        g.lineTo(x1 - 6 * Math.cos(ang + 0.4), ye - 6 * Math.sin(ang + 0.4));
        g.closePath(); g.fillStyle = g.strokeStyle; g.fill();
      }
      if (lost) { g.fillStyle = "#d62728"; g.fillText("×", x1 - 3, ye + 4); }
      if (words || strong) { g.fillStyle = "#222"; g.fillText(D.types[M.k[i]], (x0 + x1) / 2 + 3, (y0 + ye) / 2 - 2); }
    };
    // Highlighted messages last, so they lie on top.
    for (const i of drawnArrows) if (!focus.msgs.has(M.id[i])) draw(i, false);
    for (const i of drawnArrows) if (focus.msgs.has(M.id[i])) draw(i, true);
    g.lineWidth = 1;
    box.dataset.drawn = String(visible.length);
    box.dataset.arrows = String(arrows);
    box.dataset.highlighted = String(strongArrows);
    box.dataset.mode = aggregate ? "aggregate" : "arrows";
    let text = `${visible.length} message(s) in ${secs(view.from)} – ${secs(view.to)}`;
    if (aggregate) text += `: too many to draw as arrows, so each lane is shaded by the messages it sent (darker: more; ${aggregateNote}) and only highlighted messages are arrows. Zoom in (drag across the diagram) to under ${MAX_ARROWS} messages to see every arrow`;
    if (D.clients.length) text += `. The ${D.clients.length} clients share the lane "clients"; hover an arrow to see which`;
    if (D.journal && D.journal.stride > 1) text += `. The report kept every client message and 1 in ${D.journal.stride} server messages of the ${D.journal.total} in messages.jsonl`;
    note.textContent = text + ".";
  }

  let drawnOps = [];
  function drawTimeline() {
    if (!timeline) return;
    const c = setup(timeline, D.procs.length);
    frame(c, D.procs.map((p) => "process " + p));
    const { g, x } = c;
    drawnOps = [];
    for (let i = 0; i < O.p.length; i++) {
      const a = O.a[i], b = O.b[i] < 0 ? D.end : O.b[i];
      if (b < view.from || a > view.to) continue;
      drawnOps.push(i);
      const x0 = Math.max(LEFT, x(a)), x1 = Math.max(x0 + 2, Math.min(c.width - 10, x(b)));
      const top = AXIS + O.p[i] * LANE + 2;
      g.fillStyle = opColour[O.k[i]];
      g.fillRect(x0, top, x1 - x0, LANE - 4);
      if (focus.spans.has(i)) {
        g.strokeStyle = "#000"; g.lineWidth = 2.5;
        g.strokeRect(x0 - 1, top - 1, x1 - x0 + 2, LANE - 2);
        g.lineWidth = 1;
      }
      if (x1 - x0 > 60) {
        g.fillStyle = "#fff";
        g.fillText((D.fs[O.f[i]] + " " + O.v[i]).slice(0, Math.floor((x1 - x0) / 6)), x0 + 2, top + 10);
      }
    }
    document.getElementById("timeline").dataset.drawn = String(drawnOps.length);
  }

  function redraw() {
    drawDiagram();
    drawTimeline();
    document.getElementById("from").value = (view.from / 1e4).toFixed(3);
    document.getElementById("to").value = (view.to / 1e4).toFixed(3);
  }

  function zoomTo(a, b) {
    if (b - a < 10) { const m = (a + b) / 2; a = m - 5; b = m + 5; }
    view.from = Math.max(0, a); view.to = Math.min(D.end, b);
    if (view.to <= view.from) { view.from = 0; view.to = D.end; }
    redraw();
  }

  // Focus on spans: highlight them and their messages, zoom around them.
  const numbers = (text) => (text || "").split(",").filter((s) => s !== "").map(Number);

  function focusSpans(list, msgs) {
    focus.spans = new Set(list);
    focus.msgs = new Set(msgs || []);
    let a = Infinity, b = -Infinity;
    for (const s of list) {
      for (const id of O.c[s]) if (id >= 0) focus.msgs.add(id);
      a = Math.min(a, O.a[s]);
      b = Math.max(b, O.b[s] < 0 ? D.end : O.b[s]);
    }
    if (list.length) {
      const pad = Math.max(50, (b - a) * 0.1);
      zoomTo(a - pad, b + pad);
    } else redraw();
  }

  document.querySelectorAll("[data-spans]").forEach((el) =>
    el.addEventListener("click", () => focusSpans(numbers(el.dataset.spans), numbers(el.dataset.msgs))));
  document.getElementById("all").addEventListener("click", () => zoomTo(0, D.end));
  document.getElementById("in").addEventListener("click", () => { const q = (view.to - view.from) / 4; zoomTo(view.from + q, view.to - q); });
  document.getElementById("out").addEventListener("click", () => { const q = (view.to - view.from) / 2; zoomTo(view.from - q, view.to + q); });
  document.getElementById("left").addEventListener("click", () => { const q = (view.to - view.from) / 2; zoomTo(view.from - q, view.to - q); });
  document.getElementById("right").addEventListener("click", () => { const q = (view.to - view.from) / 2; zoomTo(view.from + q, view.to + q); });
  document.getElementById("apply").addEventListener("click", () =>
    zoomTo(parseFloat(document.getElementById("from").value) * 1e4, parseFloat(document.getElementById("to").value) * 1e4));
  const types = document.getElementById("type");
  D.types.forEach((t, i) => { const o = document.createElement("option"); o.value = i; o.textContent = t; types.appendChild(o); });
  types.addEventListener("change", () => { view.type = Number(types.value); redraw(); });
  document.getElementById("clear").addEventListener("click", () => { focus.spans = new Set(); focus.msgs = new Set(); redraw(); });

  // Drag across a canvas to zoom to that stretch of time; hover for details.
  for (const canvas of [diagram, timeline]) {
    if (!canvas) continue;
    let down = null;
    const time = (ev) => {
      const r = canvas.getBoundingClientRect();
      const w = r.width - LEFT - 10;
      return view.from + ((ev.clientX - r.left - LEFT) / w) * (view.to - view.from);
    };
    canvas.addEventListener("mousedown", (ev) => { down = time(ev); });
    canvas.addEventListener("mouseup", (ev) => {
      if (down === null) return;
      const up = time(ev);
      if (Math.abs(up - down) > (view.to - view.from) / 200) zoomTo(Math.min(up, down), Math.max(up, down));
      else if (canvas === timeline) clickOp(ev);
      down = null;
    });
    canvas.addEventListener("mousemove", (ev) => hover(canvas, ev));
    canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });
  }

  function opAt(ev) {
    const r = timeline.getBoundingClientRect();
    const row = Math.floor((ev.clientY - r.top - AXIS) / LANE);
    const w = r.width - LEFT - 10;
    const t = view.from + ((ev.clientX - r.left - LEFT) / w) * (view.to - view.from);
    const slack = (view.to - view.from) / w * 2;
    return drawnOps.find((i) => O.p[i] === row && O.a[i] - slack <= t && (O.b[i] < 0 ? D.end : O.b[i]) + slack >= t);
  }

  function clickOp(ev) {
    const i = opAt(ev);
    if (i !== undefined) focusSpans([i]);
  }

  function hover(canvas, ev) {
    let html = null;
    if (canvas === timeline) {
      const i = opAt(ev);
      if (i !== undefined) {
        html = `<b>op ${O.i[i]}</b>, process ${D.procs[O.p[i]]}: ${esc(D.fs[O.f[i]])} → ${opWord[O.k[i]]}<br>` +
          `${secs(O.a[i])} – ${O.b[i] < 0 ? "end" : secs(O.b[i])}` + (O.n[i] >= 0 ? `, to ${esc(D.lanes[O.n[i]])}` : "") +
          `<br><code>${esc(O.v[i])}</code><br><i>click: show its messages</i>`;
      }
    } else {
      const r = diagram.getBoundingClientRect();
      const px = ev.clientX - r.left, py = ev.clientY - r.top;
      const w = r.width - LEFT - 10;
      const x = (u) => LEFT + ((u - view.from) / Math.max(1, view.to - view.from)) * w;
      const y = (lane) => AXIS + lane * LANE + LANE / 2;
      let best = -1, dist = 6;
      for (const i of drawnArrows) {
        const x0 = x(M.a[i]), y0 = y(M.s[i]);
        const x1 = M.b[i] < 0 ? x0 + 12 : x(M.b[i]), y1 = M.b[i] < 0 ? (y0 + y(M.d[i])) / 2 : y(M.d[i]);
        const d = segment(px, py, x0, y0, x1, y1);
        if (d < dist) { dist = d; best = i; }
      }
      if (best >= 0) {
        const body = D.bodies[String(M.id[best])];
        const name = (lane) => (M.c[best] >= 0 && D.lanes[lane] === "clients") ? D.clients[M.c[best]] : D.lanes[lane];
        html = `<b>${esc(D.types[M.k[best]])}</b> #${M.id[best]}: ${esc(name(M.s[best]))} → ${esc(name(M.d[best]))}<br>` +
          `sent ${secs(M.a[best])}, ` + (M.b[best] < 0 ? "never delivered" : `delivered ${secs(M.b[best])}`) +
          (body ? `<br><code>${esc(body)}</code>` : "");
      }
    }
    if (html === null) { tip.style.display = "none"; return; }
    tip.innerHTML = html;
    tip.style.display = "block";
    tip.style.left = (ev.pageX + 12) + "px";
    tip.style.top = (ev.pageY + 12) + "px";
  }

  function segment(px, py, x0, y0, x1, y1) {
    const dx = x1 - x0, dy = y1 - y0, len = dx * dx + dy * dy;
    const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len));
    return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
  }

  window.addEventListener("resize", redraw);
  // `index.html#focus=3,17` opens on those operations, as the explanation's links do.
  const wanted = /^#focus=([0-9,]+)$/.exec(window.location.hash);
  if (wanted) focusSpans(numbers(wanted[1]));
  else redraw();
})();
