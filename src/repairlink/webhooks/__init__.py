"""Generic webhooks (S-02): agencies subscribe URLs to event types; deliveries are signed per
Standard Webhooks, logged, and can be replayed."""
