"""Use cases: each one drives the rules of the core through the ports."""
