"""Cloud regions and the jurisdiction whose data-protection law governs data stored there (SEC-9).

A transfer of personal data is a legal event when it crosses a jurisdiction, not a region: us-west-2 →
us-east-1 stays under US law, eu-west-1 (Ireland) → eu-central-1 (Frankfurt) stays inside the GDPR's single
area, while eu-west-1 → eu-west-2 (London) leaves the EU/EEA for the UK and needs a Chapter V basis (here the
Commission's UK adequacy decision). The EU and the EEA (Norway, Iceland, Liechtenstein) are one jurisdiction
for transfers: the GDPR applies across the EEA through the EEA Agreement.

Region names come from the providers' own region lists (read 2026-12): AWS "Regions and Availability Zones"
(docs.aws.amazon.com/global-infrastructure), Google Cloud "Geography and regions"
(cloud.google.com/about/locations), Microsoft Azure "Azure geographies" (azure.microsoft.com/explore/global-
infrastructure/geographies). Zone names (eu-west-1a, europe-west1-b) are reduced to their region first
(``mlsd.analysis.failures.region_of``).

A name the table does not know has no jurisdiction (``None``): the rule then cannot tell whether a flow leaves
the country and says so, rather than guess. Family prefixes cover providers' future regions only where the
whole family lies in one jurisdiction (AWS and GCP ``us-`` regions; the GovCloud ones too); ``eu-`` and
``europe-`` are not such families (London and Zurich are in them), and neither are ``ap-`` or ``asia-``.
"""

from __future__ import annotations

EU = "EU/EEA"

# the law that governs transfers out of a jurisdiction, where the table names one; others get a generic phrase
TRANSFER_LAW: dict[str, str] = {
    EU: "GDPR Chapter V (Art. 44-49: adequacy decision, standard contractual clauses or binding corporate rules)",
    "UK": "UK GDPR Chapter V (UK adequacy regulations, the International Data Transfer Agreement or SCCs with "
          "the UK addendum)",
    "CH": "the Swiss Federal Act on Data Protection (Art. 16-17: adequacy list or contractual safeguards)",
}
GENERIC_TRANSFER_LAW = "the cross-border transfer rules of that jurisdiction"

_AWS = {
    # North America
    "us-east-1": "US", "us-east-2": "US", "us-west-1": "US", "us-west-2": "US",
    "us-gov-east-1": "US", "us-gov-west-1": "US",
    "ca-central-1": "CA", "ca-west-1": "CA", "mx-central-1": "MX",
    # South America
    "sa-east-1": "BR",
    # Europe: eu-west-2 is London (UK), eu-central-2 is Zurich (CH)
    "eu-west-1": EU, "eu-west-3": EU, "eu-central-1": EU, "eu-north-1": EU, "eu-south-1": EU, "eu-south-2": EU,
    "eu-west-2": "UK", "eu-central-2": "CH",
    # Middle East and Africa
    "il-central-1": "IL", "me-south-1": "BH", "me-central-1": "AE", "af-south-1": "ZA",
    # Asia Pacific
    "ap-east-1": "HK", "ap-east-2": "TW", "ap-south-1": "IN", "ap-south-2": "IN",
    "ap-northeast-1": "JP", "ap-northeast-3": "JP", "ap-northeast-2": "KR",
    "ap-southeast-1": "SG", "ap-southeast-2": "AU", "ap-southeast-4": "AU", "ap-southeast-3": "ID",
    "ap-southeast-5": "MY", "ap-southeast-7": "TH",
    "cn-north-1": "CN", "cn-northwest-1": "CN",
}

_GCP = {
    "us-central1": "US", "us-east1": "US", "us-east4": "US", "us-east5": "US", "us-south1": "US",
    "us-west1": "US", "us-west2": "US", "us-west3": "US", "us-west4": "US",
    "northamerica-northeast1": "CA", "northamerica-northeast2": "CA", "northamerica-south1": "MX",
    "southamerica-east1": "BR", "southamerica-west1": "CL",
    # Europe: europe-west2 is London (UK), europe-west6 is Zurich (CH)
    "europe-west1": EU, "europe-west3": EU, "europe-west4": EU, "europe-west8": EU, "europe-west9": EU,
    "europe-west10": EU, "europe-west12": EU, "europe-central2": EU, "europe-north1": EU, "europe-north2": EU,
    "europe-southwest1": EU,
    "europe-west2": "UK", "europe-west6": "CH",
    "me-west1": "IL", "me-central1": "QA", "me-central2": "SA", "africa-south1": "ZA",
    "asia-east1": "TW", "asia-east2": "HK", "asia-northeast1": "JP", "asia-northeast2": "JP",
    "asia-northeast3": "KR", "asia-south1": "IN", "asia-south2": "IN", "asia-southeast1": "SG",
    "asia-southeast2": "ID", "australia-southeast1": "AU", "australia-southeast2": "AU",
}

_AZURE = {
    "eastus": "US", "eastus2": "US", "westus": "US", "westus2": "US", "westus3": "US", "centralus": "US",
    "northcentralus": "US", "southcentralus": "US", "westcentralus": "US",
    "canadacentral": "CA", "canadaeast": "CA", "mexicocentral": "MX",
    "brazilsouth": "BR", "brazilsoutheast": "BR", "chilecentral": "CL",
    "northeurope": EU, "westeurope": EU, "francecentral": EU, "francesouth": EU, "germanywestcentral": EU,
    "germanynorth": EU, "swedencentral": EU, "swedensouth": EU, "italynorth": EU, "polandcentral": EU,
    "spaincentral": EU, "austriaeast": EU, "belgiumcentral": EU, "denmarkeast": EU,
    "norwayeast": EU, "norwaywest": EU,  # Norway: EEA
    "uksouth": "UK", "ukwest": "UK", "switzerlandnorth": "CH", "switzerlandwest": "CH",
    "uaenorth": "AE", "uaecentral": "AE", "qatarcentral": "QA", "israelcentral": "IL",
    "southafricanorth": "ZA", "southafricawest": "ZA",
    "centralindia": "IN", "southindia": "IN", "westindia": "IN", "japaneast": "JP", "japanwest": "JP",
    "koreacentral": "KR", "koreasouth": "KR", "southeastasia": "SG", "eastasia": "HK",
    "australiaeast": "AU", "australiasoutheast": "AU", "australiacentral": "AU", "australiacentral2": "AU",
    "newzealandnorth": "NZ", "indonesiacentral": "ID", "malaysiawest": "MY",
}

JURISDICTION: dict[str, str] = {**_AWS, **_GCP, **_AZURE}

# families that lie wholly in one jurisdiction (new regions of the family included)
_PREFIXES: tuple[tuple[str, str], ...] = (("us-gov-", "US"), ("us-", "US"), ("cn-", "CN"))


def jurisdiction_of(region: str) -> str | None:
    """The jurisdiction of a region name (lower case, zone suffix already removed), or None when unknown."""
    found = JURISDICTION.get(region)
    if found is not None:
        return found
    for prefix, jurisdiction in _PREFIXES:
        if region.startswith(prefix):
            return jurisdiction
    return None


def transfer_law(jurisdiction: str) -> str:
    """The rules a transfer out of ``jurisdiction`` falls under, for a message."""
    return TRANSFER_LAW.get(jurisdiction, GENERIC_TRANSFER_LAW)
