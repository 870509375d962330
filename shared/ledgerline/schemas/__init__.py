"""Pydantic models of requests and responses: the API's contract, validation and OpenAPI in one."""
