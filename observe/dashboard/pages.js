// The dashboard's other pages, by the address's hash:
//   #/                 the metrics (dashboard.js)
//   #/escalations      the team lead's worklist, from api/escalations,
//                      filtered by kind and level (#/escalations?kind=K&level=2)
//   #/orders/<id>      one order's page, from api/orders/<id>: its state,
//                      lines, delivery task and shipment, open escalations
//                      and timeline (what `orderflow inspect` prints)
// The search box in the header opens an order's page on every page. Each
// page's <section> gets data-loaded once it shows what the API answered
// (data-loaded="error" when it could not), for tests to wait on.
"use strict";

const WORKLIST_LIMIT = 500;
const WORKLIST_REFRESH_MS = 5000;
let worklistTimer = null;
let worklistSeq = 0;  // the latest loadWorklist

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.dataset[k.slice(5).replace(/-(.)/g, (_, c) => c.toUpperCase())] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c == null) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

// "2026-03-02T08:29:00Z" -> "2026-03-02 08:29 UTC"; null -> "–".
function when(iso) {
  if (!iso) return "\u2013";
  return iso.replace("T", " ").replace(/(:\d\d)(\.\d+)?Z$/, "$1 UTC").replace(/:00 UTC$/, " UTC");
}

function orderHref(id) {
  return "#/orders/" + encodeURIComponent(id);
}

function showPage(name) {
  for (const page of document.querySelectorAll("[data-page]")) {
    page.hidden = page.dataset.page !== name;
  }
  for (const link of document.querySelectorAll("nav a[data-nav]")) {
    link.classList.toggle("current", link.dataset.nav === name);
  }
}

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  return { status: response.status, body };
}

// The worklist.

function worklistQuery() {
  const kind = document.getElementById("filter-kind").value;
  const level = document.getElementById("filter-level").value;
  const q = new URLSearchParams();
  if (kind) q.set("kind", kind);
  if (level) q.set("level", level);
  return q;
}

function fillKinds(byKind, chosen) {
  const select = document.getElementById("filter-kind");
  const kinds = new Set(Object.keys(byKind));
  if (chosen) kinds.add(chosen);
  const wanted = ["", ...[...kinds].sort()];
  const have = [...select.options].map((o) => o.value);
  if (wanted.join("|") !== have.join("|")) {
    select.replaceChildren(...wanted.map((k) =>
      el("option", { value: k }, k === "" ? "every kind" : k + " (" + (byKind[k] || 0) + ")")));
  } else {
    for (const o of select.options) {
      if (o.value) o.textContent = o.value + " (" + (byKind[o.value] || 0) + ")";
    }
  }
  select.value = chosen || "";
}

async function loadWorklist(params) {
  clearTimeout(worklistTimer);
  // An answer to an earlier load (a refresh under way when the filter
  // changed) that comes after this one's is dropped: the newest wins.
  const seq = ++worklistSeq;
  const section = document.getElementById("page-worklist");
  const kind = params.get("kind") || "";
  const level = params.get("level") || "";
  document.getElementById("filter-level").value = level;
  const query = new URLSearchParams();
  if (kind) query.set("kind", kind);
  if (level) query.set("level", level);
  query.set("limit", String(WORKLIST_LIMIT));
  const note = document.getElementById("worklist-note");
  try {
    const { status, body } = await getJson("api/escalations?" + query.toString());
    if (seq !== worklistSeq) return;
    if (status !== 200) throw new Error(body && body.error ? body.error : "HTTP " + status);
    fillKinds(body.byKind, kind);
    const rows = body.escalations.map((e, i) => {
      const link = el("a", { href: orderHref(e.orderId), "data-order-id": e.orderId }, e.orderId);
      return el("tr", { "data-escalation-id": e.escalationId, class: "level-" + e.level },
        el("td", { class: "num" }, i + 1),
        el("td", { class: "level" }, el("span", { class: "badge level-" + e.level }, "L" + e.level)),
        el("td", {}, e.kind),
        el("td", {}, link),
        el("td", { class: "time" }, when(e.detectedAt)),
        el("td", {}, e.message, e.rootCause ? el("div", { class: "cause" }, "root cause: " + e.rootCause) : null));
    });
    const body_ = document.getElementById("worklist-rows");
    body_.replaceChildren(...rows);
    document.getElementById("worklist-empty").hidden = rows.length > 0;
    let text = body.matching + " open" + (kind || level ? " matching" : "") +
      " (of " + body.open + " kept by this process)";
    if (body.matching > rows.length) text += "; the first " + rows.length + " shown";
    if (body.dropped > 0) {
      text += "; " + body.dropped + " dropped beyond the bound of " + body.maxOpen +
        " (the least pressing)";
    }
    note.textContent = text;
    note.classList.remove("error");
    section.dataset.loaded = "yes";
  } catch (err) {
    if (seq !== worklistSeq) return;
    note.textContent = "cannot read the open escalations (" + err.message + ")";
    note.classList.add("error");
    section.dataset.loaded = "error";
  }
  if (location.hash.startsWith("#/escalations")) {
    worklistTimer = setTimeout(() => loadWorklist(params), WORKLIST_REFRESH_MS);
  }
}

// The order page.

function field(label, value) {
  return [el("dt", {}, label), el("dd", {}, value == null || value === "" ? "\u2013" : value)];
}

function table(headers, rows, attrs) {
  return el("table", attrs || {},
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows));
}

