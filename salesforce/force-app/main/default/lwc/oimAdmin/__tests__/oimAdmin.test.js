import { createElement } from 'lwc';
import OimAdmin from 'c/oimAdmin';
import callAdmin from '@salesforce/apex/OimAdminController.callAdmin';
import exportErrors from '@salesforce/apex/OimAdminController.exportErrors';
import retry from '@salesforce/apex/OimAdminController.retry';
import FIXTURES from './data/adminFixtures.json';

jest.mock('@salesforce/apex/OimAdminController.callAdmin', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/OimAdminController.exportErrors', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/OimAdminController.retry', () => ({ default: jest.fn() }), { virtual: true });

/** The admin API as the controller relays it: answers by "METHOD path"; records every call. */
// Answers of the connector's admin API in the shapes layers/common/oim_connector/admin writes (also
// what scripts/screenshot-admin-tab.js renders).
const ADMIN_ANSWERS = FIXTURES.adminAnswers;
const EXPORT_ERRORS = FIXTURES.exportErrors;

function serveAdminApi(overrides = {}) {
    const answers = { ...ADMIN_ANSWERS, ...overrides };
    callAdmin.mockImplementation(async ({ method, path, body }) => {
        const key = `${method} ${path}`;
        if (!(key in answers)) throw new Error(`unexpected call ${key}`);
        const answer = answers[key];
        if (answer instanceof Error) throw answer;
        return JSON.stringify(typeof answer === 'function' ? answer(JSON.parse(body)) : answer);
    });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const query = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);
const queryAll = (element, id) => [...element.shadowRoot.querySelectorAll(`[data-id="${id}"]`)];

async function render() {
    const element = createElement('c-oim-admin', { is: OimAdmin });
    document.body.appendChild(element);
    await flush();
    return element;
}

async function openTab(element, label) {
    queryAll(element, 'tab').find((tab) => tab.textContent === label).click();
    await flush();
    await flush();
}

function change(input, value) {
    if (input.type === 'checkbox') input.checked = value;
    else input.value = value;
    input.dispatchEvent(new CustomEvent('change'));
}

