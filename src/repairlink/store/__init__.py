"""Persistence: tables mapped onto the domain classes, the unit of work, migrations."""
