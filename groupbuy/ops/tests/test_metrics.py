import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from groupbuy.deals.tests.factories import join_and_pay, make_deal

pytestmark = pytest.mark.django_db


def samples(text: str) -> dict[tuple, float]:
    """Return {(sample name, sorted label items): value}."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **extra) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_metrics_refuse_an_address_outside_the_allowed_networks(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert b"groupbuy_" not in response.content


def test_metrics_ignore_x_forwarded_for(client):
    # given: a remote peer claiming to be local
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
        {"HTTP_FORWARDED": "for=203.0.113.9;proto=https"},
        {"HTTP_X_REAL_IP": "203.0.113.9"},
    ],
)
def test_metrics_refuse_a_visitor_relayed_by_a_proxy_on_the_same_machine(
    client, settings, header
):
    # given: nginx on the same machine (the peer is 127.0.0.1) relaying a visitor
    # from the internet, as docs/deployment.md's configuration does
    settings.GROUPBUY_METRICS_TOKEN = "s3cret-token-value"
    # when
    relayed = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **header)
    scraper = client.get(
        "/metrics",
        REMOTE_ADDR="127.0.0.1",
        HTTP_AUTHORIZATION="Bearer s3cret-token-value",
        **header,
    )
    # then: the visitor is refused; Prometheus with the token is not
    assert relayed.status_code == 403
    assert b"groupbuy_" not in relayed.content
    assert scraper.status_code == 200


def test_metrics_accept_the_token_from_anywhere(client, settings):
    settings.GROUPBUY_METRICS_TOKEN = "s3cret-token-value"

    wrong = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope"
    )
    right = client.get(
        "/metrics",
        REMOTE_ADDR="203.0.113.9",
        HTTP_AUTHORIZATION="Bearer s3cret-token-value",
    )

    assert wrong.status_code == 403
    assert right.status_code == 200


def test_requests_are_counted_and_timed_by_route(client):
    before = samples(scrape(client))
    key = (
        "groupbuy_http_requests_total",
        (("method", "GET"), ("route", "/api/health"), ("status", "200")),
    )

    # when
    for _ in range(3):
        assert client.get("/api/health").status_code == 200
    client.get("/no/such/page")

    # then
    after = samples(scrape(client))
    assert after[key] - before.get(key, 0) == 3
    count = (
        "groupbuy_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/api/health")),
    )
    assert after[count] - before.get(count, 0) == 3
    unmatched = (
        "groupbuy_http_requests_total",
        (("method", "GET"), ("route", "unmatched"), ("status", "404")),
    )
    assert after[unmatched] >= 1


def test_request_ids_are_echoed_or_made(client):
    given = client.get("/api/health", HTTP_X_REQUEST_ID="abc-123")
    made = client.get("/api/health", HTTP_X_REQUEST_ID="bad id with spaces")

    assert given["X-Request-ID"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])


def test_business_events_come_from_the_records(client):
    # given: two paid orders of one deal
    deal = make_deal()
    join_and_pay(deal)
    join_and_pay(deal)

    # when
    values = samples(scrape(client))

    # then
    assert values[("groupbuy_joins_total", ())] == 2
    assert values[("groupbuy_payments_captured_total", ())] == 2
    assert values[("groupbuy_refunds_total", ())] == 0
    assert values[("groupbuy_deals_closed_total", (("outcome", "failed"),))] == 0
    assert values[("groupbuy_job_queue_depth", ())] == 0
    deliveries = {
        labels: value
        for (name, labels), value in values.items()
        if name == "groupbuy_notification_deliveries"
    }
    assert sum(deliveries.values()) >= 2


def test_jobs_are_counted_and_carry_the_request_id(client, caplog):
    from groupbuy.ops.tasks import worker_heartbeat

    key = ("groupbuy_jobs_total", (("job", "worker_heartbeat"), ("outcome", "ok")))
    before = samples(scrape(client)).get(key, 0)

    # when: a job is queued inside a request's context (jobs run inline here)
    import structlog

    structlog.contextvars.bind_contextvars(request_id="req-jobs-1")
    try:
        with caplog.at_level("INFO", logger="groupbuy.job"):
            worker_heartbeat()
    finally:
        structlog.contextvars.clear_contextvars()

    # then
    assert samples(scrape(client))[key] - before == 1
    job_lines = [r for r in caplog.records if r.name == "groupbuy.job"]
    assert job_lines and job_lines[-1].msg["request_id"] == "req-jobs-1"
