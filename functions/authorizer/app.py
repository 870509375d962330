"""HTTP API Lambda authorizer (payload 2.0, simple responses).

Authenticates the bearer token only; which business it may act for (403) is decided per request
in the ledger layer. Raising ``Exception("Unauthorized")`` is how API Gateway is told to answer 401.
"""

from ledgerline import cold_start  # first: no garbage collection while the container starts

# isort: split
from typing import Any

from ledgerline.observability import logger
from ledgerline.services.businesses import authenticate

BEARER = "bearer "


@cold_start.settles
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    header = (event.get("headers") or {}).get("authorization", "")
    token = header[len(BEARER) :].strip() if header[: len(BEARER)].lower() == BEARER else ""
    business_ids = authenticate(token) if token else None
    if not business_ids:
        logger.info("token refused")  # never the token itself
        raise Exception("Unauthorized")
    return {"isAuthorized": True, "context": {"business_ids": ",".join(business_ids)}}
