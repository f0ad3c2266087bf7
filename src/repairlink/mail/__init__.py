"""Mail to the people of an issue (docs/notifications.md): who hears of which event, whether
they can be reached, the messages rendered in the agency's name, sent over SMTP as deliveries
of the outbox (at least once, retried, logged, replayable)."""
