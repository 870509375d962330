"""`make bench`: the performance targets of SPEC §8, measured against DynamoDB Local (see run.py)."""
