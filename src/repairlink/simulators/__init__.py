"""HTTP fakes of the PMS APIs the hub talks to, for demos, tests and benchmarks.

Each simulator plays an outside system: it imports nothing of Repairlink but its own package,
so what the hub learns from it is what it would learn from the real API over the wire.
"""
