// The OIM Connector tab: the connector's administration in Salesforce. Every read and write goes
// through OimAdminController (the admin API behind the OIM_Connector_Admin_API named credential,
// the Export Error records, the retry through the flows' list route).
import { LightningElement } from 'lwc';
import callAdmin from '@salesforce/apex/OimAdminController.callAdmin';
import exportErrors from '@salesforce/apex/OimAdminController.exportErrors';
import retry from '@salesforce/apex/OimAdminController.retry';

export const FLOWS = [
    { id: 'sales-invoices', key: 'sales_invoices', label: 'Sales Invoices' },
    { id: 'sales-credit-notes', key: 'sales_credit_notes', label: 'Sales Credit Notes' },
    { id: 'payable-invoices', key: 'payable_invoices', label: 'Payable Invoices' },
    { id: 'payable-credit-notes', key: 'payable_credit_notes', label: 'Payable Credit Notes' },
    { id: 'journals', key: 'journals', label: 'Journals' },
    { id: 'vendor-accounts', key: 'vendor_accounts', label: 'Vendor Accounts' }
];
const DOCUMENT_FLOWS = FLOWS.filter((flow) => flow.id !== 'vendor-accounts');
const TABS = [
    ['settings', 'Settings'],
    ['mappings', 'Field Mappings'],
    ['schedules', 'Schedules'],
    ['history', 'Run History'],
    ['errors', 'Export Errors']
];
export const TIME_ZONES = [
    'UTC', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'America/New_York', 'America/Chicago',
    'America/Denver', 'America/Los_Angeles', 'Asia/Singapore', 'Asia/Tokyo', 'Australia/Sydney'
];
const FREQUENCIES = ['hourly', 'daily', 'weekly', 'monthly'];
const LEVELS = ['header', 'line', 'product_line', 'expense_line'];

function reason(error) {
    return (error && error.body && error.body.message) || (error && error.message) || String(error);
}

async function api(method, path, body) {
    const answer = await callAdmin({ method, path, body: body === undefined ? null : JSON.stringify(body) });
    return answer ? JSON.parse(answer) : {};
}

function options(values, selected) {
    return values.map((value) => ({ value, label: value, selected: value === selected }));
}

let rowKey = 0;
function mappingRow(rule) {
    rowKey += 1;
    const level = rule.level || 'header';
    return {
        key: `m${rowKey}`,
        target: rule.target || '',
        source: rule.source || '',
        constant: rule.constant === undefined || rule.constant === null ? '' : String(rule.constant),
        transform: rule.transform || '',
        level,
        levels: options(LEVELS, level)
    };
}

export default class OimAdmin extends LightningElement {
    activeTab = 'settings';
    notice;
    problem;
    busy = false;

    settings;
    settingsVersion;
    general = {};
    flowRows = [];

    mappingFlow = 'sales-invoices';
    mappingRows = [];
    useCustomMappings = true;
    mappingVersion;

    scheduleRows = [];
    historyRows = [];
    errorCounts = [];

    errorFlow = 'sales-invoices';
    errorRows = [];

    connectedCallback() {
        this.loadSettings();
    }

    // -- tabs ------------------------------------------------------------------------------------
    get tabs() {
        return TABS.map(([id, label]) => ({
            id,
            label,
            itemClass: `slds-tabs_default__item${id === this.activeTab ? ' slds-is-active' : ''}`
        }));
    }
    get showSettings() {
        return this.activeTab === 'settings';
    }
    get showMappings() {
        return this.activeTab === 'mappings';
    }
    get showSchedules() {
        return this.activeTab === 'schedules';
    }
    get showHistory() {
        return this.activeTab === 'history';
    }
    get showErrors() {
        return this.activeTab === 'errors';
    }

    selectTab(event) {
        this.activeTab = event.currentTarget.dataset.tab;
        this.notice = undefined;
        this.problem = undefined;
        const loaders = {
            settings: () => this.loadSettings(),
            mappings: () => this.loadMappings(),
            schedules: () => this.loadSchedules(),
            history: () => this.loadHistory(),
            errors: () => this.loadErrors()
        };
        return loaders[this.activeTab]();
    }

    async guarded(work, done) {
        this.busy = true;
        this.problem = undefined;
        try {
            await work();
            if (done) this.notice = done;
        } catch (error) {
            this.notice = undefined;
            this.problem = reason(error);
        } finally {
            this.busy = false;
        }
    }

    // -- settings --------------------------------------------------------------------------------
    loadSettings() {
        return this.guarded(async () => this.showSettingsOf(await api('GET', '/admin/settings')));
    }

