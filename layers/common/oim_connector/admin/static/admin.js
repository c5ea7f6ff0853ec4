// The admin page: settings, mappings, schedules and status through the admin API (relative URLs,
// so the page works under any API Gateway stage).
"use strict";
const FLOWS = ["sales-invoices", "sales-credit-notes", "payable-invoices", "payable-credit-notes", "journals"];
const FLOW_FIELDS = ["auto_post", "create_when", "custom_criteria_field", "line_limit", "use_custom_mappings", "hook",
  "validate_while_matching"];
const GENERAL_FIELDS = ["default_company", "send_emails", "send_notifications"];
const VENDOR_FIELDS = ["sync_suppliers_to_accounts", "sync_accounts_to_suppliers", "default_ap_control_gla",
  "default_ar_control_gla", "duplicate_check", "duplicate_check_field"];
const state = { version: 0, settings: null, flow: FLOWS[0] };
const $ = (id) => document.getElementById(id);
const key = (flow) => flow.replaceAll("-", "_");

async function api(method, path, body) {
  const response = await fetch(path, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json();
  return { ok: response.ok, data };
}

function show(prefix, values, fields) {
  for (const field of fields) {
    const input = $(`${prefix}-${field}`);
    if (!input || !(field in values)) continue;
    if (input.type === "checkbox") input.checked = Boolean(values[field]);
    else input.value = values[field] ?? "";
  }
}

function read(prefix, target, fields) {
  for (const field of fields) {
    const input = $(`${prefix}-${field}`);
    if (!input || !(field in target)) continue;
    if (input.type === "checkbox") target[field] = input.checked;
    else if (input.type === "number") target[field] = Number(input.value);
    else target[field] = input.value.trim() === "" ? null : input.value.trim();
  }
}

const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const LEVELS = ["header", "line", "product_line", "expense_line"];
const KINDS = ["source", "constant", "transform"];

// A refusal in words: "sales_invoices.line_limit: Input should be ..." -> "Sales invoices, line limit: Input should be ...".
function inWords(text) {
  return String(text).replace(/^schedule: /, "").replace(/Value error, /g, "").replace(/\b([a-z]+(?:_[a-z0-9]+)*)\.([a-z_0-9.]+):/g, (_, group, path) => {
    const words = (s) => s.replaceAll("_", " ").replaceAll(".", ", ");
    const head = words(group);
    return `${head.charAt(0).toUpperCase()}${head.slice(1)}, ${words(path)}:`;
  });
}

// Every problem at once, one per line, in words.
function problems(listId, items) {
  const all = items.flatMap((text) => String(text).split(/;\s+(?=[A-Za-z_.]+:)/));
  $(listId).replaceChildren(...all.map((text) => Object.assign(document.createElement("li"), { textContent: inWords(text) })));
}

function cell(content) {
  const td = document.createElement("td");
  if (content instanceof Node) td.append(content); else td.textContent = String(content ?? "");
  return td;
}

function select(options, value) {
  const element = document.createElement("select");
  element.replaceChildren(...options.map((o) => Object.assign(document.createElement("option"), { value: o, textContent: o.replaceAll("_", " ") })));
  element.value = value;
  return element;
}

function selectedFlow() { return $("flow-select").value; }

function showFlow() {
  // Keep what was typed for the flow shown before, so switching flows loses nothing unsaved.
  if (state.flow !== selectedFlow()) read("flow", state.settings[key(state.flow)], FLOW_FIELDS);
  const flow = state.flow = selectedFlow();
  show("flow", state.settings[key(flow)], FLOW_FIELDS);
  $("validate-while-matching").hidden = flow !== "payable-invoices";
  loadMappings();
  showHistory();
  loadErrors();
}

async function loadSettings() {
  const { data } = await api("GET", "settings");
  state.version = data.version;
  state.settings = data.settings;
  $("version").textContent = `settings version ${data.version}`;
  show("general", data.settings.general, GENERAL_FIELDS);
  show("vendor", data.settings.vendor_accounts, VENDOR_FIELDS);
  showFlow();
}

async function saveSettings() {
  read("general", state.settings.general, GENERAL_FIELDS);
  read("vendor", state.settings.vendor_accounts, VENDOR_FIELDS);
  read("flow", state.settings[key(selectedFlow())], FLOW_FIELDS);
  const { ok, data } = await api("PUT", "settings", { settings: state.settings, expectedVersion: state.version });
  problems("settings-problems", ok ? [] : data.problems || [data.message]);
  $("settings-message").textContent = ok ? `Saved: version ${data.version}` : "Not saved";
  $("settings-message").className = ok ? "ok" : "problems";
  if (ok) await loadSettings();
}

function describeRule(rule) {
  if (rule.source) return rule.source;
  if (rule.transform) return `rule: ${rule.transform}`;
  return JSON.stringify(rule.constant);
}

async function loadMappings() {
  const { data } = await api("GET", `flows/${selectedFlow()}/mappings`);
  $("mapping-objects").textContent = `${data.sourceObject} → ${Object.values(data.targetObjects).flat().join(", ")}`;
  const rows = [...data.defaults.map((r) => ({ ...r, origin: r.overridden ? "default, overridden" : "default" })),
    ...data.custom.map((r) => ({ ...r, origin: "yours" }))];
  $("mapping-table").tBodies[0].replaceChildren(...rows.map((rule) => {
    const row = document.createElement("tr");
    if (rule.overridden) row.className = "overridden";
    for (const text of [rule.level, rule.target, describeRule(rule), rule.origin]) {
      row.append(Object.assign(document.createElement("td"), { textContent: text }));
    }
    return row;
  }));
  $("custom-table").tBodies[0].replaceChildren(...data.custom.map(mappingRow));
}

// One editable row of "your mappings": level, target, where the value comes from, and the value.
function mappingRow(rule = { level: "header", target: "", source: "" }) {
  const row = document.createElement("tr");
  const kind = KINDS.find((k) => rule[k] !== undefined && rule[k] !== null) || "source";
  const value = Object.assign(document.createElement("input"), { type: "text", className: "mapping-value",
    value: kind === "constant" ? (typeof rule.constant === "string" ? rule.constant : JSON.stringify(rule.constant)) : (rule[kind] ?? "") });
  const target = Object.assign(document.createElement("input"), { type: "text", className: "mapping-target", value: rule.target ?? "",
    placeholder: "c2g__Field__c" });
  const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "Remove" });
  remove.addEventListener("click", () => row.remove());
  const level = select(LEVELS, rule.level || "header"); level.className = "mapping-level";
  const from = select(KINDS, kind); from.className = "mapping-kind";
  row.append(cell(level), cell(target), cell(from), cell(value), cell(remove));
  return row;
}

