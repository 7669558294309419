"""SMS through a GSM modem (the patents' 短信猫) and through an HTTP gateway.

``GsmModemSmsBackend`` speaks AT commands over a serial port (pyserial) in text
mode: ``AT+CMGF=1``; Chinese (anything outside ASCII) as UCS-2 (``AT+CSCS="UCS2"``,
``AT+CSMP=17,167,0,8``, number and text in hexadecimal), plain text as GSM.
A message longer than one SMS (70 UCS-2 or 160 GSM characters) is sent as
several, each prefixed with "(1/3)". One sender at a time per port.
Settings: ``GROUPBUY_SMS_MODEM_PORT`` (e.g. /dev/ttyUSB0),
``GROUPBUY_SMS_MODEM_BAUDRATE`` (115200), ``GROUPBUY_SMS_MODEM_TIMEOUT`` (seconds).

``HttpGatewaySmsBackend`` posts ``{"phone", "text", "reference"}`` as JSON to
``GROUPBUY_SMS_HTTP_URL`` with ``Authorization: Bearer GROUPBUY_SMS_HTTP_TOKEN``
and reads ``{"message_id"}``; 4xx is a rejection, anything else a retry.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

from groupbuy.notify.sms import BaseSmsBackend, SmsError, SmsRejected

CTRL_Z = b"\x1a"
UCS2_PART = 70
GSM_PART = 160
_port_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def ucs2_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def split_message(text: str, *, size: int) -> list[str]:
    if len(text) <= size:
        return [text]
    body = size - 7  # room for "(9/9) "
    chunks = [text[start : start + body] for start in range(0, len(text), body)]
    return [
        f"({index}/{len(chunks)}) {chunk}"
        for index, chunk in enumerate(chunks, start=1)
    ]


def _lock_for(port: str) -> threading.Lock:
    with _locks_guard:
        return _port_locks.setdefault(port, threading.Lock())


class GsmModemSmsBackend(BaseSmsBackend):
    def __init__(
        self,
        port: str | None = None,
        *,
        baudrate: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self.port = port or getattr(settings, "GROUPBUY_SMS_MODEM_PORT", "")
        self.baudrate = baudrate or getattr(
            settings, "GROUPBUY_SMS_MODEM_BAUDRATE", 115_200
        )
        self.timeout = timeout or getattr(settings, "GROUPBUY_SMS_MODEM_TIMEOUT", 10)

    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        if not self.port:
            raise SmsRejected("GROUPBUY_SMS_MODEM_PORT is not set")
        import serial

        unicode = not text.isascii()
        parts = split_message(text, size=UCS2_PART if unicode else GSM_PART)
        with _lock_for(self.port):
            try:
                with serial.Serial(self.port, self.baudrate, timeout=0.2) as line:
                    self._setup(line, unicode=unicode)
                    references = [
                        self._send_part(line, phone, part, unicode=unicode)
                        for part in parts
                    ]
            except serial.SerialException as error:
                raise SmsError(f"modem on {self.port}: {error}") from error
        return "modem-" + "-".join(references)

    def _setup(self, line, *, unicode: bool) -> None:
        self._command(line, "AT")
        self._command(line, "AT+CMGF=1")
        if unicode:
            self._command(line, 'AT+CSCS="UCS2"')
            self._command(line, "AT+CSMP=17,167,0,8")
        else:
            self._command(line, 'AT+CSCS="GSM"')
            self._command(line, "AT+CSMP=17,167,0,0")

    def _send_part(self, line, phone: str, part: str, *, unicode: bool) -> str:
        number = ucs2_hex(phone) if unicode else phone
        line.write(f'AT+CMGS="{number}"\r'.encode("ascii"))
        self._read_until(line, (b">",))
        body = ucs2_hex(part) if unicode else part
        line.write(body.encode("ascii", "replace") + CTRL_Z)
        answer = self._read_until(line, (b"OK", b"ERROR"))
        if b"ERROR" in answer:
            raise SmsError(
                f"modem refused the message: {answer.decode(errors='replace')}"
            )
        for row in answer.decode(errors="replace").splitlines():
            if row.startswith("+CMGS:"):
                return row.split(":", 1)[1].strip()
        return "?"

    def _command(self, line, command: str) -> str:
        line.write(f"{command}\r".encode("ascii"))
        answer = self._read_until(line, (b"OK", b"ERROR"))
        if b"ERROR" in answer:
            raise SmsError(f"modem answered {command} with ERROR")
        return answer.decode(errors="replace")

    def _read_until(self, line, endings: tuple[bytes, ...]) -> bytes:
        received = b""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            received += line.read(256)
            if any(ending in received for ending in endings):
                return received
        raise SmsError(f"modem on {self.port} did not answer in {self.timeout} s")


class HttpGatewaySmsBackend(BaseSmsBackend):
    def __init__(self, *, transport=None) -> None:
        self.url = getattr(settings, "GROUPBUY_SMS_HTTP_URL", "")
        self.token = getattr(settings, "GROUPBUY_SMS_HTTP_TOKEN", "")
        self.transport = transport

    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        import httpx

        if not self.url:
            raise SmsRejected("GROUPBUY_SMS_HTTP_URL is not set")
        try:
            with httpx.Client(transport=self.transport, timeout=10) as client:
                response = client.post(
                    self.url,
                    json={"phone": phone, "text": text, "reference": idempotency_key},
                    headers={"Authorization": f"Bearer {self.token}"},
                )
        except httpx.HTTPError as error:
            raise SmsError(f"SMS gateway unreachable: {error}") from error
        if 400 <= response.status_code < 500:
            raise SmsRejected(f"SMS gateway refused: {response.status_code}")
        if response.status_code >= 300:
            raise SmsError(f"SMS gateway failed: {response.status_code}")
        try:
            return str(response.json()["message_id"])
        except (ValueError, KeyError, TypeError) as error:
            raise SmsError("SMS gateway answered without a message id") from error
