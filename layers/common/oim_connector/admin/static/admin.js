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

function problems(listId, items) {
  $(listId).replaceChildren(...items.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
}

function selectedFlow() { return $("flow-select").value; }

function showFlow() {
  // Keep what was typed for the flow shown before, so switching flows loses nothing unsaved.
  if (state.flow !== selectedFlow()) read("flow", state.settings[key(state.flow)], FLOW_FIELDS);
  const flow = state.flow = selectedFlow();
  show("flow", state.settings[key(flow)], FLOW_FIELDS);
  $("validate-while-matching").hidden = flow !== "payable-invoices";
  loadMappings();
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
  $("custom-mappings").value = JSON.stringify(data.custom, null, 1);
}

async function saveMappings() {
  let rules;
  try { rules = JSON.parse($("custom-mappings").value || "[]"); } catch (error) {
    problems("mappings-problems", [`Not valid JSON: ${error.message}`]);
    return;
  }
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
    for (const text of [s.flow, s.expression, s.state]) row.append(Object.assign(document.createElement("td"), { textContent: text }));
    return row;
  }));
  if (!ok) $("schedule-message").textContent = data.message;
}

async function saveSchedule() {
  const spec = { frequency: $("schedule-frequency").value, startTime: $("schedule-time").value };
  if (spec.frequency === "weekly") spec.daysOfWeek = $("schedule-days").value.split(",").map((d) => d.trim().toUpperCase()).filter(Boolean);
  if (spec.frequency === "monthly") { const day = $("schedule-day").value.trim(); spec.dayOfMonth = day === "last" ? day : Number(day); }
  const { ok, data } = await api("PUT", `schedules/${selectedFlow()}`, spec);
  $("schedule-message").textContent = ok ? `Scheduled: ${data.expression}` : data.message;
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
  Promise.all([loadSettings(), loadSchedules(), loadStatus()]).then(() => { document.body.dataset.ready = "true"; });
}

start();