function readMappings() {
  return [...$("custom-table").tBodies[0].rows].map((row) => {
    const kind = row.querySelector(".mapping-kind").value;
    const raw = row.querySelector(".mapping-value").value.trim();
    let value = raw;
    if (kind === "constant") { try { value = JSON.parse(raw); } catch { value = raw; } }
    return { level: row.querySelector(".mapping-level").value, target: row.querySelector(".mapping-target").value.trim(), [kind]: value };
  });
}

async function saveMappings() {
  const rules = readMappings();
  const { ok, data } = await api("PUT", `flows/${selectedFlow()}/mappings`, { rules });
  problems("mappings-problems", ok ? [] : data.problems || [data.message]);
  $("mappings-message").textContent = ok ? `Saved: version ${data.version}` : "Not saved";
  if (ok) { await loadSettings(); }
}

async function loadSchedules() {
  const { ok, data } = await api("GET", "schedules");
  const schedules = ok ? data.schedules : [];
  $("schedule-table").tBodies[0].replaceChildren(...schedules.map((s) => {
    const row = document.createElement("tr");
    row.dataset.flow = s.flow;
    for (const text of [s.flow, describeSchedule(s.spec), s.spec ? s.spec.timezone : "", s.expression, s.state]) row.append(cell(text));
    return row;
  }));
  if (!ok) $("schedule-message").textContent = data.message;
}

