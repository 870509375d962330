"""DynamoDB access: keys, item codecs, reads and the one-transaction posting writer."""
