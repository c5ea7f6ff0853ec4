/** Publishes the connector's events for SCMC__Inventory_Transaction_Perpetual_Record__c (see OimDocumentEvents). */
trigger OimPerpetualRecordEvents on SCMC__Inventory_Transaction_Perpetual_Record__c (after insert, after update) {
    if (OimDocumentEvents.enabled()) {
        OimDocumentEvents.onPerpetualRecords(Trigger.new, Trigger.oldMap);
    }
}
