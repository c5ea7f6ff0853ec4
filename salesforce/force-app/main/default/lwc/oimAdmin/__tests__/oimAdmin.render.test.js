// Renders each tab of c-oim-admin with the admin API's answers (data/adminFixtures.json) and, when
// OIM_TAB_HTML names a file, writes the rendered DOM there: scripts/screenshot-admin-tab.sh turns it
// into the screenshot in docs/images (headless Chromium).
import { createElement } from 'lwc';
import OimAdmin from 'c/oimAdmin';
import callAdmin from '@salesforce/apex/OimAdminController.callAdmin';
import exportErrors from '@salesforce/apex/OimAdminController.exportErrors';
import FIXTURES from './data/adminFixtures.json';

jest.mock('@salesforce/apex/OimAdminController.callAdmin', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/OimAdminController.exportErrors', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/OimAdminController.retry', () => ({ default: jest.fn() }), { virtual: true });

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The element's DOM with its shadow tree inlined, as a browser would show it. */
function serialize(node) {
    if (node.nodeType === 3) return node.textContent.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    if (node.nodeType !== 1) return '';
    const children = node.shadowRoot ? [...node.shadowRoot.childNodes] : [...node.childNodes];
    const attrs = [...node.attributes].map((a) => ` ${a.name}="${a.value.replace(/"/g, '&quot;')}"`).join('');
    const state = [];
    if (node.tagName === 'INPUT' && node.type === 'checkbox' && node.checked) state.push(' checked');
    if (node.tagName === 'INPUT' && node.type !== 'checkbox') state.push(` value="${String(node.value).replace(/"/g, '&quot;')}"`);
    if ((node.tagName === 'BUTTON' || node.tagName === 'INPUT') && node.disabled) state.push(' disabled');
    const tag = node.tagName.toLowerCase();
    if (tag === 'input') return `<${tag}${attrs}${state.join('')}>`;
    return `<${tag}${attrs}${state.join('')}>${children.map(serialize).join('')}</${tag}>`;
}

describe('c-oim-admin rendered', () => {
    it('renders every tab from the admin API answers', async () => {
        callAdmin.mockImplementation(async ({ method, path }) => JSON.stringify(FIXTURES.adminAnswers[`${method} ${path}`]));
        exportErrors.mockResolvedValue(FIXTURES.exportErrors);
        const element = createElement('c-oim-admin', { is: OimAdmin });
        document.body.appendChild(element);
        await flush();
        const pages = [];
        for (const label of ['Settings', 'Field Mappings', 'Schedules', 'Run History', 'Export Errors']) {
            [...element.shadowRoot.querySelectorAll('[data-id="tab"]')].find((tab) => tab.textContent === label).click();
            await flush();
            await flush();
            if (label === 'Export Errors') {
                const first = element.shadowRoot.querySelector('[data-id="select-error"]');
                first.checked = true;
                first.dispatchEvent(new CustomEvent('change'));
                await flush();
            }
            expect(element.shadowRoot.querySelector('[data-id="problem"]')).toBeNull();
            pages.push(`<h3 class="shot-caption">${label}</h3>${serialize(element)}`);
        }
        expect(pages.join('')).toContain('INV-000031');
        if (process.env.OIM_TAB_HTML) {
            const css = require('fs').readFileSync(require('path').join(__dirname, 'data', 'slds-lite.css'), 'utf8');
            require('fs').writeFileSync(process.env.OIM_TAB_HTML, `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body>${pages.join('')}</body></html>`);
        }
    });
});