// State fields the page lays out itself; any other is listed as it is.
const LAID_OUT = new Set([
  "status", "since", "reasons", "closed", "customerId", "serviceLevel", "placedAt",
  "promisedDeliveryAt", "shipBy", "deliverBy", "shippedAt", "deliveredAt",
  "deliveryTask", "lines", "shipment", "openEscalations",
]);

function plain(value) {
  if (value == null) return "\u2013";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function renderOrder(order) {
  const s = order.state;
  const parts = [];
  parts.push(el("h2", {}, "Order ", el("span", { id: "order-id" }, order.orderId), " ",
    el("span", { id: "order-status", class: "badge status" }, s.status || "unknown"),
    s.closed ? el("span", { class: "badge closed" }, "closed") : null));
  if (order.incomplete) {
    parts.push(el("p", { class: "warning" }, "Incomplete: " + order.incomplete));
  }
  const facts = el("dl", { class: "facts" },
    ...field("Status since", when(s.since)),
    ...field("Reasons", (s.reasons || []).join(", ")),
    ...field("Customer", s.customerId),
    ...field("Service level", s.serviceLevel),
    ...field("Placed", when(s.placedAt)),
    ...field("Promised delivery", when(s.promisedDeliveryAt)),
    ...field("Ship by", when(s.shipBy)),
    ...field("Deliver by", when(s.deliverBy)),
    ...field("Shipped", when(s.shippedAt)),
    ...field("Delivered", when(s.deliveredAt)),
    ...field("Delivery task", s.deliveryTask));
  for (const [k, v] of Object.entries(s)) {
    if (!LAID_OUT.has(k)) facts.append(...field(k, plain(v)));
  }
  parts.push(el("div", { class: "card" }, el("h3", {}, "State"), facts));

  const lines = (s.lines || []).map((l) =>
    el("tr", {}, el("td", {}, l.lineId), el("td", {}, l.sku), el("td", { class: "num" }, l.quantity)));
  parts.push(el("div", { class: "card" }, el("h3", {}, "Lines (" + lines.length + ")"),
    lines.length ? table(["Line", "SKU", "Quantity"], lines) : el("p", { class: "muted" }, "none known")));

  const sh = s.shipment;
  parts.push(el("div", { class: "card" }, el("h3", {}, "Shipment"),
    sh ? el("dl", { class: "facts" },
      ...field("Shipment", sh.shipmentId), ...field("Status", sh.status),
      ...field("Carrier", sh.carrier), ...field("Tracking", sh.trackingNumber),
      ...field("At", when(sh.at)))
      : el("p", { class: "muted" }, "not shipped")));

  const open = (s.openEscalations || []).map((e) =>
    el("tr", { class: "level-" + e.level },
      el("td", {}, el("span", { class: "badge level-" + e.level }, "L" + e.level)),
      el("td", {}, e.kind), el("td", { class: "time" }, when(e.since))));
  parts.push(el("div", { class: "card" }, el("h3", {}, "Open escalations (" + open.length + ")"),
    open.length ? table(["Level", "Kind", "Since"], open, { id: "order-escalations" })
      : el("p", { class: "muted" }, "none")));

  const entries = (order.timeline || []).map((t) =>
    el("tr", { class: t.direction },
      el("td", { class: "time" }, when(t.time)),
      el("td", {}, t.direction === "in" ? "\u2192 in" : "\u2190 out"),
      el("td", {}, t.topic), el("td", {}, t.summary)));
  const dropped = order.droppedEntries > 0
    ? el("p", { class: "muted" }, order.droppedEntries + " earlier entries dropped (they still count in the state)")
    : null;
  parts.push(el("div", { class: "card wide" }, el("h3", {}, "Timeline (" + entries.length + ")"), dropped,
    table(["Time (engine)", "", "Topic", "What"], entries, { id: "order-timeline" })));
  return parts;
}

async function loadOrder(id) {
  const section = document.getElementById("page-order");
  const content = document.getElementById("order-content");
  delete section.dataset.loaded;
  content.replaceChildren(el("p", { class: "muted" }, "loading " + id + "\u2026"));
  document.getElementById("search-id").value = id;
  try {
    const { status, body } = await getJson("api/orders/" + encodeURIComponent(id));
    if (status === 404) {
      content.replaceChildren(el("p", { id: "order-missing", class: "warning" },
        "No order " + id + " is known here" + (body && body.error ? ": " + body.error : ".")));
      section.dataset.loaded = "missing";
      return;
    }
    if (status !== 200) throw new Error(body && body.error ? body.error : "HTTP " + status);
    content.replaceChildren(...renderOrder(body));
    section.dataset.loaded = "yes";
  } catch (err) {
    content.replaceChildren(el("p", { class: "warning" }, "cannot read order " + id + " (" + err.message + ")"));
    section.dataset.loaded = "error";
  }
}

// Routing.

function route() {
  const hash = location.hash || "#/";
  const [path, query] = hash.slice(1).split("?");
  clearTimeout(worklistTimer);
  if (path.startsWith("/orders/") && path.length > "/orders/".length) {
    showPage("order");
    loadOrder(decodeURIComponent(path.slice("/orders/".length)));
  } else if (path === "/escalations") {
    showPage("worklist");
    loadWorklist(new URLSearchParams(query || ""));
  } else {
    showPage("metrics");
  }
}

document.getElementById("search").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = document.getElementById("search-id").value.trim();
  if (id) location.hash = orderHref(id);
});
for (const id of ["filter-kind", "filter-level"]) {
  document.getElementById(id).addEventListener("change", () => {
    const q = worklistQuery().toString();
    location.hash = "#/escalations" + (q ? "?" + q : "");
  });
}
window.addEventListener("hashchange", route);
route();
