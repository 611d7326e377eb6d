"""Reduction rules (one module per rule; entry point reduce(instance) -> Reduction)."""
