"""Every event the hub tells the outside world about (S-01, S-02): the one catalogue that
webhook subscriptions are checked against. A test keeps it in step with what the code emits."""

from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "issue.created": "An issue was reported",
    "issue.updated": "An issue changed without changing status (appointment, feedback...)",
    "issue.status_changed": "An issue moved to another status",
    "issue.instructed": "A contractor or landlord was instructed (C-04)",
    "issue.closed": "An issue was closed",
    "issue.commented": "A comment was added (C-09)",
    "issue.quote_submitted": "A contractor submitted a quote (C-05)",
    "issue.feedback_requested": "The occupier is asked to rate the job (C-08)",
    "issue.sync_requested": "An agent asked for the issue to be sent to the PMS again (PW-10)",
    "unit.deactivated": "A unit was deactivated (H-05)",
    "unit.reactivated": "A unit was reactivated (H-05)",
    "unit.merged": "Two units were merged (H-06)",
    "occupier.archived": "An occupier was archived (H-03)",
    "occupier.restored": "An occupier was restored",
    "occupier.deleted": "An occupier was deleted (H-04)",
    "occupier.invited": "An occupier was invited to the platform (C-12)",
}
