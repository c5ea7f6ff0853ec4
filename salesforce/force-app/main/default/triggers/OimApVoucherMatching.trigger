/** Validate While Matching on AP vouchers (see OimMatchingValidation). */
trigger OimApVoucherMatching on SCMC__AP_Voucher__c (before update) {
    if (OimMatchingValidation.enabled()) {
        OimMatchingValidation.onMatching(Trigger.new, Trigger.oldMap);
    }
}
