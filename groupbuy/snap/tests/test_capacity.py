"""Recognition per process is bounded: a few at once, a short queue, then 503."""

from __future__ import annotations

import json
import threading

import pytest

from groupbuy.catalog.tests.factories import make_user
from groupbuy.snap.capacity import RecognitionGate, SnapBusy
from groupbuy.snap.models import Snap
from groupbuy.snap.recognition.base import RecognitionContext
from groupbuy.snap.tests.helpers import blank_jpeg
from groupbuy.snap.tests.test_api import post_photo, signed_in


class BlockingRecogniser:
    """Hold every recognition until released; count how many run at once."""

    def __init__(self) -> None:
        self.release = threading.Semaphore(0)
        self.running = 0
        self.most_at_once = 0
        self.started = threading.Semaphore(0)
        self._lock = threading.Lock()

    def recognise(self, image):
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.started.release()
        self.release.acquire(timeout=20)
        with self._lock:
            self.running -= 1
        return RecognitionContext()


def test_the_gate_admits_its_slots_then_queues_then_refuses():
    # given
    gate = RecognitionGate(slots=1, queue=1)
    holding, queued_in = threading.Event(), threading.Event()
    outcomes = []

    def hold():
        with gate.slot(wait_seconds=5, retry_after=7):
            holding.set()
            queued_in.wait(5)

    def wait_in_queue():
        with gate.slot(wait_seconds=5, retry_after=7):
            outcomes.append("queued and served")

    first = threading.Thread(target=hold)
    first.start()
    holding.wait(5)
    second = threading.Thread(target=wait_in_queue)
    second.start()
    while gate._waiting == 0:  # the second is in the queue
        pass
    # when
    with pytest.raises(SnapBusy) as refused, gate.slot(wait_seconds=5, retry_after=7):
        pass  # pragma: no cover
    queued_in.set()
    first.join(5)
    second.join(5)
    # then
    assert (refused.value.status, refused.value.retry_after) == (503, 7)
    assert refused.value.code == "busy"
    assert outcomes == ["queued and served"]


def test_a_wait_longer_than_allowed_is_refused():
    gate = RecognitionGate(slots=1, queue=5)
    with (
        gate.slot(wait_seconds=1, retry_after=3),
        pytest.raises(SnapBusy),
        gate.slot(wait_seconds=0.05, retry_after=3),
    ):
        pass  # pragma: no cover


@pytest.mark.django_db(transaction=True)
def test_parallel_snaps_beyond_capacity_get_503_with_retry_after(
    settings, media_root, monkeypatch
):
    # given: one slot, one waiting place, and recognitions that hang
    settings.GROUPBUY_SNAP_RECOGNITION_SLOTS = 1
    settings.GROUPBUY_SNAP_RECOGNITION_QUEUE = 1
    settings.GROUPBUY_SNAP_RECOGNITION_WAIT_SECONDS = 10
    settings.GROUPBUY_SNAP_SNAPS_PER_MINUTE = 0
    recogniser = BlockingRecogniser()
    monkeypatch.setattr(
        "groupbuy.snap.engine.get_recogniser", lambda: recogniser, raising=True
    )
    clients = [signed_in(make_user()) for _ in range(4)]
    responses = []

    def snap(client):
        responses.append(post_photo(client, blank_jpeg()))

    def wait_for_responses(count):
        while len(responses) < count:
            threading.Event().wait(0.05)

    threads = [threading.Thread(target=snap, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    assert recogniser.started.acquire(timeout=10)
    # when: two are refused while one works and one waits
    wait_for_responses(2)
    refused = list(responses)
    # (one at a time: the in-memory test database does not queue writers)
    recogniser.release.release()
    wait_for_responses(3)
    recogniser.release.release()
    for thread in threads:
        thread.join(20)
    # then
    assert [r.status_code for r in refused] == [503, 503]
    assert refused[0]["Retry-After"] == "5"
    assert refused[0].json()["code"] == "busy"
    assert sorted(r.status_code for r in responses) == [200, 200, 503, 503]
    assert recogniser.most_at_once == 1
    assert Snap.objects.count() == 2


def test_snap_uploads_beyond_slots_and_queue_get_503_before_their_body_is_read(
    settings,
):
    # given: one slot and one waiting place, both taken by uploads in progress
    import asyncio

    from groupbuy.core.tests.test_body_limits import Upload, scope
    from groupbuy.snap.capacity import SnapAdmissionMiddleware

    settings.GROUPBUY_SNAP_RECOGNITION_SLOTS = 1
    settings.GROUPBUY_SNAP_RECOGNITION_QUEUE = 1
    settings.GROUPBUY_SNAP_RETRY_AFTER_SECONDS = 5

    async def scenario():
        release = asyncio.Event()

        async def django(request_scope, receive, send):
            await receive()
            await release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"{}"})

        app = SnapAdmissionMiddleware(django)
        uploads = [Upload([b"photo"]) for _ in range(4)]
        busy = [
            asyncio.create_task(app(scope("/api/snap"), u.receive, u.send))
            for u in uploads[:2]
        ]
        await asyncio.sleep(0.05)
        # when
        await app(scope("/api/snap"), uploads[2].receive, uploads[2].send)
        other_path = asyncio.create_task(
            app(scope("/api/deals/x/join"), uploads[3].receive, uploads[3].send)
        )
        release.set()
        await asyncio.gather(*busy, other_path)
        return uploads

    uploads = asyncio.run(asyncio.wait_for(scenario(), timeout=10))
    # then
    refused = uploads[2]
    assert refused.status == 503
    assert (b"retry-after", b"5") in refused.sent[0]["headers"]
    assert json.loads(refused.body)["code"] == "busy"
    assert refused.bytes_taken == 0
    assert [u.status for u in uploads[:2]] == [200, 200]
    assert uploads[3].status == 200  # other paths are not counted
