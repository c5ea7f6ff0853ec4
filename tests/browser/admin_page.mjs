// Drives the admin page as an administrator would: a refused setting, a saved one, the next run
// showing its effect, the status view and a schedule. Prints a JSON summary for the pytest side.
// usage: node admin_page.mjs <base url> <token printed by admin serve> <screenshot path>
import { chromium } from "playwright-core";

const [base, token, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${base}/admin/page?token=${encodeURIComponent(token)}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  await page.selectOption("#flow-select", "sales-invoices");

  // A criteria field that does not exist on the OIM invoice is refused when saved.
  await page.fill("#flow-custom_criteria_field", "Nope__c");
  await page.click("#save-settings");
  await page.waitForSelector("#settings-problems li");
  result.refused = await page.textContent("#settings-problems");
  await page.fill("#flow-custom_criteria_field", "");

  // A line limit of 2 is saved, and the next run splits documents by it.
  await page.fill("#flow-line_limit", "2");
  await page.click("#save-settings");
  await page.waitForFunction(() => document.querySelector("#settings-message").textContent.startsWith("Saved"));
  result.saved = await page.textContent("#settings-message");
  const run = await (await fetch(`${base}/local/run/sales-invoices`, {
    method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } })).json();
  const first = run.results.find((r) => r.sourceName === "INV-000001");
  result.documentsOfFirstInvoice = first ? first.documents.length : null;

  await page.click("#refresh-status");
  await page.waitForFunction(() => (document.querySelector("#status-table tr[data-flow=sales-invoices]")?.textContent || "").includes("schedule"));
  result.statusRow = await page.textContent("#status-table tr[data-flow=sales-invoices]");

  // Several problems at once, each in words: a bad mapping target and a mapping with no target.
  await page.click("#add-mapping");
  await page.fill("#custom-table tbody tr:last-child .mapping-target", "c2g__Nope__c");
  await page.selectOption("#custom-table tbody tr:last-child .mapping-kind", "constant");
  await page.fill("#custom-table tbody tr:last-child .mapping-value", "x");
  await page.click("#save-mappings");
  await page.waitForSelector("#mappings-problems li");
  result.mappingProblems = await page.$$eval("#mappings-problems li", (items) => items.map((li) => li.textContent));
  await page.click("#custom-table tbody tr:last-child button");

  // A weekly schedule: the weekday picker, a time zone.
  await page.selectOption("#schedule-frequency", "weekly");
  await page.fill("#schedule-time", "06:30");
  await page.fill("#schedule-timezone", "Europe/London");
  await page.check("#schedule-day-MON");
  await page.check("#schedule-day-THU");
  await page.click("#save-schedule");
  await page.waitForSelector("#schedule-table tbody tr");
  result.schedule = await page.textContent("#schedule-table tbody");
  // A weekly schedule with no day: refused in words.
  await page.uncheck("#schedule-day-MON");
  await page.uncheck("#schedule-day-THU");
  await page.click("#save-schedule");
  await page.waitForSelector("#schedule-problems li");
  result.scheduleProblems = await page.textContent("#schedule-problems");

  // The run history of the flow, and its records in Export Error, retried.
  await page.waitForSelector("#history-table tbody tr");
  result.history = await page.textContent("#history-table tbody");
  await page.click("#refresh-errors");
  await page.waitForSelector("#errors-table tbody tr");
  result.exportErrors = await page.$$eval("#errors-table tbody tr", (rows) => rows.map((r) => r.textContent));
  await page.check("#errors-all");
  await page.click("#retry-errors");
  await page.waitForFunction(() => document.querySelector("#errors-message").textContent.startsWith("Retried"));
  result.retried = await page.textContent("#errors-message");
  result.retryProblems = await page.$$eval("#errors-problems li", (items) => items.map((li) => li.textContent));

  // The month-end reconciliation of the sample's March: the old void process's credit note has no source.
  await page.fill("#reconcile-period", "2026/003");
  await page.click("#run-reconcile");
  await page.waitForFunction(() => /findings|Everything/.test(document.querySelector("#reconcile-message").textContent));
  result.reconcileMessage = await page.textContent("#reconcile-message");
  result.reconcileFindings = await page.textContent("#reconcile-findings tbody");

  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
