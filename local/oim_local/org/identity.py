"""Who the local org is and who its API user is: the one Organization and User record, the ids
in the OAuth identity URL (``/id/<orgId>/<userId>``) and what ``/services/oauth2/userinfo``
answers, as the Salesforce CLI's ``org login access-token`` reads them."""

from __future__ import annotations

from typing import Any

from oim_local.org.ids import new_id

ORG_ID = new_id("00D", 1)
USER_ID = new_id("005", 1)
ORG_NAME = "OIM Local Org"
USERNAME = "integration@oim-local.org"
USER_EMAIL = "integration@oim-local.org"
INSTANCE_NAME = "LOCAL"
LOCALE = "en_US"
TIME_ZONE = "GMT"

ORGANIZATION_RECORD: dict[str, Any] = {
    "Id": ORG_ID,
    "Name": ORG_NAME,
    "OrganizationType": "Developer Edition",
    "IsSandbox": False,
    "InstanceName": INSTANCE_NAME,
    "NamespacePrefix": None,
    "TrialExpirationDate": None,
    "DefaultLocaleSidKey": LOCALE,
    "TimeZoneSidKey": TIME_ZONE,
    "LanguageLocaleKey": LOCALE,
    "Country": "GB",
}

USER_RECORD: dict[str, Any] = {
    "Id": USER_ID,
    "Name": "OIM Integration",
    "Username": USERNAME,
    "Email": USER_EMAIL,
    "FirstName": "OIM",
    "LastName": "Integration",
    "Alias": "oimint",
    "IsActive": True,
    "UserType": "Standard",
    "TimeZoneSidKey": TIME_ZONE,
    "LocaleSidKey": LOCALE,
    "LanguageLocaleKey": LOCALE,
}


def identity_urls(instance_url: str) -> dict[str, str]:
    return {
        "enterprise": f"{instance_url}/services/Soap/c/{{version}}/{ORG_ID}",
        "metadata": f"{instance_url}/services/Soap/m/{{version}}/{ORG_ID}",
        "partner": f"{instance_url}/services/Soap/u/{{version}}/{ORG_ID}",
        "rest": f"{instance_url}/services/data/v{{version}}/",
        "sobjects": f"{instance_url}/services/data/v{{version}}/sobjects/",
        "search": f"{instance_url}/services/data/v{{version}}/search/",
        "query": f"{instance_url}/services/data/v{{version}}/query/",
        "profile": f"{instance_url}/{USER_ID}",
    }


def userinfo(instance_url: str) -> dict[str, Any]:
    """The OpenID Connect UserInfo answer (``GET /services/oauth2/userinfo``)."""
    return {
        "sub": f"{instance_url}/id/{ORG_ID}/{USER_ID}",
        "user_id": USER_ID,
        "organization_id": ORG_ID,
        "preferred_username": USERNAME,
        "nickname": USER_RECORD["Alias"],
        "name": USER_RECORD["Name"],
        "email": USER_EMAIL,
        "email_verified": True,
        "given_name": USER_RECORD["FirstName"],
        "family_name": USER_RECORD["LastName"],
        "zoneinfo": TIME_ZONE,
        "locale": LOCALE,
        "language": LOCALE,
        "user_type": "STANDARD",
        "active": True,
        "is_app_installed": True,
        "urls": identity_urls(instance_url),
        "updated_at": "2026-01-01T00:00:00Z",
    }


def identity(instance_url: str) -> dict[str, Any]:
    """The identity URL's answer (``GET /id/<orgId>/<userId>``)."""
    return {
        "id": f"{instance_url}/id/{ORG_ID}/{USER_ID}",
        "asserted_user": True,
        "user_id": USER_ID,
        "organization_id": ORG_ID,
        "username": USERNAME,
        "nick_name": USER_RECORD["Alias"],
        "display_name": USER_RECORD["Name"],
        "email": USER_EMAIL,
        "email_verified": True,
        "first_name": USER_RECORD["FirstName"],
        "last_name": USER_RECORD["LastName"],
        "timezone": TIME_ZONE,
        "active": True,
        "user_type": "STANDARD",
        "language": LOCALE,
        "locale": LOCALE,
        "utcOffset": 0,
        "urls": identity_urls(instance_url),
        "is_app_installed": True,
        "last_modified_date": "2026-01-01T00:00:00.000+0000",
    }
