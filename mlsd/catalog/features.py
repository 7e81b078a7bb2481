"""Features: computing feature values once and serving the same values to training and to inference."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="offline_feature_store",
        label="Offline feature store",
        purpose="Historical feature values for training sets built with point-in-time joins (Feast, Tecton).",
        category="features",
        tier="batch",
        shape="cylinder",
        props={
            "storage_gb": 5000,
            "cost_per_gb_month": 0.023,
            "point_in_time": True,
            "versioned": False,
            "encrypted_at_rest": True,
            "access_controlled": False,
            "pii": False,
        },
        source="Feast docs: get_historical_features does point-in-time-correct joins; offline store on S3 "
        "Standard ($0.023/GB-month, SSE-S3 by default since 2023).",
    ),
    Kind(
        kind="online_feature_store",
        label="Online feature store",
        purpose="Latest feature values per entity, read at inference time in a few ms (Feast on Redis, "
        "SageMaker online store).",
        category="features",
        tier="online",
        shape="cylinder",
        props={
            "p50_ms": 2,
            "p99_ms": 8,
            "qps_per_replica": 20_000,
            "replicas": 2,
            "cost_per_hour": 0.206,
            "storage_gb": 10,
            "freshness_minutes": 60,
            "encrypted_at_rest": False,
            "access_controlled": False,
            "pii": False,
        },
        source="Feast/Redis benchmarks: multi-feature reads p99 <10 ms; ElastiCache cache.r6g.large (13 GiB) "
        "≈$0.206/h, at-rest encryption opt-in; hourly materialisation.",
    ),
    Kind(
        kind="embedding_store",
        label="Embedding store",
        purpose="Precomputed user/item embeddings looked up by id at request time (Redis, DynamoDB).",
        category="features",
        tier="online",
        shape="cylinder",
        props={
            "p50_ms": 2,
            "p99_ms": 8,
            "qps_per_replica": 20_000,
            "replicas": 2,
            "cost_per_hour": 0.206,
            "storage_gb": 10,
            "freshness_minutes": 1440,
            "encrypted_at_rest": False,
            "access_controlled": False,
            "pii": False,
        },
        source="Redis benchmark docs: ~100k GETs/s per instance, lower for 1 KB values; 10M × 256-d float32 "
        "≈10 GB on ElastiCache cache.r6g.large ≈$0.206/h; embeddings refreshed daily.",
    ),
    Kind(
        kind="feature_pipeline",
        label="Feature pipeline",
        purpose="Jobs that compute feature values and materialise them into the offline and online stores.",
        category="features",
        tier="batch",
        shape="component",
        props={
            "replicas": 5,
            "cost_per_hour": 0.24,
            "freshness_minutes": 60,
            "versioned": False,
            "alerts_on_failure": False,
        },
        source="Feast materialize-incremental run hourly on Spark; Amazon EMR m5.xlarge $0.192 + $0.048 "
        "= $0.24/node-h on demand.",
    ),
]
