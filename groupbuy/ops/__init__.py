"""Operating groupbuy: health, metrics, structured logs, backups, personal data."""
