"""The kinds of message, in the order of an issue's life, with who receives each. An agency
can switch each kind off (mail/switches.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # what the console calls it
    to: str  # who receives it, in plain words
    subject: str  # a Jinja2 template over the message's context


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "issue_reported",
            "Issue reported",
            "the agency's staff",
            "New issue {{ issue.reference }}: {{ issue.title }}",
        ),
        Kind(
            "quotes_requested",
            "Quote requested",
            "each contractor asked",
            "Quote requested: {{ issue.title }} ({{ issue.reference }})",
        ),
        Kind(
            "quote_submitted",
            "Quote submitted",
            "the agency's staff",
            "Quote received for {{ issue.reference }}: {{ issue.title }}",
        ),
        Kind(
            "job_instructed",
            "Job instructed",
            "the contractor or landlord instructed, and the occupier who reported it",
            "Job instructed: {{ issue.title }} ({{ issue.reference }})",
        ),
        Kind(
            "appointment_set",
            "Appointment set",
            "the occupier who reported it",
            "Appointment for {{ issue.title }} ({{ issue.reference }})",
        ),
        Kind(
            "job_completed",
            "Job completed",
            "the agency's staff",
            "Job completed: {{ issue.title }} ({{ issue.reference }})",
        ),
        Kind(
            "feedback_requested",
            "Feedback invited",
            "the occupier who reported it (when feedback is on)",
            "How did the repair go? {{ issue.title }} ({{ issue.reference }})",
        ),
        Kind(
            "issue_closed",
            "Issue closed",
            "the occupier who reported it",
            "Closed: {{ issue.title }} ({{ issue.reference }})",
        ),
        Kind(
            "comment",
            "Message to occupiers",
            "the occupiers living at the unit that day",
            "About {{ issue.title }} ({{ issue.reference }})",
        ),
        Kind(
            "invitation",
            "Invitation",
            "the occupier invited",
            "{{ agency.name }} invites you to report and follow your repairs online",
        ),
    )
}
