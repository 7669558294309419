"""Under the real server (uvicorn via ``groupbuy serve``): a chunked 30 MB snap
upload gets 413 and the server stops reading it near the limit.

(What Django stores of it is asserted in test_body_limits.py; its spooled
temporary files are unlinked at once, so a directory listing cannot show them.)
"""

from __future__ import annotations

import socket

import pytest

from tests.support.servers import Deployment, free_port

pytestmark = pytest.mark.slow  # a real server process

MB = 1024 * 1024


def _send_chunked(port: int, path: str, total: int) -> tuple[bytes, int]:
    """Stream ``total`` bytes chunked; return the response and the bytes sent."""
    chunk = b"x" * (64 * 1024)
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        try:
            while sent < total:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: expected past the limit
        answer = b""
        try:
            while part := sock.recv(65536):
                answer += part
        except OSError:
            pass
    return answer, sent


@pytest.fixture
def server(tmp_path):
    deployment = Deployment(
        tmp_path, extra_env={"GROUPBUY_SNAP_MAX_UPLOAD_BYTES": str(MB)}
    )
    deployment.migrate()
    port = free_port()
    deployment.serve(port, with_worker=False)
    yield port
    deployment.stop()


def test_a_chunked_30_mb_snap_gets_413_and_no_temporary_file(server):
    # given
    port = server
    # when
    answer, sent = _send_chunked(port, "/api/snap", 30 * MB)
    # then: answered, and the connection closed long before 30 MB went through
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code": "too_large"' in answer
    assert sent < 15 * MB
