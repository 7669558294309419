"""The server's clock, shared with every client: an NTP-style time-sync socket,
deadlines as absolute epoch milliseconds, and the countdown script (docs/clock.md)."""
