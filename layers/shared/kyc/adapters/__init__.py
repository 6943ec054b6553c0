"""Adapters: the only code that talks to AWS and HTTP. Each implements one port of kyc.ports."""
