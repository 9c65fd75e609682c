"""The polite fetcher against a fixture server on 127.0.0.1 (no other address is contacted)."""

from __future__ import annotations

import pytest

from storyline.ingest.http import FetchConfig, Fetcher, FetchError, fetch_all, is_url
from tests.ingest.feedserver import LAST_MODIFIED, FeedServer, Route, etag_of

FAST = FetchConfig(allow_private=True, delay=0, retries=0, timeout=5)


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def fetcher(**changes) -> Fetcher:
    from dataclasses import replace

    return Fetcher(replace(FAST, **changes))


def test_get_sends_a_descriptive_user_agent_and_reads_validators(server):
    server.routes["/a"] = Route(b"<html><body><p>hi</p></body></html>")
    with fetcher() as f:
        got = f.get(server.url("/a"))
    assert got.status == 200 and got.body.startswith(b"<html>")
    assert got.content_type == "text/html" and got.charset == "utf-8"
    assert got.etag == etag_of(got.body) and got.last_modified == LAST_MODIFIED
    assert server.hits[0].user_agent.startswith("storyline/")


def test_conditional_get_gives_304_with_etag_or_last_modified(server):
    server.routes["/feed"] = Route(b"<rss/>", content_type="application/rss+xml")
    with fetcher() as f:
        first = f.get(server.url("/feed"))
        by_etag = f.get(server.url("/feed"), etag=first.etag)
        by_date = f.get(server.url("/feed"), last_modified=first.last_modified)
    assert by_etag.not_modified and by_etag.body == b""
    assert by_date.not_modified
    assert server.count("/feed", conditional=True) == 2


def test_slow_endpoint_times_out(server):
    server.routes["/slow"] = Route(hang=True)
    with fetcher(timeout=0.3) as f, pytest.raises(FetchError, match="timed out after 0.3 s"):
        f.get(server.url("/slow"))


def test_server_error_is_retried_with_exponential_backoff(server):
    server.routes["/500"] = Route(b"boom", status=500, validators=False)
    waits: list[float] = []
    config = FetchConfig(allow_private=True, delay=0, retries=3, backoff=0.5)
    with Fetcher(config, sleep=waits.append) as f, pytest.raises(FetchError) as caught:
        f.get(server.url("/500"))
    assert "HTTP status 500" in caught.value.reason and caught.value.retry
    assert waits == [0.5, 1.0, 2.0]
    assert server.count("/500") == 4


def test_client_error_is_not_retried(server):
    with fetcher(retries=3) as f, pytest.raises(FetchError, match="HTTP status 404"):
        f.get(server.url("/missing"))
    assert server.count("/missing") == 1


def test_redirect_loop_is_reported(server):
    server.routes["/a"] = Route(status=302, location="/b")
    server.routes["/b"] = Route(status=301, location=server.url("/a"))
    with fetcher() as f, pytest.raises(FetchError, match="redirect loop"):
        f.get(server.url("/a"))


def test_redirect_is_followed_to_the_final_url(server):
    server.routes["/old"] = Route(status=301, location="/new")
    server.routes["/new"] = Route(b"<html><body>new</body></html>")
    with fetcher() as f:
        got = f.get(server.url("/old"))
    assert got.url == server.url("/new") and got.body.endswith(b"</html>")


def test_50_mb_response_stops_at_the_size_limit(server):
    server.routes["/big"] = Route(stream_bytes=50_000_000)
    with fetcher(max_bytes=1_000_000) as f, pytest.raises(FetchError) as caught:
        f.get(server.url("/big"))
    assert "response too large: more than 1.0 MB > 1.0 MB limit" in caught.value.reason


def test_declared_length_over_the_limit_is_refused_before_reading(server):
    server.routes["/declared"] = Route(b"x" * 5000)
    with fetcher(max_bytes=1000) as f, pytest.raises(FetchError, match=r"5\.0 kB > 1\.0 kB"):
        f.get(server.url("/declared"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://a/b"])
def test_non_http_urls_are_refused(url):
    with fetcher() as f, pytest.raises(FetchError, match="not an http"):
        f.get(url)


def test_private_addresses_are_refused_unless_allowed(server):
    server.routes["/a"] = Route(b"<html></html>")
    with Fetcher(FetchConfig(delay=0, retries=0)) as f:
        for url in (server.url("/a"), "http://[::1]/", "http://10.0.0.1/", "http://169.254.1.1/"):
            with pytest.raises(FetchError, match="refused: .* pass --allow-private"):
                f.get(url)
    assert server.hits == []


def test_redirect_to_a_private_address_is_refused(server, monkeypatch):
    """Each hop is checked: a public page may not send the fetcher to a private one."""
    import storyline.ingest.http as http

    server.routes["/hop"] = Route(status=302, location="http://10.1.2.3/secret")
    checked: list[str] = []

    def only_loopback_allowed(url, host, port):
        checked.append(host)
        if host != "127.0.0.1":
            raise FetchError(url, "refused: private")

    monkeypatch.setattr(http, "_refuse_private", only_loopback_allowed)
    with Fetcher(FetchConfig(delay=0, retries=0)) as f, pytest.raises(FetchError, match="refused"):
        f.get(server.url("/hop"))
    assert checked == ["127.0.0.1", "10.1.2.3"]


def test_polite_delay_between_requests_to_one_host(server):
    server.routes["/a"] = Route(b"a")
    waits: list[float] = []
    with Fetcher(FetchConfig(allow_private=True, delay=2.0), sleep=waits.append,
                 clock=lambda: 100.0) as f:  # fmt: skip
        f.get(server.url("/a"))
        f.get(server.url("/a"))
    assert waits == [2.0]


def test_one_request_per_host_at_a_time(server):
    for n in range(12):
        server.routes[f"/p{n}"] = Route(f"page {n}".encode())
    urls = [server.url(f"/p{n}") for n in range(12)]
    with fetcher() as f:
        got = list(fetch_all(f, urls, workers=8))
    assert [u for u, _ in got] == urls
    assert all(r.body == f"page {n}".encode() for n, (_, r) in enumerate(got))
    assert server.max_inflight == 1


def test_fetch_all_reports_each_failure_and_goes_on(server):
    server.routes["/ok"] = Route(b"fine")
    with fetcher() as f:
        got = dict(fetch_all(f, [server.url("/missing"), server.url("/ok")]))
    assert isinstance(got[server.url("/missing")], FetchError)
    assert got[server.url("/ok")].body == b"fine"


def test_is_url():
    assert is_url("https://example.org/feed") and is_url("http://a")
    assert not is_url("feeds/a.xml") and not is_url("C://x") and not is_url("a.txt")
