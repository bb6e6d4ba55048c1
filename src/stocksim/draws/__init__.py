"""Randomness: one stream per replication and source of noise, and each replication's concrete
parameters (the scenario's uncertain numbers drawn)."""
