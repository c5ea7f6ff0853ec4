/** Publishes the connector's events for SCMC__Supplier_Site__c (see OimSupplierSiteEvents). */
trigger OimSupplierSiteEvents on SCMC__Supplier_Site__c (after insert, after update) {
    if (OimSupplierSiteEvents.enabled()) {
        OimSupplierSiteEvents.onSites(Trigger.new);
    }
}
