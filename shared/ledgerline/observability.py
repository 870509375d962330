"""Logger, Metrics and Tracer shared by every function (service name and namespace from env)."""

import os
import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from ledgerline import cold_start

# Read-only requests publish no metrics; that is expected, not worth a warning per request.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "ledgerline"))
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Ledgerline"))
# Only boto calls are worth a segment; patching every library found costs cold-start time.
tracer = Tracer(patch_modules=["botocore"])

__all__ = ["logger", "metrics", "tracer", "MetricUnit"]


def observed(handler):  # noqa: ANN001, ANN201 - decorator for non-HTTP functions (schedule, queue)
    """Logging context, metrics flush and tracing for a job function, as every HTTP function has."""
    return cold_start.settles(
        logger.inject_lambda_context(clear_state=True)(
            metrics.log_metrics(tracer.capture_lambda_handler(capture_response=False)(handler))
        )
    )
