"""Jobs of the teams app: each loads what it needs and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.teams import services
from groupbuy.teams.models import Team


@db_task()
def team_complete_task(team_public_id: str) -> str | None:
    team = Team.objects.filter(public_id=team_public_id).first()
    return services.team_complete(team=team).state if team else None


@db_task()
def team_expire_task(team_public_id: str) -> str | None:
    """At a team's deadline (scheduled when it opens): refund it if it is still
    open and its window has ended."""
    team = Team.objects.filter(public_id=team_public_id).first()
    return services.team_expire(team=team).state if team else None


@db_periodic_task(crontab(minute="*"))
def teams_sweep_task() -> dict:
    """Every minute: expire (refund) teams past their window, complete full
    paid teams, free places whose payment window ended. The safety net for a
    team whose scheduled expiry was lost (a queue flushed, a worker down)."""
    return services.teams_sweep()
