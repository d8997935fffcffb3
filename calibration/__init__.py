"""Fitting to observed series and back-tests (the registry in simulation.parameters is what it fits)."""
