"""Read the one-time codes a journey's server wrote to its SMS file outbox."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

CODE = re.compile(r"\b(\d{6})\b")


def code_from_outbox(data_dir: Path, verification_id: str, timeout=10.0) -> str:
    """Return the code texted for ``verification_id`` (FileOutboxSmsBackend)."""
    path = data_dir / "outbox" / "sms" / f"phone-code-{verification_id}.json"
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"no SMS written to {path}")
        time.sleep(0.2)
    return CODE.search(json.loads(path.read_text(encoding="utf-8"))["text"]).group(1)


def verification_id_from(url: str) -> str:
    return re.search(r"/(vrf_[0-9a-z]+)/", url).group(1)


def sign_up(page, server, *, phone: str, password: str, name: str) -> None:
    """Sign up in the browser, entering the code from the outbox; end signed in."""
    page.goto("/signup/")
    page.fill("#id_phone", phone)
    page.fill("#id_password", password)
    page.fill("#id_display_name", name)
    page.click("#signup-submit")
    page.wait_for_url("**/signup/verify/**")
    page.fill(
        "#id_code", code_from_outbox(server.data_dir, verification_id_from(page.url))
    )
    page.click("#code-submit")
    page.wait_for_selector("#nav-logout")