function describeSchedule(spec) {
  if (!spec) return "changed outside this page";
  const at = `at ${spec.startTime}`;
  if (spec.frequency === "hourly") return `every hour at minute ${spec.startTime.slice(3)}`;
  if (spec.frequency === "daily") return `every day ${at}`;
  if (spec.frequency === "weekly") return `every ${spec.daysOfWeek.map((d) => d.charAt(0) + d.slice(1).toLowerCase()).join(", ")} ${at}`;
  return `monthly on day ${spec.dayOfMonth} ${at}`;
}

function showScheduleFields() {
  const frequency = $("schedule-frequency").value;
  $("schedule-days").hidden = frequency !== "weekly";
  $("schedule-day-label").hidden = frequency !== "monthly";
}

async function saveSchedule() {
  const spec = { frequency: $("schedule-frequency").value, startTime: $("schedule-time").value,
    timezone: $("schedule-timezone").value.trim() || "UTC" };
  if (spec.frequency === "weekly") spec.daysOfWeek = [...$("schedule-days").querySelectorAll("input:checked")].map((box) => box.value);
  if (spec.frequency === "monthly") { const day = $("schedule-day").value.trim(); spec.dayOfMonth = day === "last" ? day : Number(day); }
  const { ok, data } = await api("PUT", `schedules/${selectedFlow()}`, spec);
  problems("schedule-problems", ok ? [] : [String(data.message).replace(/^The schedule is not valid: /, "")]);
  $("schedule-message").textContent = ok ? `Scheduled: ${describeSchedule(data.spec)} (${data.spec.timezone})` : "Not scheduled";
  await loadSchedules();
}

async function deleteSchedule() {
  const { ok, data } = await api("DELETE", `schedules/${selectedFlow()}`);
  $("schedule-message").textContent = ok ? "Deleted" : data.message;
  await loadSchedules();
}

async function loadStatus() {
  const { data } = await api("GET", "status");
  $("status-table").tBodies[0].replaceChildren(...data.flows.map((flow) => {
    const last = flow.lastRuns[0];
    const cells = [flow.flow, last ? `${last.finishedAt} (${last.trigger})` : "none yet",
      last ? last.counts.created : "", last ? last.counts.skipped : "", last ? last.counts.failed : "",
      flow.exportErrors ?? "?"];
    const row = document.createElement("tr");
    row.dataset.flow = flow.flow;
    for (const text of cells) row.append(Object.assign(document.createElement("td"), { textContent: String(text) }));
    return row;
  }));
  const depths = Object.entries(data.deadLetterQueues).map(([name, depth]) => `${name}: ${depth ?? "?"}`);
  $("dlq-depths").textContent = depths.length ? `Dead-letter queues: ${depths.join(", ")}` : "";
  state.status = data;
  showHistory();
}

function showHistory() {
  const flow = (state.status?.flows || []).find((f) => f.flow === selectedFlow());
  const runs = flow ? flow.lastRuns : [];
  $("history-table").tBodies[0].replaceChildren(...runs.map((run) => {
    const row = document.createElement("tr");
    for (const text of [run.finishedAt, run.trigger, run.counts.created, run.counts.notEligible ?? 0, run.counts.skipped,
      run.counts.failed, run.stoppedReason || ""]) row.append(cell(text));
    return row;
  }));
}

let errorsLoad = 0;

async function loadErrors() {
  // Only the latest load renders: an earlier answer arriving late must not replace newer rows (or their ticks).
  const load = ++errorsLoad;
  const { ok, data } = await api("GET", `flows/${selectedFlow()}/export-errors`);
  if (load !== errorsLoad) return;
  const records = ok ? data.records : [];
  $("errors-all").checked = false;
  $("errors-table").tBodies[0].replaceChildren(...records.map((record) => {
    const row = document.createElement("tr");
    row.dataset.id = record.id;
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: record.id });
    row.append(cell(box), cell(record.name || record.id), cell(record.error));
    return row;
  }));
  $("errors-message").textContent = ok ? (records.length ? `${records.length} record(s)` : "None") : data.message;
}