describe('c-oim-admin', () => {
    beforeEach(() => serveAdminApi());
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
        jest.clearAllMocks();
    });

    it('shows the settings the admin API holds and saves a change with the version it read', async () => {
        const saved = [];
        serveAdminApi({
            'PUT /admin/settings': (body) => {
                saved.push(body);
                return { version: 8, settings: body.settings };
            }
        });
        const element = await render();

        expect(query(element, 'default-company').value).toBe('Merlin Auto GB');
        expect(queryAll(element, 'flow-row').map((row) => row.cells[0].textContent)).toEqual([
            'Sales Invoices', 'Sales Credit Notes', 'Payable Invoices', 'Payable Credit Notes', 'Journals'
        ]);
        change(queryAll(element, 'create-when')[2], true);
        change(query(element, 'notification-group'), 'Finance_Team');
        query(element, 'save-settings').click();
        await flush();

        expect(saved).toHaveLength(1);
        expect(saved[0].version).toBe(7);
        expect(saved[0].settings.payable_invoices.create_when).toBe(true);
        expect(saved[0].settings.payable_invoices.line_limit).toBe(1000); // what the tab does not show is kept
        expect(saved[0].settings.general.notification_group).toBe('Finance_Team');
        expect(query(element, 'notice').textContent).toBe('Settings saved.');
    });

    it('shows the API refusal in its own words', async () => {
        serveAdminApi({ 'PUT /admin/settings': Object.assign(new Error(), { body: { message: 'general.default_company: at most 80 characters' } }) });
        const element = await render();
        query(element, 'save-settings').click();
        await flush();
        expect(query(element, 'problem').textContent).toBe('general.default_company: at most 80 characters');
    });

    it('edits the field mappings as a table and saves the rows', async () => {
        const saved = [];
        serveAdminApi({
            'PUT /admin/flows/sales-invoices/mappings': (body) => {
                saved.push(body);
                return { ...ADMIN_ANSWERS['GET /admin/flows/sales-invoices/mappings'], custom: body.rules, version: 8 };
            }
        });
        const element = await render();
        await openTab(element, 'Field Mappings');

        expect(queryAll(element, 'mapping-target').map((input) => input.value)).toEqual(['c2g__CustomerReference__c']);
        query(element, 'add-mapping').click();
        await flush();
        const targets = queryAll(element, 'mapping-target');
        change(targets[1], 'c2g__InvoiceDescription__c');
        await flush();
        change(queryAll(element, 'mapping-source')[1], 'SCMC__Sales_Order__r.Name');
        await flush();
        query(element, 'save-mappings').click();
        await flush();

        expect(saved).toEqual([{
            rules: [
                { target: 'c2g__CustomerReference__c', level: 'header', source: 'SCMC__Customer_PO__c' },
                { target: 'c2g__InvoiceDescription__c', level: 'header', source: 'SCMC__Sales_Order__r.Name' }
            ],
            useCustomMappings: true,
            version: 7
        }]);
        expect(query(element, 'notice').textContent).toBe('Field mappings saved.');
    });

    it('saves a schedule with its time zone', async () => {
        const saved = [];
        serveAdminApi({
            'PUT /admin/schedules/journals': (body) => {
                saved.push(body);
                return { flow: 'journals', name: 'oim-journals', expression: 'cron(30 6 * * ? *)', state: 'ENABLED', spec: body };
            }
        });
        const element = await render();
        await openTab(element, 'Schedules');

        const rows = queryAll(element, 'schedule-row');
        expect(rows).toHaveLength(5);
        const journals = rows[4];
        change(journals.querySelector('[data-field="timezone"]'), 'Europe/Paris');
        await flush();
        change(journals.querySelector('[data-field="startTime"]'), '06:30');
        await flush();
        change(journals.querySelector('[data-field="enabled"]'), true);
        await flush();
        journals.querySelector('[data-id="save-schedule"]').click();
        await flush();

        expect(saved).toEqual([{ frequency: 'daily', startTime: '06:30', timezone: 'Europe/Paris', enabled: true }]);
        expect(queryAll(element, 'schedule-expression')[4].textContent).toBe('cron(30 6 * * ? *)');
    });

    it('lists the last runs of every flow, newest first, and the records in Export Error', async () => {
        const element = await render();
        await openTab(element, 'Run History');

        const rows = queryAll(element, 'history-row').map((row) => [...row.cells].map((cell) => cell.textContent));
        expect(rows[0]).toEqual(['2026-12-03T06:00:41Z', 'Payable Invoices', 'event', '1', '0', '0', '0', '']);
        expect(rows[1]).toEqual(['2026-12-03T02:00:12Z', 'Sales Invoices', 'schedule', '12', '0', '3', '2', '']);
        expect(queryAll(element, 'error-count').map((li) => li.textContent)).toContain('Sales Invoices: 2 in Export Error');
    });

    it('retries the selected Export Error records and shows the connector summary', async () => {
        exportErrors.mockResolvedValueOnce(EXPORT_ERRORS).mockResolvedValueOnce(EXPORT_ERRORS.slice(1));
        retry.mockResolvedValue('Created 1 document(s): SIN000031.');
        const element = await render();
        await openTab(element, 'Export Errors');

        expect(exportErrors).toHaveBeenCalledWith({ flowId: 'sales-invoices' });
        expect(queryAll(element, 'error-row')).toHaveLength(2);
        expect(query(element, 'retry').disabled).toBe(true);
        change(queryAll(element, 'select-error')[0], true);
        await flush();
        query(element, 'retry').click();
        await flush();
        await flush();

        expect(retry).toHaveBeenCalledWith(expect.objectContaining({ flowId: 'sales-invoices', recordIds: ['a4A000000000031EAA'] }));
        expect(query(element, 'notice').textContent).toBe('Created 1 document(s): SIN000031.');
        expect(queryAll(element, 'error-row')).toHaveLength(1);
    });
});
