"""Sample applications: made-up applicants, US licence cards in the AAMVA layout, real face photos, zips."""