async function retryErrors() {
  const ids = [...$("errors-table").querySelectorAll("tbody input:checked")].map((box) => box.value);
  if (!ids.length) { problems("errors-problems", ["Choose the records to retry first"]); return; }
  const { ok, data } = await api("POST", `flows/${selectedFlow()}/retry`, { ids });
  // The list is reloaded first, so the retry's outcome stays on screen instead of the reload's count.
  await Promise.all([loadErrors(), loadStatus()]);
  if (ok) {
    const c = data.counts;
    $("errors-message").textContent = `Retried: ${c.created} created, ${c.notEligible} not eligible, ${c.skipped} skipped, ${c.failed} failed again`;
    problems("errors-problems", data.results.filter((r) => r.outcome === "failed").map((r) => `${r.sourceName || r.sourceId}: ${r.errors.join("; ")}`));
  } else {
    problems("errors-problems", [data.message]);
  }
}

function rowOf(cells) {
  const row = document.createElement("tr");
  for (const text of cells) row.append(Object.assign(document.createElement("td"), { textContent: String(text ?? "") }));
  return row;
}

async function runReconcile() {
  const params = new URLSearchParams({ period: $("reconcile-period").value.trim() });
  if ($("reconcile-company").value.trim()) params.set("company", $("reconcile-company").value.trim());
  $("reconcile-message").textContent = "Reconciling...";
  const { ok, data } = await api("GET", `reconcile?${params}`);
  if (!ok) {
    $("reconcile-message").textContent = data.message;
    return;
  }
  const found = data.findings.length;
  $("reconcile-message").textContent = found ? `${found} findings (${data.apiRequests} API requests)`
    : `Everything is in the ledger once, at the same amounts (${data.apiRequests} API requests)`;
  $("reconcile-flows").tBodies[0].replaceChildren(...data.flows.map((f) => rowOf([f.flow, f.sources, f.documents, f.findings])));
  $("reconcile-findings").tBodies[0].replaceChildren(...data.findings.map((f) => rowOf([f.kind,
    f.sourceName || f.sourceId, f.documentName || f.documentId, f.field, f.sourceValue, f.ledgerValue, f.ageDays, f.action])));
}

function start() {
  $("flow-select").replaceChildren(...FLOWS.map((f) => Object.assign(document.createElement("option"), { value: f, textContent: f })));
  $("flow-select").addEventListener("change", showFlow);
  $("save-settings").addEventListener("click", saveSettings);
  $("save-mappings").addEventListener("click", saveMappings);
  $("save-schedule").addEventListener("click", saveSchedule);
  $("delete-schedule").addEventListener("click", deleteSchedule);
  $("refresh-status").addEventListener("click", loadStatus);
  $("run-reconcile").addEventListener("click", runReconcile);
  $("add-mapping").addEventListener("click", () => $("custom-table").tBodies[0].append(mappingRow()));
  $("schedule-frequency").addEventListener("change", showScheduleFields);
  $("schedule-days").append(...WEEK.map((day) => {
    const label = document.createElement("label");
    label.append(Object.assign(document.createElement("input"), { type: "checkbox", value: day, id: `schedule-day-${day}` }),
      ` ${day.charAt(0)}${day.slice(1).toLowerCase()}`);
    return label;
  }));
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
  $("timezones").replaceChildren(...zones.map((zone) => Object.assign(document.createElement("option"), { value: zone })));
  $("refresh-errors").addEventListener("click", loadErrors);
  $("retry-errors").addEventListener("click", retryErrors);
  $("errors-all").addEventListener("change", () => {
    for (const box of $("errors-table").querySelectorAll("tbody input")) box.checked = $("errors-all").checked;
  });
  Promise.all([loadSettings(), loadSchedules(), loadStatus()]).then(() => { document.body.dataset.ready = "true"; });
}

start();
