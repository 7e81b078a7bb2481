"""Processing: moving and transforming data, as streams or as scheduled batch jobs."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="message_queue",
        label="Message queue",
        purpose="Durable log or queue (Kafka, Kinesis, Pub/Sub) that decouples producers from consumers.",
        category="processing",
        tier="online",
        shape="cds",
        props={
            "p50_ms": 2,
            "p99_ms": 10,
            "qps_per_replica": 50_000,
            "replicas": 3,
            "cost_per_hour": 0.21,
            "retention_days": 7,
            "managed": True,
            "encrypted_at_rest": True,
        },
        source="Amazon MSK pricing: kafka.m5.large $0.21/broker-h, 3 brokers over 3 AZs, always encrypted at "
        "rest; Kafka docs: log.retention.hours=168 (7 days); Confluent benchmark p99 ~5 ms.",
    ),
    Kind(
        kind="stream_processor",
        label="Stream processor",
        purpose="Continuous jobs (Flink, Spark Structured Streaming, Kafka Streams) aggregating events live.",
        category="processing",
        tier="online",
        shape="component",
        props={
            "p50_ms": 50,
            "p99_ms": 500,
            "qps_per_replica": 20_000,
            "replicas": 3,
            "cost_per_hour": 0.192,
            "stateful": True,
            "freshness_minutes": 1,
            "alerts_on_failure": False,
        },
        source="Apache Flink docs: sub-second event-to-result latency with keyed window state; ~20k events/s "
        "per 4-vCPU worker is conservative; EC2 m5.xlarge $0.192/h on demand.",
    ),
    Kind(
        kind="batch_etl",
        label="Batch ETL",
        purpose="Scheduled Spark/SQL jobs that clean, join and aggregate data into tables.",
        category="processing",
        tier="batch",
        shape="box3d",
        props={
            "replicas": 10,
            "cost_per_hour": 0.24,
            "freshness_minutes": 1440,
            "alerts_on_failure": False,
            "versioned": False,
        },
        source="Amazon EMR pricing: m5.xlarge $0.192/h EC2 + $0.048/h EMR = $0.24/node-h; daily runs are the "
        "usual default (freshness 24 h).",
    ),
    Kind(
        kind="data_validation",
        label="Data validation",
        purpose="Schema, range and distribution checks on each data batch before it is used (TFDV, Great "
        "Expectations).",
        category="processing",
        tier="batch",
        shape="hexagon",
        props={
            "replicas": 1,
            "cost_per_hour": 0.192,
            "alerts_on_failure": False,
        },
        source="Breck et al., 'Data Validation for Machine Learning' (MLSys 2019, TFDV); "
        "ML Test Score Data 1; runs as a step of the ETL on one m5.xlarge ($0.192/h).",
    ),
    Kind(
        kind="orchestrator",
        label="Workflow orchestrator",
        purpose="Schedules and retries pipelines as DAGs (Airflow, Dagster, Kubeflow Pipelines).",
        category="processing",
        tier="batch",
        shape="tab",
        props={
            "replicas": 1,
            "cost_per_hour": 0.49,
            "managed": True,
            "alerts_on_failure": False,
        },
        source="Amazon MWAA pricing: small environment $0.49/h (us-east-1); Airflow sends failure e-mails "
        "only when email_on_failure and SMTP are configured.",
    ),
]
