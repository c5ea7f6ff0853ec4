import { createElement } from 'lwc';
import OimDocumentResult from 'c/oimDocumentResult';

function render(props) {
    const element = createElement('c-oim-document-result', { is: OimDocumentResult });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

const query = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);
const queryAll = (element, id) => [...element.shadowRoot.querySelectorAll(`[data-id="${id}"]`)];

describe('c-oim-document-result', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('links each created document to its record page', () => {
        const element = render({
            success: true,
            documentIds: ['a2A000000000001EAA', 'a2A000000000002EAA'],
            documentNames: ['SIN000001', 'SIN000002'],
            message: 'Created 2 document(s): SIN000001, SIN000002.'
        });

        const links = queryAll(element, 'document-link');
        expect(links.map((a) => a.textContent)).toEqual(['SIN000001', 'SIN000002']);
        expect(links.map((a) => a.getAttribute('href'))).toEqual(['/a2A000000000001EAA', '/a2A000000000002EAA']);
        expect(query(element, 'heading').textContent).toBe('Created');
        expect(query(element, 'message').classList).not.toContain('slds-text-color_error');
        expect(query(element, 'job')).toBeNull();
    });

    it('shows the accepted job id for a large selection', () => {
        const element = render({
            success: true,
            documentIds: [],
            documentNames: [],
            jobId: 'job-0001',
            message: 'Accepted: the documents are created in the background (job job-0001).'
        });

        expect(query(element, 'heading').textContent).toBe('Accepted');
        expect(query(element, 'job').textContent).toContain('job-0001');
        expect(queryAll(element, 'document-link')).toHaveLength(0);
    });

    it('shows the reason in error colour when nothing was created', () => {
        const element = render({
            success: false,
            message: 'The connector refused the request: recordIds: give between 1 and 5000 record ids'
        });

        expect(query(element, 'heading').textContent).toBe('Nothing was created');
        expect(query(element, 'message').textContent).toContain('give between 1 and 5000');
        expect(query(element, 'message').classList).toContain('slds-text-color_error');
        expect(queryAll(element, 'document-link')).toHaveLength(0);
    });

    it('falls back to the id when a name is missing and survives null lists from the flow', () => {
        const named = render({ success: true, documentIds: ['a2K000000000001EAA'], documentNames: [] });
        expect(query(named, 'document-link').textContent).toBe('a2K000000000001EAA');

        const empty = render({ success: true, documentIds: null, documentNames: null, message: 'Nothing to create: no eligible records.' });
        expect(queryAll(empty, 'document-link')).toHaveLength(0);
        expect(query(empty, 'heading').textContent).toBe('Done');
    });
});
