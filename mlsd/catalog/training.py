"""Training: labels, training runs, tuning, tracking and the gate a model passes before it is deployed."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="labeling",
        label="Labeling",
        purpose="Human or programmatic labelling (annotation vendors, weak supervision, user feedback).",
        category="training",
        tier="batch",
        shape="tab",
        props={
            "versioned": False,
            "pii": False,
            "access_controlled": False,
        },
        source="SageMaker Ground Truth pricing: $0.08 per labelled object (first 50k/month) plus workforce "
        "cost; Snorkel (Ratner et al., VLDB 2018) for programmatic labels.",
    ),
    Kind(
        kind="training_pipeline",
        label="Training pipeline",
        purpose="Builds the training set, trains and evaluates a model, and writes the artifact.",
        category="training",
        tier="batch",
        shape="box3d",
        props={
            "retrain_every_hours": 24,
            "replicas": 1,
            "gpu": True,
            "cost_per_hour": 1.006,
            "versioned": False,
            "reproducible": False,
            "slice_eval": False,
            "alerts_on_failure": False,
        },
        source="EC2 g5.xlarge (1× A10G 24 GB) $1.006/h on demand; daily retraining is a common default "
        "(Rules of ML #8 on freshness); ML Test Score Infra 1 (training is reproducible).",
    ),
    Kind(
        kind="hyperparameter_tuning",
        label="Hyperparameter tuning",
        purpose="Searches hyperparameters with parallel trials (Optuna, Vizier, Ray Tune, SageMaker AMT).",
        category="training",
        tier="batch",
        shape="box3d",
        props={
            "replicas": 4,
            "gpu": True,
            "cost_per_hour": 1.006,
            "reproducible": False,
            "alerts_on_failure": False,
        },
        source="Golovin et al., 'Google Vizier' (KDD 2017); 4 parallel trials on EC2 g5.xlarge at "
        "$1.006/h each.",
    ),
    Kind(
        kind="experiment_tracking",
        label="Experiment tracking",
        purpose="Records each run's code version, data, params, metrics and artifacts (MLflow, W&B).",
        category="training",
        tier="batch",
        shape="note",
        props={
            "replicas": 1,
            "cost_per_hour": 0.096,
            "versioned": True,
            "access_controlled": False,
        },
        source="MLflow Tracking docs: runs log params, metrics, artifacts and git commit; self-hosted "
        "server on EC2 m6i.large $0.096/h; open by default (no auth).",
    ),
    Kind(
        kind="model_registry",
        label="Model registry",
        purpose="Versioned model artifacts with stages (staging, production) that deployment reads from.",
        category="training",
        tier="batch",
        shape="folder",
        props={
            "versioned": True,
            "model_version_kept": True,
            "storage_gb": 100,
            "cost_per_gb_month": 0.023,
            "access_controlled": False,
        },
        source="MLflow Model Registry docs: every registered version is kept and can be promoted again; "
        "artifacts on S3 Standard $0.023/GB-month.",
    ),
    Kind(
        kind="validation_gate",
        label="Model validation gate",
        purpose="Blocks a candidate model that is worse than production on holdout metrics or slices.",
        category="training",
        tier="batch",
        shape="hexagon",
        props={
            "slice_eval": False,
            "alerts_on_failure": False,
        },
        source="TFX Evaluator docs (blessing against a baseline model with thresholds); ML Test Score "
        "Infra 4 (validated before serving) and Model 6 (quality on important slices).",
    ),
]
