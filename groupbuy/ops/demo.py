"""Demo data for operations: the platform's figures, computed now that the
other apps' demo data is in (ops is the last app), so the dashboard's charts
show the demo's day at once rather than after the job's first run."""

from __future__ import annotations

from groupbuy.ops.stats import platform_daily_stats_refresh


def load_demo_data(*, stdout) -> None:
    days = platform_daily_stats_refresh()
    stdout.write(f"ops: platform figures for {len(days)} days\n")
