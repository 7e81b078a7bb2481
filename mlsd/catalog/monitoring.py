"""Monitoring: seeing the system and its predictions in production, and testing changes on live traffic."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="metrics_dashboard",
        label="Metrics & dashboards",
        purpose="Time series of latency, traffic, errors, saturation, model metrics (Prometheus, Grafana).",
        category="monitoring",
        tier="online",
        shape="tab",
        props={
            "replicas": 1,
            "cost_per_hour": 0.096,
            "retention_days": 15,
        },
        source="Google SRE book ch. 6 (the four golden signals); Prometheus default TSDB retention 15 days; "
        "EC2 m6i.large $0.096/h on demand.",
    ),
    Kind(
        kind="logging",
        label="Logging",
        purpose="Central store of request, prediction and application logs (CloudWatch, ELK, Loki).",
        category="monitoring",
        tier="online",
        shape="note",
        props={
            "storage_gb": 1000,
            "cost_per_gb_month": 0.03,
            "retention_days": 0,
            "managed": True,
            "encrypted_at_rest": True,
            "access_controlled": True,
            "pii": False,
        },
        source="CloudWatch Logs pricing: $0.50/GB ingested, $0.03/GB-month stored; log groups never expire "
        "by default; always encrypted at rest; IAM access.",
    ),
    Kind(
        kind="drift_detector",
        label="Drift detector",
        purpose="Compares serving feature and prediction distributions with training (PSI, JS, K-S tests).",
        category="monitoring",
        tier="batch",
        shape="hexagon",
        props={
            "freshness_minutes": 1440,
            "alerts_on_failure": False,
        },
        source="TFDV drift/skew (L-infinity, Jensen-Shannon) and Evidently docs; ML Test Score Monitor 2-3; "
        "daily comparison windows.",
    ),
    Kind(
        kind="alerting",
        label="Alerting",
        purpose="Routes alerts from metrics and jobs to the on-call engineer (Alertmanager, PagerDuty).",
        category="monitoring",
        tier="online",
        shape="triangle",
        props={
            "managed": True,
        },
        source="Google SRE book ch. 6 and 10 (alert on symptoms, page only for urgent action); PagerDuty is "
        "a managed SaaS.",
    ),
    Kind(
        kind="ab_testing",
        label="A/B testing",
        purpose="Assigns users to experiment arms and compares online metrics between model versions.",
        category="monitoring",
        tier="online",
        shape="Mdiamond",
        props={
            "p50_ms": 1,
            "p99_ms": 5,
            "qps_per_replica": 20_000,
            "replicas": 2,
            "cost_per_hour": 0.085,
            "rollout": "ab_test",
        },
        source="Kohavi, Tang & Xu, 'Trustworthy Online Controlled Experiments' (2020): hash-based "
        "assignment in-process or via a sub-ms service; EC2 c6i.large $0.085/h.",
    ),
    Kind(
        kind="shadow_deployment",
        label="Shadow deployment",
        purpose="Runs a candidate model on mirrored live traffic without serving its answers.",
        category="monitoring",
        tier="online",
        shape="component",
        props={
            "p50_ms": 15,
            "p99_ms": 40,
            "qps_per_replica": 300,
            "replicas": 1,
            "cost_per_hour": 0.34,
            "rollout": "shadow",
        },
        source="Huyen, 'Designing ML Systems' ch. 9 (shadow deployment); same CPU model server as online "
        "inference (EC2 c6i.2xlarge $0.34/h), sized for a mirrored share of traffic.",
    ),
]
