"""Models: the predictive model families a design can use, from a heuristic baseline to a transformer."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="heuristic_baseline",
        label="Heuristic baseline",
        purpose="Rules or popularity counts, no learning: the baseline to beat and the fallback for ML.",
        category="models",
        tier="online",
        shape="ellipse",
        props={
            "supervised": False,
            "cold_start": "new_users",  # popular/chronological answers need no history of the user
            "params_millions": 0,
            "ms_per_item": 0.0001,
            "p50_ms": 0.5,
            "p99_ms": 2,
            "qps_per_replica": 20_000,
            "replicas": 2,
            "cost_per_hour": 0.085,
            "gpu": False,
        },
        source="Rules of ML #1 ('don't be afraid to launch a product without ML') and #3; in-memory lookup "
        "on EC2 c6i.large $0.085/h on demand; a counter lookup per item is ~0.1 µs (0.0001 ms).",
    ),
    Kind(
        kind="logistic_regression",
        label="Logistic regression",
        purpose="Linear model on (hashed, crossed) sparse features: fast, calibrated, easy to debug.",
        category="models",
        tier="online",
        shape="ellipse",
        props={
            "supervised": True,
            "params_millions": 1,
            "ms_per_item": 0.0002,
            "p50_ms": 1,
            "p99_ms": 3,
            "qps_per_replica": 10_000,
            "replicas": 2,
            "cost_per_hour": 0.085,
            "gpu": False,
        },
        source="McMahan et al., 'Ad Click Prediction: a View from the Trenches' (KDD 2013): sparse LR with "
        "FTRL; 2^20 hashed weights; a dot product per request on c6i.large ($0.085/h); ~100 sparse weights "
        "per item is ~0.2 µs of a replica (0.0002 ms).",
    ),
    Kind(
        kind="gbdt",
        label="Gradient-boosted trees",
        purpose="XGBoost/LightGBM ensemble on tabular features: strong default for ranking and fraud.",
        category="models",
        tier="online",
        shape="ellipse",
        props={
            "supervised": True,
            "params_millions": 0.13,
            "items_scored": 500,
            "ms_per_item": 0.002,
            "p50_ms": 5,
            "p99_ms": 15,
            "qps_per_replica": 1000,
            "replicas": 2,
            "cost_per_hour": 0.34,
            "gpu": False,
        },
        source="LightGBM docs/benchmarks: 500 trees × 255 leaves ≈0.13M leaves, ~10 µs per row, so 500 rows "
        "in a few ms; 8 cores score ~500k rows/s, so 0.002 ms of a replica per row (1,000 req/s of 500 rows); "
        "EC2 c6i.2xlarge (8 vCPU) $0.34/h on demand.",
    ),
    Kind(
        kind="dnn",
        label="Deep neural network",
        purpose="Embeddings plus MLP ranking model (Wide & Deep, DLRM) scoring candidates on CPU.",
        category="models",
        tier="online",
        shape="ellipse",
        props={
            "supervised": True,
            "params_millions": 50,
            "items_scored": 500,
            "ms_per_item": 0.0066,
            "p50_ms": 15,
            "p99_ms": 40,
            "qps_per_replica": 300,
            "replicas": 3,
            "cost_per_hour": 0.34,
            "gpu": False,
        },
        source="Covington et al., 'Deep Neural Networks for YouTube Recommendations' (RecSys 2016); TF "
        "Serving performance guide (batching on CPU): an embedding + MLP ranker of a few MFLOP per item scores "
        "~150k items/s on 8 vCPUs, so 0.0066 ms of a replica per item (300 req/s of 500 items); EC2 c6i.2xlarge "
        "$0.34/h on demand.",
    ),
    Kind(
        kind="two_tower",
        label="Two-tower model",
        purpose="User and item towers trained jointly; item vectors go to an ANN index, the user tower runs "
        "per request.",
        category="models",
        tier="online",
        shape="ellipse",
        props={
            "supervised": True,
            "params_millions": 20,
            "p50_ms": 5,
            "p99_ms": 15,
            "qps_per_replica": 1000,
            "replicas": 2,
            "cost_per_hour": 0.34,
            "gpu": False,
        },
        source="Yi et al., 'Sampling-Bias-Corrected Neural Modeling for Large Corpus Item Recommendations' "
        "(RecSys 2019); one user-tower pass per request on c6i.2xlarge ($0.34/h).",
    ),
    Kind(
        kind="transformer",
        label="Transformer",
        purpose="Transformer encoder (BERT-style cross-encoder) or LLM for text and sequences, on GPU.",
        category="models",
        tier="online",
        shape="ellipse",
        props={
            "supervised": True,
            "params_millions": 110,
            "items_scored": 500,
            "ms_per_item": 0.25,
            "p50_ms": 150,
            "p99_ms": 500,
            "qps_per_replica": 8,
            "replicas": 2,
            "cost_per_hour": 1.006,
            "gpu": True,
        },
        source="NVIDIA Triton/TensorRT BERT-base FP16 on A10G: a few thousand 128-token sequences/s, so 500 "
        "candidates ≈150 ms, and 4,000 sequences/s is 0.25 ms of a GPU per candidate (8 req/s of 500); "
        "EC2 g5.xlarge $1.006/h on demand.",
    ),
    Kind(
        kind="multi_stage_ranker",
        label="Multi-stage ranker",
        purpose="Funnel of a light ranker over ~1000 candidates, then a heavy ranker over the top ~100.",
        category="models",
        tier="online",
        shape="invtrapezium",
        props={
            "supervised": True,
            "params_millions": 50,
            "items_scored": 1000,
            "ms_per_item": 0.005,
            "p50_ms": 40,
            "p99_ms": 100,
            "qps_per_replica": 200,
            "replicas": 3,
            "cost_per_hour": 0.68,
            "calls": "sequential",
            "gpu": False,
        },
        source="Covington et al. (RecSys 2016) and Instagram Explore (2019, Meta engineering blog) funnels; "
        "EC2 c6i.4xlarge (16 vCPU) $0.68/h on demand; 200 req/s of 1,000 items is 0.005 ms of a replica per "
        "item.",
    ),
]
