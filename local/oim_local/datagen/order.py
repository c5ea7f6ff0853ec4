"""The order in which objects are loaded: parents before the records that point at them.

`sf data import tree` resolves ``@referenceId`` values only against records saved by earlier
plan entries, so this order is part of the data set's contract. Where the data model has a
cycle (a source points at its target and the target back at its source), the data sets set
only the source -> target link, which is the one the connector reads.
"""

from __future__ import annotations

LOAD_ORDER: tuple[str, ...] = (
    "RecordType",
    "c2g__codaCompany__c",
    "c2g__codaAccountingCurrency__c",
    "c2g__codaExchangeRate__c",
    "c2g__codaYear__c",
    "c2g__codaPeriod__c",
    "c2g__codaGeneralLedgerAccount__c",
    "c2g__codaDimension1__c",
    "c2g__codaDimension2__c",
    "c2g__codaDimension3__c",
    "c2g__codaDimension4__c",
    "c2g__codaTaxCode__c",
    "Product2",
    "SCMC__Currency_Master__c",
    "SCMC__Product_Group__c",
    "SCMC__Item__c",
    "SCMC__Line_Type_Product_Mapping__c",
    "SCMC__GL_Account__c",
    "SCMC__ICP__c",
    "SCMC__Warehouse__c",
    "SCMC__Inventory_Location__c",
    "SCMC__Reason_Code__c",
    "SCMC__PO_Payment_Terms__c",
    "Account",
    "SCMC__Supplier_Site__c",
    "fferpcore__BillingDocument__c",
    "SCMC__Sales_Order__c",
    "SCMC__Shipping__c",
    "SCMC__Purchase_Order__c",
    "SCMC__Purchase_Order_Line_Item__c",
    # Accounting documents that already exist (exported earlier), before the OIM records
    # that link to them.
    "c2g__codaInvoice__c",
    "c2g__codaInvoiceLineItem__c",
    "c2g__codaCreditNote__c",
    "c2g__codaCreditNoteLineItem__c",
    "c2g__codaPurchaseInvoice__c",
    "c2g__codaPurchaseInvoiceLineItem__c",
    "c2g__codaPurchaseInvoiceExpenseLineItem__c",
    "SCMC__Invoicing__c",
    "SCMC__Invoice_Line_Item__c",
    "SCMC__Credit_Invoice__c",
    "SCMC__Credit_Invoice_Line__c",
    "SCMC__AP_Voucher__c",
    "SCMC__AP_Voucher_Line__c",
    "SCMC__AP_Voucher_Credit__c",
    "SCMC__AP_Voucher_Line_Credit__c",
    "SCMC__Inventory_Transaction_Perpetual_Record__c",
    "SCMC__Inventory_Transaction_Financial_Records__c",
)
