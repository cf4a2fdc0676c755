// The live dashboard: reads api/metrics every few seconds and draws the
// tiles and the charts (Chart.js, served by orderflow itself as
// vendor/chart.js). Each tile's element carries the exact number it shows
// in data-value (a rate as a fraction, a count as an integer), and <body>
// gets data-as-of once the first metrics are drawn.
"use strict";

const REFRESH_MS = 3000;
const STATUS_COLORS = {
  ACCEPTED: "#9aa5b1",
  BACKORDERED: "#e8a33d",
  ALLOCATED: "#3e7cb1",
  SHIPPED: "#2f9e6e",
  DELIVERY_FAILED: "#c0392b",
};
const AGE_COLORS = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
const TOP_COLOR = "#c0392b";
const OTHER_COLOR = "#9aa5b1";

const charts = {};

function $(id) {
  return document.getElementById(id);
}

function percent(v) {
  return v == null ? "\u2013" : (100 * v).toFixed(1) + " %";
}

function hours(seconds) {
  return seconds == null ? "\u2013" : (seconds / 3600).toFixed(1) + " h";
}

function count(n) {
  return n == null ? "\u2013" : Number(n).toLocaleString("en-US");
}

function setTile(id, value, text, detail) {
  const el = $(id);
  el.textContent = text;
  el.dataset.value = value == null ? "" : String(value);
  if (detail !== undefined) $(id + "-detail").textContent = detail;
}

// "2026-03-02T08:29:00Z" -> "03-02 08:29" (UTC, as the engine counts).
function shortTime(iso) {
  return iso.slice(5, 16).replace("T", " ");
}

function chartsMissing() {
  for (const box of document.querySelectorAll(".chart")) {
    box.innerHTML =
      '<p class="missing">The chart library is missing from this build ' +
      "(bash deploy/setup-dashboard.sh, then rebuild).</p>";
  }
}

function stackedBars(canvas, keys, colors) {
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: [],
      datasets: keys.map((key, i) => ({
        label: key,
        data: [],
        backgroundColor: colors[i],
        barPercentage: 1.0,
        categoryPercentage: 0.9,
      })),
    },
    options: {
      scales: {
        x: { stacked: true, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: "orders" } },
      },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    },
  });
}

function makeCharts(statuses, ages) {
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#3e4c59";

  const line = (label, color, dash) => ({
    label,
    data: [],
    borderColor: color,
    backgroundColor: color,
    borderDash: dash ? [6, 4] : [],
    borderWidth: 2,
    pointRadius: 0,
    spanGaps: true,
    tension: 0.2,
  });
  charts.cycle = new Chart($("chart-cycle"), {
    type: "line",
    data: {
      labels: [],
      datasets: [
        line("shipped p50", "#9ecae1", false),
        line("shipped p90", "#3182bd", false),
        line("shipped p99", "#08306b", false),
        line("delivered p50", "#a1d99b", true),
        line("delivered p90", "#31a354", true),
        line("delivered p99", "#00441b", true),
      ],
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } },
        y: { beginAtZero: true, title: { display: true, text: "hours since placed" } },
      },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    },
  });
  charts.escalations = new Chart($("chart-escalations"), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "raised", data: [], backgroundColor: [] }] },
    options: {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, title: { display: true, text: "raised" } } },
      plugins: { legend: { display: false } },
    },
  });
  charts.backlogStatus = stackedBars(
    $("chart-backlog-status"), statuses, statuses.map((s) => STATUS_COLORS[s] || OTHER_COLOR));
  charts.backlogAge = stackedBars($("chart-backlog-age"), ages, AGE_COLORS);
}

function drawCharts(m) {
  // Samples taken before the engine had a clock (no record yet) are left out.
  const history = (m.history || []).filter((h) => !h.asOf.startsWith("1970"));
  const labels = history.map((h) => shortTime(h.asOf));
  const statuses = Object.keys(m.backlog.byStatus);
  const ages = Object.keys(m.backlog.byAge);
  if (!charts.cycle) makeCharts(statuses, ages);

  const hoursOf = (s) => (s == null ? null : s / 3600);
  const series = [
    ["placedToShipped", "p50"], ["placedToShipped", "p90"], ["placedToShipped", "p99"],
    ["placedToDelivered", "p50"], ["placedToDelivered", "p90"], ["placedToDelivered", "p99"],
  ];
  charts.cycle.data.labels = labels;
  series.forEach(([stage, p], i) => {
    charts.cycle.data.datasets[i].data = history.map((h) => hoursOf(h[stage][p]));
  });
  charts.cycle.update("none");

  for (const [chart, key, names] of [
    [charts.backlogStatus, "backlogByStatus", statuses],
    [charts.backlogAge, "backlogByAge", ages],
  ]) {
    chart.data.labels = labels;
    names.forEach((name, i) => {
      chart.data.datasets[i].data = history.map((h) => h[key][name]);
    });
    chart.update("none");
  }

  const top = (m.escalations.topKinds || []).map((t) => t.kind);
  const raised = Object.entries(m.escalations.raised)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const e = charts.escalations;
  e.data.labels = raised.map(([kind]) => {
    const rank = top.indexOf(kind);
    return rank >= 0 ? "\u2605 " + kind + " (top " + (rank + 1) + ")" : kind;
  });
  e.data.datasets[0].data = raised.map(([, n]) => n);
  e.data.datasets[0].backgroundColor = raised.map(([kind]) =>
    top.includes(kind) ? TOP_COLOR : OTHER_COLOR);
  e.update("none");
}

