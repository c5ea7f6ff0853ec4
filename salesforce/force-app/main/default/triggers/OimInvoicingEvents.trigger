/** Publishes the connector's events for SCMC__Invoicing__c (see OimDocumentEvents). */
trigger OimInvoicingEvents on SCMC__Invoicing__c (after insert, after update) {
    if (OimDocumentEvents.enabled()) {
        OimDocumentEvents.onInvoicings(Trigger.new, Trigger.oldMap);
    }
}
