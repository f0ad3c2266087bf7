"""Repairlink: maintenance platform and PMS integration hub."""
