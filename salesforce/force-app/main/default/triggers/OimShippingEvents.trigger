/** Publishes the connector's events for SCMC__Shipping__c (see OimDocumentEvents). */
trigger OimShippingEvents on SCMC__Shipping__c (after update) {
    if (OimDocumentEvents.enabled()) {
        OimDocumentEvents.onShippings(Trigger.new, Trigger.oldMap);
    }
}