function drawTiles(m) {
  const o = m.orders;
  const r = m.rates;
  const ship = m.cycleTimeSeconds.placedToShipped;
  const b = m.backlog;
  setTile("tile-received", o.received, count(o.received),
          count(o.rejected) + " rejected, " + count(o.cancelled) + " cancelled");
  setTile("tile-accuracy", r.accuracy, percent(r.accuracy),
          count(o.accepted) + " of " + count(o.received) + " accepted");
  setTile("tile-fill", r.fill, percent(r.fill),
          count(o.allocatedWithoutBackorder) + " of " + count(o.accepted) +
          " allocated without a backorder");
  setTile("tile-on-time", r.onTime, percent(r.onTime),
          count(o.deliveredOnTime) + " of " + count(o.delivered) + " delivered by the promise");
  setTile("tile-backlog", b.total, count(b.total),
          count(b.byStatus.BACKORDERED) + " backordered, " +
          count((b.byStatus.SHIPPED || 0) + (b.byStatus.DELIVERY_FAILED || 0)) + " in transit");
  setTile("tile-ship-p90", ship.p90, hours(ship.p90),
          "p50 " + hours(ship.p50) + ", p99 " + hours(ship.p99) + " (" + count(ship.count) + " shipped)");
}

// "LATE 2.5, DAMAGED 1.0": the largest non-zero entries of a per-100 map.
function largest(per100, n) {
  return Object.entries(per100 || {}).filter(([, v]) => v)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n)
    .map(([k, v]) => k + " " + v.toFixed(1)).join(", ");
}

// Rules 10-13: split shipments, holds, contacts and amendments.
function drawV11Tiles(m) {
  const sh = m.shipments || {};
  setTile("tile-split", m.rates.splitShipment, percent(m.rates.splitShipment),
          count(sh.split) + " of " + count(sh.shippingStarted) +
          " shipped orders in more than one parcel");
  const h = m.holds || { open: {}, timeOnHoldSeconds: {} };
  const open = Object.values(h.open).reduce((a, b) => a + b, 0);
  const types = Object.keys(h.open).filter(
    (t) => h.open[t] > 0 || (h.timeOnHoldSeconds[t] || {}).count > 0);
  setTile("tile-holds", open, count(open), types.length === 0 ? "no holds" :
          types.map((t) => {
            const time = h.timeOnHoldSeconds[t];
            return t + " " + count(h.open[t]) + " open" + (time.count > 0
              ? " (p50 " + hours(time.p50) + ", p90 " + hours(time.p90) + ")" : "");
          }).join("; "));
  const c = m.contacts || {};
  const per100 = c.per100Orders;
  const kinds = largest(c.per100OrdersByKind, 2);
  const causes = largest(c.per100OrdersByRootCause, 2);
  setTile("tile-contacts", per100, per100 == null ? "\u2013" : per100.toFixed(1),
          c.total ? count(c.total) + " contacts: " + kinds + "; causes " + causes
                  : "no contacts");
  const a = m.amendments || {};
  setTile("tile-amendments", a.applied, count(a.applied), count(a.rejected) + " rejected");
}

// " (99 % within 25 ms)": the smallest bucket bound that holds 99 % of the
// commits; empty before the first commit.
function commitBound(c) {
  if (!c || c.count === 0) return "";
  const hit = c.atMost.find((b) => b.commits >= 0.99 * c.count);
  if (!hit || hit.le === null) return " (over 1 % took more than " + c.atMost[c.atMost.length - 2].le + " s)";
  const within = hit.le < 1 ? Math.round(hit.le * 1000) + " ms" : hit.le + " s";
  return " (99 % within " + within + ")";
}

function drawFooter(m) {
  $("as-of").textContent = m.asOf.replace("T", " ").replace("Z", " UTC");
  const h = m.host;
  $("started-at").textContent = h.startedAt.replace("T", " ").replace("Z", " UTC");
  const dead = Object.values(h.deadLetters).reduce((a, b) => a + b, 0);
  $("host-counters").textContent =
    count(h.inputs) + " inputs, " + count(h.outputs) + " outputs, " + count(h.commits) +
    " commits" + commitBound(h.commitSeconds) + ", " + count(h.aborts) + " aborts, " +
    count(dead) + " dead letters";
  $("top-kinds").textContent = (m.escalations.topKinds || []).map((t) => t.kind).join(", ");
}

async function refresh() {
  const status = $("status");
  try {
    const response = await fetch("api/metrics", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const m = await response.json();
    drawTiles(m);
    drawV11Tiles(m);
    drawFooter(m);
    if (typeof Chart === "undefined") chartsMissing();
    else drawCharts(m);
    document.body.dataset.asOf = m.asOf;
    status.textContent = "live \u00b7 updated " + new Date().toLocaleTimeString("en-GB");
    status.classList.remove("error");
  } catch (err) {
    status.textContent = "cannot read the metrics (" + err.message + "); retrying";
    status.classList.add("error");
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

refresh();