    showSettingsOf(answer) {
        this.settings = answer.settings;
        this.settingsVersion = answer.version;
        const general = answer.settings.general || {};
        this.general = {
            defaultCompany: general.default_company || '',
            sendEmails: general.send_emails !== false,
            sendNotifications: general.send_notifications !== false,
            notificationGroup: general.notification_group || ''
        };
        this.flowRows = DOCUMENT_FLOWS.map((flow) => {
            const own = answer.settings[flow.key] || {};
            return {
                id: flow.id,
                key: flow.key,
                label: flow.label,
                createWhen: own.create_when === true,
                autoPost: own.auto_post === true,
                criteria: own.custom_criteria_field || ''
            };
        });
    }

    changeGeneral(event) {
        const { field } = event.target.dataset;
        const value = event.target.type === 'checkbox' ? event.target.checked : event.target.value;
        this.general = { ...this.general, [field]: value };
    }

    changeFlow(event) {
        const { flow, field } = event.target.dataset;
        const value = event.target.type === 'checkbox' ? event.target.checked : event.target.value;
        this.flowRows = this.flowRows.map((row) => (row.id === flow ? { ...row, [field]: value } : row));
    }

    saveSettings() {
        const settings = JSON.parse(JSON.stringify(this.settings));
        settings.general = {
            ...settings.general,
            default_company: this.general.defaultCompany || null,
            send_emails: this.general.sendEmails,
            send_notifications: this.general.sendNotifications,
            notification_group: this.general.notificationGroup || null
        };
        for (const row of this.flowRows) {
            settings[row.key] = {
                ...settings[row.key],
                create_when: row.createWhen,
                auto_post: row.autoPost,
                custom_criteria_field: row.criteria || null
            };
        }
        return this.guarded(async () => {
            this.showSettingsOf(await api('PUT', '/admin/settings', { settings, version: this.settingsVersion }));
        }, 'Settings saved.');
    }

    // -- field mappings --------------------------------------------------------------------------
    get mappingFlows() {
        return FLOWS.map((flow) => ({ value: flow.id, label: flow.label, selected: flow.id === this.mappingFlow }));
    }
    get noMappingRows() {
        return this.mappingRows.length === 0;
    }

    changeMappingFlow(event) {
        this.mappingFlow = event.target.value;
        return this.loadMappings();
    }

    loadMappings() {
        return this.guarded(async () => {
            const view = await api('GET', `/admin/flows/${this.mappingFlow}/mappings`);
            this.mappingRows = (view.custom || []).map(mappingRow);
            this.useCustomMappings = view.useCustomMappings !== false;
            this.mappingVersion = view.version;
        });
    }

    changeMapping(event) {
        const { key, field } = event.target.dataset;
        const value = event.target.value;
        this.mappingRows = this.mappingRows.map((row) =>
            row.key === key ? { ...row, [field]: value, levels: field === 'level' ? options(LEVELS, value) : row.levels } : row
        );
    }

    toggleCustomMappings(event) {
        this.useCustomMappings = event.target.checked;
    }

    addMapping() {
        this.mappingRows = [...this.mappingRows, mappingRow({})];
    }

    removeMapping(event) {
        const { key } = event.currentTarget.dataset;
        this.mappingRows = this.mappingRows.filter((row) => row.key !== key);
    }

    saveMappings() {
        const rules = this.mappingRows.map((row) => {
            const rule = { target: row.target, level: row.level };
            if (row.source) rule.source = row.source;
            if (row.constant !== '') rule.constant = row.constant;
            if (row.transform) rule.transform = row.transform;
            return rule;
        });
        const body = { rules, useCustomMappings: this.useCustomMappings, version: this.mappingVersion };
        return this.guarded(async () => {
            const view = await api('PUT', `/admin/flows/${this.mappingFlow}/mappings`, body);
            this.mappingRows = (view.custom || []).map(mappingRow);
            this.mappingVersion = view.version;
        }, 'Field mappings saved.');
    }

    // -- schedules -------------------------------------------------------------------------------
    loadSchedules() {
        return this.guarded(async () => {
            const { schedules } = await api('GET', '/admin/schedules');
            const byFlow = new Map((schedules || []).map((schedule) => [schedule.flow, schedule]));
            this.scheduleRows = DOCUMENT_FLOWS.map((flow) => {
                const found = byFlow.get(flow.id);
                const spec = (found && found.spec) || {};
                const frequency = spec.frequency || 'daily';
                const timezone = spec.timezone || 'UTC';
                return {
                    id: flow.id,
                    label: flow.label,
                    frequency,
                    frequencies: options(FREQUENCIES, frequency),
                    startTime: spec.startTime || '02:00',
                    timezone,
                    timezones: options(TIME_ZONES, timezone),
                    days: (spec.daysOfWeek || []).join(','),
                    dayOfMonth: spec.dayOfMonth === undefined ? '1' : String(spec.dayOfMonth),
                    enabled: found ? found.state === 'ENABLED' : false,
                    expression: found ? found.expression : 'not scheduled'
                };
            });
        });
    }

