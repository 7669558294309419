import json

import pytest

from groupbuy.notify.sms import (
    ConsoleSmsBackend,
    FileOutboxSmsBackend,
    MemorySmsBackend,
    SmsRejected,
    get_sms_backend,
)


def test_file_outbox_writes_one_json_file_named_after_the_key(tmp_path):
    # given
    backend = FileOutboxSmsBackend(tmp_path)
    # when
    message_id = backend.send(
        phone="+8613800138000", text="【groupbuy】拼团成功", idempotency_key="ntf_a-sms"
    )
    # then
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ntf_a-sms.json"]
    record = json.loads((tmp_path / "ntf_a-sms.json").read_text(encoding="utf-8"))
    assert record["message_id"] == message_id
    assert record["phone"] == "+8613800138000"
    assert record["text"] == "【groupbuy】拼团成功"
    assert record["idempotency_key"] == "ntf_a-sms"
    assert message_id.startswith("file-")


def test_file_outbox_retry_with_same_key_writes_nothing_new(tmp_path):
    # given
    backend = FileOutboxSmsBackend(tmp_path)
    first = backend.send(phone="+8613800138000", text="one", idempotency_key="k-1")
    # when the same message is sent again (a retry), even with other text
    again = backend.send(phone="+8613800138000", text="two", idempotency_key="k-1")
    other = backend.send(phone="+8613800138000", text="three", idempotency_key="k-2")
    # then
    assert again == first
    assert other != first
    assert sorted(path.name for path in tmp_path.iterdir()) == ["k-1.json", "k-2.json"]
    record = json.loads((tmp_path / "k-1.json").read_text(encoding="utf-8"))
    assert record["text"] == "one"


def test_file_outbox_never_uses_an_unsafe_key_as_a_path(tmp_path):
    backend = FileOutboxSmsBackend(tmp_path / "outbox")
    backend.send(phone="+8613800138000", text="x", idempotency_key="../../etc/passwd")
    names = [path.name for path in (tmp_path / "outbox").iterdir()]
    assert len(names) == 1
    assert len(names[0]) == len("0" * 64 + ".json")
    assert list(tmp_path.iterdir()) == [tmp_path / "outbox"]


def test_file_outbox_requires_a_key(tmp_path):
    with pytest.raises(SmsRejected):
        FileOutboxSmsBackend(tmp_path).send(
            phone="+8613800138000", text="x", idempotency_key=""
        )
    assert list(tmp_path.iterdir()) == []


def test_file_outbox_defaults_to_the_configured_directory(settings, tmp_path):
    settings.GROUPBUY_SMS_OUTBOX_DIR = tmp_path / "sms"
    FileOutboxSmsBackend().send(phone="+8613800138000", text="x", idempotency_key="k")
    assert (tmp_path / "sms" / "k.json").exists()


def test_console_backend_logs_the_message(caplog):
    with caplog.at_level("INFO", logger="groupbuy.notify.sms"):
        message_id = ConsoleSmsBackend().send(
            phone="+8613800138000", text="hello", idempotency_key="k"
        )
    assert message_id.startswith("console-")
    assert "SMS to +8613800138000 [k]: hello" in caplog.text


def test_backend_comes_from_settings(settings):
    settings.GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.MemorySmsBackend"
    assert isinstance(get_sms_backend(), MemorySmsBackend)
