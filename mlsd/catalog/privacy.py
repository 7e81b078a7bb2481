"""Privacy & security: who may read what, how keys are kept, and how personal data is reduced."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="access_control",
        label="Access control",
        purpose="Identity and policy checks (IAM, RBAC, OPA) deciding who may read or write a resource.",
        category="privacy",
        tier="online",
        shape="octagon",
        props={
            "p50_ms": 0.5,
            "p99_ms": 2,
            "qps_per_replica": 10_000,
            "replicas": 2,
            "cost_per_hour": 0.085,
            "access_controlled": True,
            "authenticated": True,
        },
        source="Open Policy Agent docs (policy performance): most policies evaluate in well under 1 ms; "
        "sidecar or service on EC2 c6i.large $0.085/h.",
    ),
    Kind(
        kind="kms",
        label="Key management (KMS)",
        purpose="Holds encryption keys in HSMs and wraps data keys (envelope encryption) for stores.",
        category="privacy",
        tier="online",
        shape="Msquare",
        props={
            "p50_ms": 5,
            "p99_ms": 20,
            "qps_per_replica": 10_000,
            "replicas": 1,
            "cost_per_hour": 0.0014,
            "managed": True,
            "access_controlled": True,
            "encrypted_at_rest": True,
        },
        source="AWS KMS pricing: $1 per key-month (≈$0.0014/h) plus $0.03 per 10k requests; request quotas "
        "5,500-100,000/s per region; FIPS 140-validated HSMs.",
    ),
    Kind(
        kind="anonymizer",
        label="Anonymizer",
        purpose="Drops or pseudonymises identifiers (keyed hashing, generalisation) before data leaves a "
        "trusted zone.",
        category="privacy",
        tier="batch",
        shape="trapezium",
        props={
            "replicas": 2,
            "cost_per_hour": 0.192,
            "pii": False,
        },
        source="Article 29 WP Opinion 05/2014 on anonymisation techniques; Microsoft Presidio / Google "
        "Sensitive Data Protection for detection; runs on EC2 m5.xlarge $0.192/h.",
    ),
    Kind(
        kind="differential_privacy",
        label="Differential privacy",
        purpose="Bounds what a model or an aggregate reveals about any one user (DP-SGD, noisy counts).",
        category="privacy",
        tier="batch",
        shape="septagon",
        props={
            "epsilon": 8,
        },
        source="Abadi et al., 'Deep Learning with Differential Privacy' (CCS 2016): 97% MNIST accuracy at "
        "ε=8, δ=1e-5; TF Privacy compute_dp_sgd_privacy reports ε the same way.",
    ),
]
