"""Records, value objects and rules of the platform. No I/O lives here."""
