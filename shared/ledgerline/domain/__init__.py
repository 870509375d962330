"""Pure accounting rules: money, accounts, journal entries. No I/O, no boto3, no Powertools."""
