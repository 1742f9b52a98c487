"""Downloads against a real loopback server: Range resume after a cut, verification, refusals."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from media_factory import make_mp4

from kling_desktop.jobs.download import DownloadError, DownloadTrouble, download


class _Server:
    def __init__(self, body: bytes, cut_first: bool = True, status: int = 200) -> None:
        self.body, self.cut_first, self.status = body, cut_first, status
        self.ranges: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:
                rng = self.headers.get("Range")
                outer.ranges.append(rng)
                if outer.status != 200:
                    self.send_response(outer.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                start = int(rng.split("=")[1].split("-")[0]) if rng else 0
                chunk = outer.body[start:]
                self.send_response(206 if rng else 200)
                if rng:
                    self.send_header(
                        "Content-Range", f"bytes {start}-{len(outer.body) - 1}/{len(outer.body)}"
                    )
                self.send_header("Content-Length", str(len(chunk)))
                self.end_headers()
                if outer.cut_first and len(outer.ranges) == 1:
                    self.wfile.write(chunk[: len(chunk) // 2])  # then close: a truncated download
                    self.wfile.flush()
                    time.sleep(0.3)  # let the client read the first half before the cut
                    self.close_connection = True
                    return
                self.wfile.write(chunk)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/media/x.mp4"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _get(url: str, target: Path) -> Path:
    async def main() -> Path:
        with httpx.Client() as client:
            return await download(client, url, target)

    return asyncio.run(main())


def test_truncated_download_resumes_with_range(tmp_path: Path) -> None:
    body = make_mp4(tmp_path / "src.mp4", 160, 90, 1.0).read_bytes()
    server = _Server(body)
    try:
        out = _get(server.url, tmp_path / "lib" / "job.mp4")
    finally:
        server.close()
    assert out.read_bytes() == body
    assert not (tmp_path / "lib" / "job.mp4.part").exists()
    assert server.ranges[0] is None and server.ranges[1] == f"bytes={len(body) // 2}-"


def test_corrupt_body_is_not_renamed(tmp_path: Path) -> None:
    server = _Server(b"\0" * 5000, cut_first=False)
    try:
        with pytest.raises(DownloadError, match="incomplete file|damaged"):
            _get(server.url, tmp_path / "bad.mp4")
    finally:
        server.close()
    assert not (tmp_path / "bad.mp4").exists()


def test_expired_url_reads_as_a_sentence(tmp_path: Path) -> None:
    server = _Server(b"", status=410)
    try:
        with pytest.raises(DownloadError, match="no longer available.*expired"):
            _get(server.url, tmp_path / "gone.mp4")
    finally:
        server.close()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x.mp4", "javascript:alert(1)"])
def test_non_http_urls_are_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(DownloadError, match="only http and https"):
        _get(url, tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []


class _Body(BaseHTTPRequestHandler):
    """Serves ``server.body`` with ``server.extra`` headers and ``server.length`` as Content-Length."""

    def log_message(self, *a: object) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        self.send_response(200)
        for k, v in srv.extra.items():  # type: ignore[attr-defined]
            self.send_header(k, v)
        self.send_header("Content-Length", str(srv.length))  # type: ignore[attr-defined]
        self.end_headers()
        self.wfile.write(srv.body[: srv.length])  # type: ignore[attr-defined]


def _serve(body: bytes, length: int | None = None, **extra: str) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Body)
    httpd.body, httpd.length, httpd.extra = body, len(body) if length is None else length, extra  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_a_gzip_bomb_is_stopped_at_the_cap_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    import gzip

    from kling_desktop.jobs import download as dl

    monkeypatch.setitem(dl.MAX_BYTES, "video", 4 * 1024 * 1024)
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # 64 MB that travels as ~64 KB
    assert len(bomb) < 4 * 1024 * 1024
    httpd = _serve(bomb, **{"Content-Encoding": "gzip", "Content-Type": "video/mp4"})
    try:
        with pytest.raises(DownloadError, match="more than the 4 MB allowed"):
            _get(f"http://127.0.0.1:{httpd.server_address[1]}/x.mp4", tmp_path / "bomb.mp4")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert list(tmp_path.iterdir()) == []  # neither the file nor its .part


def test_a_content_length_shorter_than_the_file_is_never_stored(tmp_path: Path) -> None:
    body = make_mp4(tmp_path / "src.mp4", 160, 90, 1.0).read_bytes()
    httpd = _serve(body, length=len(body) * 3 // 5)  # the host announces (and sends) 60 % of the file
    try:
        with pytest.raises(DownloadTrouble, match="incomplete file"):
            _get(f"http://127.0.0.1:{httpd.server_address[1]}/x.mp4", tmp_path / "lib" / "short.mp4")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert list((tmp_path / "lib").iterdir()) == []  # not stored, and the wrong bytes are not kept


def test_verification_decodes_to_the_last_frame(tmp_path: Path) -> None:
    import av

    from kling_desktop.core.probe import probe_media
    from kling_desktop.jobs.verify import Incomplete, check_complete, check_video

    src = make_mp4(tmp_path / "src.mp4", 160, 90, 2.0)
    good = tmp_path / "faststart.mp4"  # the index first, as streaming hosts serve it
    with av.open(str(src)) as i, av.open(str(good), "w", options={"movflags": "faststart"}) as o:
        out = o.add_stream_from_template(i.streams.video[0])
        for packet in i.demux(i.streams.video[0]):
            if packet.dts is not None:
                packet.stream = out
                o.mux(packet)
    assert check_video(good) == 48
    data = good.read_bytes()
    check_complete(good, "video", len(data))
    with pytest.raises(Incomplete, match="of the .* bytes announced"):
        check_complete(good, "video", len(data) + 1)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 3 // 5])
    assert probe_media(cut).duration == 2.0  # the header alone says "a complete 2 s clip"
    with pytest.raises(Incomplete, match="of the 48 frames"):
        check_video(cut)


def test_abandon_stops_a_transfer_that_waits_for_bytes_and_keeps_what_arrived(tmp_path: Path) -> None:
    """The bytes are read on a worker thread; cancelling the download (Abandon, closing the app) ends that
    thread's blocked read at once instead of after the read timeout, and the bytes that arrived stay."""
    body = b"x" * 200_000
    release = threading.Event()
    peer_closed = threading.Event()

    class Hang(BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:50_000])
            self.wfile.flush()
            self.connection.settimeout(60)
            try:
                if self.connection.recv(1) == b"":  # the client shut the connection
                    peer_closed.set()
            except OSError:
                peer_closed.set()
            release.wait(60)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hang)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    target = tmp_path / "job.mp4"

    async def main() -> None:
        with httpx.Client() as client:
            task = asyncio.ensure_future(
                download(client, f"http://127.0.0.1:{httpd.server_address[1]}/x", target)
            )
            part = target.with_name("job.mp4.part")
            while not (part.exists() and part.stat().st_size >= 50_000):
                await asyncio.sleep(0.02)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    try:
        asyncio.run(asyncio.wait_for(main(), 30))  # a guard against a hang, not a timing assertion
        assert peer_closed.wait(10)  # the worker thread let go of the connection
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
    assert target.with_name("job.mp4.part").read_bytes() == body[:50_000]
    assert not target.exists()


def test_the_file_client_reads_the_socket_in_large_pieces(tmp_path: Path) -> None:
    """httpcore's own 64 KiB reads cost a Python round per 64 KiB; the file client asks for READ_BYTES."""
    from kling_desktop.jobs.download import READ_BYTES, file_client

    httpd = _serve(bytes(8 << 20))
    try:
        with file_client() as client, client.stream("GET", f"http://127.0.0.1:{httpd.server_port}/") as resp:
            time.sleep(0.2)  # the server has filled the socket's buffer: each read gets what it asks for
            sizes = [len(chunk) for chunk in resp.iter_raw()]
    finally:
        httpd.shutdown()
    assert sum(sizes) == 8 << 20
    assert max(sizes) > 64 * 1024
    assert max(sizes) <= READ_BYTES
