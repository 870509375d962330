"""Logger, Metrics and Tracer shared by every function (service name and namespace from env)."""

import os

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "ledgerline"))
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Ledgerline"))
tracer = Tracer()

__all__ = ["logger", "metrics", "tracer", "MetricUnit"]
