import { LightningElement, api } from 'lwc';

/**
 * Shows what the OIM connector answered on the last screen of the connector's flows:
 * the created documents as links, the background job that accepted a large selection,
 * or the reason nothing was created.
 */
export default class OimDocumentResult extends LightningElement {
    @api success = false;
    @api documentIds = [];
    @api documentNames = [];
    @api message;
    @api jobId;

    get documents() {
        const ids = this.documentIds || [];
        const names = this.documentNames || [];
        return ids.map((id, index) => ({
            id,
            name: names[index] || id,
            url: `/${encodeURIComponent(id)}`
        }));
    }

    get hasDocuments() {
        return this.documents.length > 0;
    }

    get heading() {
        if (!this.success) {
            return 'Nothing was created';
        }
        if (this.jobId) {
            return 'Accepted';
        }
        return this.hasDocuments ? 'Created' : 'Done';
    }

    get messageClass() {
        return this.success ? 'slds-text-body_regular' : 'slds-text-body_regular slds-text-color_error';
    }
}
