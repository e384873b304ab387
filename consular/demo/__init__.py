"""Deterministic synthetic data for demos and benchmarks."""
