/** Publishes the connector's events for SCMC__AP_Voucher_Credit__c (see OimDocumentEvents). */
trigger OimApVoucherCreditEvents on SCMC__AP_Voucher_Credit__c (after insert, after update) {
    if (OimDocumentEvents.enabled()) {
        OimDocumentEvents.onApVoucherCredits(Trigger.new, Trigger.oldMap);
    }
}