    changeSchedule(event) {
        const { flow, field } = event.target.dataset;
        const value = event.target.type === 'checkbox' ? event.target.checked : event.target.value;
        this.scheduleRows = this.scheduleRows.map((row) => {
            if (row.id !== flow) return row;
            const next = { ...row, [field]: value };
            next.frequencies = options(FREQUENCIES, next.frequency);
            next.timezones = options(TIME_ZONES, next.timezone);
            return next;
        });
    }

    saveSchedule(event) {
        const row = this.scheduleRows.find((candidate) => candidate.id === event.currentTarget.dataset.flow);
        const spec = { frequency: row.frequency, startTime: row.startTime, timezone: row.timezone, enabled: row.enabled };
        if (row.frequency === 'weekly') spec.daysOfWeek = row.days.split(',').map((d) => d.trim().toUpperCase()).filter(Boolean);
        if (row.frequency === 'monthly') spec.dayOfMonth = row.dayOfMonth === 'last' ? 'last' : Number(row.dayOfMonth);
        return this.guarded(async () => {
            const saved = await api('PUT', `/admin/schedules/${row.id}`, spec);
            this.scheduleRows = this.scheduleRows.map((candidate) =>
                candidate.id === row.id ? { ...candidate, expression: saved.expression, enabled: saved.state === 'ENABLED' } : candidate
            );
        }, `Schedule of ${row.label} saved.`);
    }

    // -- run history -----------------------------------------------------------------------------
    get hasHistory() {
        return this.historyRows.length > 0;
    }

    loadHistory() {
        return this.guarded(async () => {
            const status = await api('GET', '/admin/status');
            const label = new Map(FLOWS.map((flow) => [flow.id, flow.label]));
            const rows = [];
            const counts = [];
            for (const flow of status.flows || []) {
                if (flow.exportErrors !== undefined) {
                    counts.push({ id: flow.flow, label: label.get(flow.flow) || flow.flow, count: flow.exportErrors === null ? '?' : flow.exportErrors });
                }
                for (const run of flow.lastRuns || []) {
                    rows.push({
                        key: `${flow.flow}-${run.runId}`,
                        flow: label.get(flow.flow) || flow.flow,
                        finishedAt: run.finishedAt,
                        trigger: run.trigger,
                        created: run.counts.created,
                        updated: run.counts.updated,
                        skipped: run.counts.skipped,
                        failed: run.counts.failed,
                        failedClass: run.counts.failed ? 'slds-text-color_error' : '',
                        stoppedReason: run.stoppedReason || ''
                    });
                }
            }
            rows.sort((a, b) => (a.finishedAt < b.finishedAt ? 1 : -1));
            this.historyRows = rows;
            this.errorCounts = counts;
        });
    }

    // -- export errors ---------------------------------------------------------------------------
    get errorFlows() {
        return DOCUMENT_FLOWS.map((flow) => ({ value: flow.id, label: flow.label, selected: flow.id === this.errorFlow }));
    }
    get hasErrors() {
        return this.errorRows.length > 0;
    }
    get nothingSelected() {
        return this.busy || !this.errorRows.some((row) => row.selected);
    }

    changeErrorFlow(event) {
        this.errorFlow = event.target.value;
        return this.loadErrors();
    }

    loadErrors() {
        return this.guarded(async () => {
            const records = await exportErrors({ flowId: this.errorFlow });
            this.errorRows = records.map((record) => ({ ...record, selected: false, url: `/${record.id}` }));
        });
    }

    selectError(event) {
        const { record } = event.target.dataset;
        this.errorRows = this.errorRows.map((row) => (row.id === record ? { ...row, selected: event.target.checked } : row));
    }

    retrySelected() {
        const recordIds = this.errorRows.filter((row) => row.selected).map((row) => row.id);
        const clickNonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
        let summary;
        return this.guarded(async () => {
            summary = await retry({ flowId: this.errorFlow, recordIds, clickNonce });
            const records = await exportErrors({ flowId: this.errorFlow });
            this.errorRows = records.map((record) => ({ ...record, selected: false, url: `/${record.id}` }));
            this.notice = summary;
        });
    }
}
