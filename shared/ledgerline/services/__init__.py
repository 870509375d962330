"""Use cases: read what a decision needs, apply the domain's rules, post one transaction."""
