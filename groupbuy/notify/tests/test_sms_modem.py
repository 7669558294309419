"""The GSM modem backend against a simulated modem on a pseudo-terminal."""

import os
import threading
import tty

import httpx
import pytest

from groupbuy.notify.sms import SmsError, SmsRejected
from groupbuy.notify.sms_modem import (
    GsmModemSmsBackend,
    HttpGatewaySmsBackend,
    split_message,
)


class SimulatedModem:
    """Answer AT commands on the master side of a pty; record sent messages."""

    def __init__(self, *, refuse_send: bool = False) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        self._slave = slave
        self.refuse_send = refuse_send
        self.commands: list[str] = []
        self.messages: list[tuple[str, str]] = []  # (number, body) as sent
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _reply(self, text: str) -> None:
        os.write(self.master, text.encode("ascii"))

    def _run(self) -> None:
        buffer, number, reference = b"", None, 0
        while not self._stop:
            try:
                chunk = os.read(self.master, 1024)
            except OSError:
                return
            buffer += chunk
            while True:
                if number is not None:
                    if b"\x1a" not in buffer:
                        break
                    body, buffer = buffer.split(b"\x1a", 1)
                    self.messages.append((number, body.decode("ascii")))
                    number = None
                    reference += 1
                    if self.refuse_send:
                        self._reply("\r\n+CMS ERROR: 500\r\nERROR\r\n")
                    else:
                        self._reply(f"\r\n+CMGS: {reference}\r\n\r\nOK\r\n")
                    continue
                if b"\r" not in buffer:
                    break
                line, buffer = buffer.split(b"\r", 1)
                command = line.decode("ascii").strip()
                self.commands.append(command)
                if command.startswith("AT+CMGS="):
                    number = command.split('"')[1]
                    self._reply("\r\n> ")
                else:
                    self._reply("\r\nOK\r\n")

    def close(self) -> None:
        self._stop = True
        os.close(self.master)
        os.close(self._slave)


@pytest.fixture
def modem():
    simulated = SimulatedModem()
    yield simulated
    simulated.close()


def test_chinese_text_goes_as_ucs2_in_text_mode(modem):
    backend = GsmModemSmsBackend(modem.port, timeout=5)
    message_id = backend.send(
        phone="+8613800138000", text="您的团购券：茉莉花茶", idempotency_key="k1"
    )
    assert message_id == "modem-1"
    assert modem.commands[:4] == [
        "AT",
        "AT+CMGF=1",
        'AT+CSCS="UCS2"',
        "AT+CSMP=17,167,0,8",
    ]
    number, body = modem.messages[0]
    assert bytes.fromhex(number).decode("utf-16-be") == "+8613800138000"
    assert bytes.fromhex(body).decode("utf-16-be") == "您的团购券：茉莉花茶"


def test_long_messages_are_split_and_ascii_goes_as_gsm(modem):
    backend = GsmModemSmsBackend(modem.port, timeout=5)
    text = "x" * 400
    assert (
        backend.send(phone="+8613800138000", text=text, idempotency_key="k2")
        == "modem-1-2-3"
    )
    assert 'AT+CSCS="GSM"' in modem.commands
    bodies = [body for _number, body in modem.messages]
    assert [b[:6] for b in bodies] == ["(1/3) ", "(2/3) ", "(3/3) "]
    assert "".join(b[6:] for b in bodies) == text
    assert all(len(b) <= 160 for b in bodies)


def test_a_refusal_or_a_silent_modem_is_a_retryable_error():
    refusing = SimulatedModem(refuse_send=True)
    try:
        with pytest.raises(SmsError):
            GsmModemSmsBackend(refusing.port, timeout=3).send(
                phone="+8613800138000", text="hi", idempotency_key="k3"
            )
    finally:
        refusing.close()
    master, slave = os.openpty()  # nobody answers
    try:
        with pytest.raises(SmsError):
            GsmModemSmsBackend(os.ttyname(slave), timeout=0.5).send(
                phone="+8613800138000", text="hi", idempotency_key="k4"
            )
    finally:
        os.close(master)
        os.close(slave)


def test_split_keeps_every_part_within_the_limit():
    parts = split_message("团" * 200, size=70)
    assert len(parts) == 4 and all(len(p) <= 70 for p in parts)


def test_http_gateway_sends_json_and_maps_errors(settings):
    settings.GROUPBUY_SMS_HTTP_URL = "https://sms.example/send"
    settings.GROUPBUY_SMS_HTTP_TOKEN = "secret"
    seen = []

    def handler(request):
        seen.append(request)
        if b"bad" in request.content:
            return httpx.Response(422)
        return httpx.Response(200, json={"message_id": "g-1"})

    backend = HttpGatewaySmsBackend(transport=httpx.MockTransport(handler))
    assert backend.send(phone="+86138", text="hi", idempotency_key="k") == "g-1"
    assert seen[0].headers["Authorization"] == "Bearer secret"
    with pytest.raises(SmsRejected):
        backend.send(phone="+86138", text="bad", idempotency_key="k2")
