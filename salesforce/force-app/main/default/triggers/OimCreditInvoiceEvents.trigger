/** Publishes the connector's events for SCMC__Credit_Invoice__c (see OimDocumentEvents). */
trigger OimCreditInvoiceEvents on SCMC__Credit_Invoice__c (after insert, after update) {
    if (OimDocumentEvents.enabled()) {
        OimDocumentEvents.onCreditInvoices(Trigger.new, Trigger.oldMap);
    }
}
