"""Two servers share PROMETHEUS_MULTIPROC_DIR: a scrape of either sums both."""

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.servers import Deployment, free_port
from tests.support.waits import HANG_SECONDS

pytestmark = pytest.mark.slow


def health_count(base: str) -> float:
    text = (
        urllib.request.urlopen(f"{base}/metrics", timeout=HANG_SECONDS).read().decode()
    )
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "groupbuy_http_requests_total"
        and sample.labels.get("route") == "/api/health"
    )


def test_a_scrape_of_one_server_counts_the_requests_of_both(tmp_path):
    # given: two servers of one installation sharing the metrics folder
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    deployment = Deployment(
        tmp_path / "data", extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    )
    deployment.data_dir.mkdir()
    deployment.migrate()
    try:
        first = deployment.serve(free_port(), with_worker=False)
        second = deployment.serve(free_port(), with_worker=False)

        # when: the first answers three requests, the second two
        for base, times in ((first, 3), (second, 2)):
            for _ in range(times):
                urllib.request.urlopen(
                    f"{base}/api/health", timeout=HANG_SECONDS
                ).read()

        # then: each scrape sees all five
        assert health_count(first) == 5
        assert health_count(second) == 5
    finally:
        deployment.stop()
