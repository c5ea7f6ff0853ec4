"""``GET /limits``: the standard entries of Salesforce's Limits resource, each with ``Max`` and
``Remaining``. DailyApiRequests counts the org's real requests and DataStorageMB its live records
(Salesforce counts most records as 2 KB); the others are the allocations of an Enterprise
Edition org with nothing used, as the local org has no reports, emails, events or Bulk jobs.
"""

from __future__ import annotations

from typing import Any

RECORD_STORAGE_KB = 2
DATA_STORAGE_MB = 10_240
FILE_STORAGE_MB = 10_240

# Name -> Max; Remaining == Max (nothing of these is used in the local org).
_UNUSED: dict[str, int] = {
    "ActiveScratchOrgs": 0,
    "AnalyticsExternalDataSizeMB": 40_960,
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentEinsteinDataInsightsStoryCreation": 5,
    "ConcurrentEinsteinDiscoveryStoryCreation": 2,
    "ConcurrentSyncReportRuns": 20,
    "DailyAnalyticsDataflowJobExecutions": 60,
    "DailyAnalyticsUploadedFilesSizeMB": 51_200,
    "DailyAsyncApexExecutions": 250_000,
    "DailyAsyncApexTests": 500,
    "DailyBulkApiBatches": 15_000,
    "DailyBulkV2QueryFileStorageMB": 976_562,
    "DailyBulkV2QueryJobs": 10_000,
    "DailyDeliveredPlatformEvents": 50_000,
    "DailyDurableGenericStreamingApiEvents": 10_000,
    "DailyDurableStreamingApiEvents": 10_000,
    "DailyEinsteinDataInsightsStoryCreation": 1_000,
    "DailyEinsteinDiscoveryPredictAPICalls": 50_000,
    "DailyEinsteinDiscoveryPredictionsByCDC": 500_000,
    "DailyEinsteinDiscoveryStoryCreation": 100,
    "DailyFunctionsApiCallLimit": 235_000,
    "DailyGenericStreamingApiEvents": 10_000,
    "DailyScratchOrgs": 0,
    "DailyStandardVolumePlatformEvents": 10_000,
    "DailyStreamingApiEvents": 10_000,
    "DailyWorkflowEmails": 2_000,
    "DurableStreamingApiConcurrentClients": 1_000,
    "HourlyAsyncReportRuns": 1_200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5_000,
    "HourlyDashboardStatuses": 999_999_999,
    "HourlyLongTermIdMapping": 100_000,
    "HourlyManagedContentPublicRequests": 50_000,
    "HourlyODataCallout": 20_000,
    "HourlyPublishedPlatformEvents": 250_000,
    "HourlyPublishedStandardVolumePlatformEvents": 100_000,
    "HourlyShortTermIdMapping": 100_000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 1_000,
    "MassEmail": 5_000,
    "MonthlyEinsteinDiscoveryStoryCreation": 500,
    "MonthlyPlatformEventsUsageEntitlement": 1_500_000,
    "Package2VersionCreates": 0,
    "Package2VersionCreatesWithoutValidation": 0,
    "PermissionSets": 1_500,
    "PrivateConnectOutboundCalloutHourlyLimitMB": 0,
    "PublishCallbackUsageInApex": 5_000_000,
    "SingleEmail": 5_000,
    "StreamingApiConcurrentClients": 1_000,
}


def limits_body(*, api_used: int, api_limit: int, records: int) -> dict[str, Any]:
    data_used_mb = (records * RECORD_STORAGE_KB + 1023) // 1024
    body: dict[str, Any] = {name: {"Max": top, "Remaining": top} for name, top in _UNUSED.items()}
    body["DailyApiRequests"] = {"Max": api_limit, "Remaining": max(0, api_limit - api_used)}
    body["DataStorageMB"] = {"Max": DATA_STORAGE_MB, "Remaining": max(0, DATA_STORAGE_MB - data_used_mb)}
    body["FileStorageMB"] = {"Max": FILE_STORAGE_MB, "Remaining": FILE_STORAGE_MB}
    return dict(sorted(body.items()))
