/** Publishes the connector's events for SCMC__AP_Voucher__c (see OimDocumentEvents). */
trigger OimApVoucherEvents on SCMC__AP_Voucher__c (after insert, after update) {
    if (OimDocumentEvents.enabled()) {
        OimDocumentEvents.onApVouchers(Trigger.new, Trigger.oldMap);
    }
}
