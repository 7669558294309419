"""Moderation: shoppers report abuse, operators hide it or dismiss the report."""
