from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last sign of life of a job worker process; /readyz checks its age."""

    worker = models.CharField(max_length=120, unique=True)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self):
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
