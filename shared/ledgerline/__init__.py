"""Ledgerline's ledger layer: the domain, the DynamoDB store and the use cases every function shares.

Arrows point one way: ``api`` (HTTP shapes) -> ``services`` (use cases) -> ``domain`` (pure rules)
and ``store`` (DynamoDB). The domain imports neither boto3 nor Powertools.
"""
