"""A client that sends requests the way a caller would: through the local API Gateway and its authorizer."""

import json
from dataclasses import dataclass
from typing import Any

from ledgerline.services import businesses
from ledgerline_tools.gateway import HttpResponse, LocalGateway

_gateway: LocalGateway | None = None


def gateway() -> LocalGateway:
    global _gateway
    if _gateway is None:
        _gateway = LocalGateway()
    return _gateway


@dataclass
class Api:
    """Sends requests the way a caller would: through the route table and the authorizer."""

    business_id: str
    token: str
    accounts: dict[str, str]

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        query: str = "",
        token: str | None = "default",
    ) -> HttpResponse:
        sent = {"content-type": "application/json"}
        if token == "default":
            sent["authorization"] = f"Bearer {self.token}"
        elif token is not None:
            sent["authorization"] = token
        sent.update(headers or {})
        raw = body if body is not None else (json.dumps(json_body) if json_body is not None else b"")
        raw = raw.encode() if isinstance(raw, str) else raw
        return gateway().handle(method, path, query, sent, raw)

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("DELETE", path, **kwargs)

    @property
    def base(self) -> str:
        return f"/v1/businesses/{self.business_id}"


def new_api(name: str = "Acme Test Co", timezone: str = "UTC") -> Api:
    """A new business on the current table, and a client holding its token."""
    created = businesses.create_business(name, timezone=timezone)
    return Api(created.business.id, created.token, {a.stable_name: a.id for a in created.accounts})
