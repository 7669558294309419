import time
from pathlib import Path

from huey.contrib.djhuey import task


@task()
def slow_job(marker: str, seconds: float) -> None:
    Path(f"{marker}.started").write_text("")
    time.sleep(seconds)
    Path(f"{marker}.done").write_text("")
