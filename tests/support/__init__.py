"""Test helpers shared by the suites: fakes for the ports and small in-memory bundles."""
