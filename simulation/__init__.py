"""The model: state arrays, numba kernels, Mesa model and agents, money ledger, indicators.

No file I/O, plotting or CLI code lives here.
"""
