"""Data sources: where the raw data of an ML system is born (user events, OLTP tables, vendors, devices)."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="user_events",
        label="User events",
        purpose="Clickstream events (views, clicks, purchases) sent by clients as they happen.",
        category="data_sources",
        tier="online",
        shape="parallelogram",
        props={
            "pii": True,
            "encrypted_in_transit": False,
            "erasure_supported": False,
            "freshness_minutes": 1,
        },
        source="Events carry user and device ids, which are personal data (GDPR Art. 4(1), Recital 30); "
        "collectors (Snowplow, Segment) deliver within about a minute.",
    ),
    Kind(
        kind="transactional_db",
        label="Transactional DB",
        purpose="The product's OLTP database (orders, accounts, payments), read via replicas, dumps or CDC.",
        category="data_sources",
        tier="online",
        shape="cylinder",
        props={
            "pii": True,
            "storage_gb": 500,
            "cost_per_gb_month": 0.115,
            "encrypted_at_rest": False,
            "access_controlled": False,
            "erasure_supported": False,
        },
        source="AWS RDS pricing, us-east-1: gp3 storage $0.115/GB-month; RDS encryption at rest is opt-in "
        "at creation. Account and order rows hold names, emails, addresses.",
    ),
    Kind(
        kind="third_party_api",
        label="Third-party API",
        purpose="An external vendor API called for data (geocoding, weather, credit, fraud signals).",
        category="data_sources",
        tier="online",
        shape="component",
        props={
            "p50_ms": 100,
            "p99_ms": 500,
            "qps_per_replica": 50,
            "replicas": 1,
            "managed": True,
            "fallback": False,
        },
        source="Google Maps Platform Geocoding API usage limits: 3,000 QPM (50 qps) per project; typical "
        "internet round trips to a vendor are ~100 ms with a long tail.",
    ),
    Kind(
        kind="sensor_logs",
        label="Sensor / device logs",
        purpose="Telemetry from phones, vehicles or IoT devices, uploaded as log files in batches.",
        category="data_sources",
        tier="batch",
        shape="note",
        props={
            "pii": True,
            "storage_gb": 2000,
            "retention_days": 90,
            "erasure_supported": False,
        },
        source="Device ids and GPS traces identify people (EDPB Guidelines 01/2020 on connected vehicles); "
        "90-day raw retention is a common default, not a rule.",
    ),
]
