"""The keyword table that guesses a block's kind from the text of a shape drawn in another tool.

Checked in order, first match wins, so the specific phrases come before the general ones ("online feature
store" before "feature store", "batch prediction" before "prediction"). A keyword matches at the start of a word
of the label, case-insensitively; keywords of three letters or fewer ("S3", "DB", "LB") must be whole words.
Before the table, a label equal to a kind's own label or id ("Online inference", "online_inference") is that kind.
The table is documented in ``docs/formats.md`` (``python -m mlsd.formats.keywords`` prints it; a test checks it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlsd.catalog import KINDS

KEYWORDS: tuple[tuple[str, str], ...] = (
    # features
    ("online feature store", "online_feature_store"), ("offline feature store", "offline_feature_store"),
    ("feature store", "online_feature_store"), ("feast", "online_feature_store"), ("tecton", "online_feature_store"),
    ("embedding store", "embedding_store"), ("embeddings", "embedding_store"),
    ("feature pipeline", "feature_pipeline"), ("feature engineering", "feature_pipeline"),
    ("featurizer", "feature_pipeline"),
    # training jobs before the models they train ("Train XGBoost")
    ("training", "training_pipeline"), ("trainer", "training_pipeline"), ("train", "training_pipeline"),
    # models
    ("xgboost", "gbdt"), ("lightgbm", "gbdt"), ("catboost", "gbdt"), ("gbdt", "gbdt"), ("gbm", "gbdt"),
    ("gradient boost", "gbdt"), ("logistic regression", "logistic_regression"), ("two tower", "two_tower"),
    ("two-tower", "two_tower"), ("transformer", "transformer"), ("bert", "transformer"), ("llm", "transformer"),
    ("gpt", "transformer"), ("multi-stage", "multi_stage_ranker"), ("neural net", "dnn"), ("dnn", "dnn"),
    ("deep learning", "dnn"), ("heuristic", "heuristic_baseline"), ("baseline", "heuristic_baseline"),
    # serving
    ("batch prediction", "batch_prediction"), ("batch scoring", "batch_prediction"),
    ("batch inference", "batch_prediction"), ("candidate", "candidate_generation"),
    ("retrieval", "candidate_generation"), ("re-rank", "reranker"), ("rerank", "reranker"), ("ranker", "reranker"),
    ("ranking", "reranker"), ("inference", "online_inference"), ("model serv", "online_inference"),
    ("prediction service", "online_inference"), ("predictor", "online_inference"), ("triton", "online_inference"),
    ("api gateway", "api_gateway"), ("gateway", "api_gateway"), ("load balancer", "load_balancer"),
    ("lb", "load_balancer"), ("nginx", "load_balancer"), ("cdn", "cdn"), ("redis", "cache"),
    ("memcache", "cache"), ("cache", "cache"),
    # processing
    ("kafka", "message_queue"), ("kinesis", "message_queue"), ("pub/sub", "message_queue"),
    ("pubsub", "message_queue"), ("rabbitmq", "message_queue"), ("sqs", "message_queue"), ("queue", "message_queue"),
    ("spark streaming", "stream_processor"), ("flink", "stream_processor"), ("stream processor", "stream_processor"),
    ("streaming", "stream_processor"), ("spark", "batch_etl"), ("etl", "batch_etl"), ("dbt", "batch_etl"),
    ("airflow", "orchestrator"), ("dagster", "orchestrator"), ("kubeflow", "orchestrator"),
    ("orchestrat", "orchestrator"), ("scheduler", "orchestrator"), ("great expectations", "data_validation"),
    ("data validation", "data_validation"), ("data quality", "data_validation"),
    # storage
    ("s3", "object_storage"), ("gcs", "object_storage"), ("blob", "object_storage"),
    ("object stor", "object_storage"), ("bucket", "object_storage"), ("ebs", "block_storage"),
    ("block storage", "block_storage"), ("hdfs", "hdfs"), ("hadoop", "hdfs"), ("data lake", "data_lake"),
    ("lakehouse", "data_lake"), ("delta lake", "data_lake"), ("iceberg", "data_lake"), ("warehouse", "data_warehouse"),
    ("bigquery", "data_warehouse"), ("snowflake", "data_warehouse"), ("redshift", "data_warehouse"),
    ("dynamodb", "kv_store"), ("cassandra", "kv_store"), ("bigtable", "kv_store"), ("key-value", "kv_store"),
    ("key value", "kv_store"), ("kv", "kv_store"), ("faiss", "vector_index"), ("pinecone", "vector_index"),
    ("milvus", "vector_index"), ("vector", "vector_index"), ("ann index", "vector_index"),
    ("postgres", "relational_db"), ("mysql", "relational_db"), ("sql", "relational_db"),
    ("database", "relational_db"), ("db", "relational_db"),
    # training
    ("label", "labeling"), ("annotat", "labeling"), ("hyperparameter", "hyperparameter_tuning"),
    ("tuning", "hyperparameter_tuning"), ("mlflow", "experiment_tracking"), ("experiment track", "experiment_tracking"),
    ("weights & biases", "experiment_tracking"), ("model registry", "model_registry"), ("registry", "model_registry"),
    ("validation gate", "validation_gate"), ("evaluation", "validation_gate"),
    # monitoring
    ("dashboard", "metrics_dashboard"), ("grafana", "metrics_dashboard"), ("prometheus", "metrics_dashboard"),
    ("metrics", "metrics_dashboard"), ("logging", "logging"), ("logs", "logging"), ("drift", "drift_detector"),
    ("alert", "alerting"), ("pagerduty", "alerting"), ("a/b", "ab_testing"), ("ab test", "ab_testing"),
    ("experiment", "ab_testing"), ("shadow", "shadow_deployment"), ("canary", "shadow_deployment"),
    ("monitor", "metrics_dashboard"),
    # privacy
    ("access control", "access_control"), ("iam", "access_control"), ("auth", "access_control"),
    ("kms", "kms"), ("key management", "kms"), ("encrypt", "kms"), ("anonymi", "anonymizer"),
    ("pseudonym", "anonymizer"), ("differential privacy", "differential_privacy"),
    # data sources and clients
    ("third-party", "third_party_api"), ("third party", "third_party_api"), ("external api", "third_party_api"),
    ("sensor", "sensor_logs"), ("iot", "sensor_logs"), ("telemetry", "sensor_logs"), ("clickstream", "user_events"),
    ("events", "user_events"), ("event", "user_events"), ("clicks", "user_events"), ("oltp", "transactional_db"),
    ("transaction", "transactional_db"), ("client", "client"), ("user", "client"), ("shopper", "client"),
    ("customer", "client"), ("mobile", "client"),
    ("browser", "client"), ("web app", "client"), ("frontend", "client"), ("app", "client"),
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for word, kind in KEYWORDS:
        end = r"(?![a-z0-9])" if len(word) <= 3 else ""
        out.append((re.compile(r"(?<![a-z0-9])" + re.escape(word) + end), kind))
    return tuple(out)


@lru_cache(maxsize=1)
def _exact() -> dict[str, str]:
    names = {k.label.lower(): k.kind for k in KINDS.values() if k.kind != "generic"}
    names.update({k: k for k in KINDS})
    names.update({k.replace("_", " "): k for k in KINDS})
    return names


def guess_kind(label: str) -> str | None:
    """The kind a label names (see the module's table), or None when no keyword matches."""
    text = " ".join(label.lower().split())[:400]
    if not text:
        return None
    exact = _exact().get(text)
    if exact is not None:
        return exact
    for pattern, kind in _patterns():
        if pattern.search(text):
            return kind
    return None


def keywords_markdown() -> str:
    """The table as Markdown (docs/formats.md holds it between its markers)."""
    rows: dict[str, list[str]] = {}
    for word, kind in KEYWORDS:
        rows.setdefault(kind, []).append(f"`{word}`")
    lines = ["| Kind | Keywords (first match wins, in this order) |", "|---|---|"]
    lines += [f"| `{kind}` ({KINDS[kind].label}) | {', '.join(words)} |" for kind, words in rows.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(keywords_markdown(), end="")
