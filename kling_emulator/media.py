"""GET /media/<name> (results) and GET /uploads/<id> (uploaded inputs), with HTTP Range;
faults: truncated bodies, a short Content-Length, a dripping host, an outage (server.py), expired result URLs (at once or ``expired=S`` seconds after the result was written)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kling_emulator.server import EmulatorServer, Request, Response


def register(server: EmulatorServer) -> None:
    from kling_emulator.server import Response

    def serve(req: Request) -> Response:
        name = req.path.rsplit("/", 1)[-1]
        path = server.state.media_dir / name
        if "/" in name or ".." in name or not path.is_file():
            return Response(404, {"error": "not found"})
        if server.faults.is_expired(time.time() - path.stat().st_mtime):
            return Response(410, {"error": "This URL has expired."})
        return ranged(req, path)

    def serve_upload(req: Request) -> Response:
        path = server.state.uploads.get(req.path.rsplit("/", 1)[-1])
        return (
            ranged(req, path)
            if path is not None and path.is_file()
            else Response(404, {"error": "not found"})
        )

    def ranged(req: Request, path: Path) -> Response:
        data = path.read_bytes()
        ctype = {
            ".png": "image/png",
            ".jpg": "image/jpeg",
            ".webp": "image/webp",
            ".wav": "audio/wav",
            ".mp3": "audio/mpeg",
            ".mov": "video/quicktime",
        }.get(path.suffix, "video/mp4")
        headers = {"Content-Type": ctype, "Accept-Ranges": "bytes"}
        rng = req.headers.get("range", "")
        if rng.startswith("bytes="):
            first, _, last = rng[6:].split(",")[0].partition("-")
            if first.strip():
                start = int(first)
                end = min(len(data) - 1, int(last)) if last.strip() else len(data) - 1
            else:  # a suffix range: the last N bytes
                start, end = max(0, len(data) - int(last or 0)), len(data) - 1
            if start >= len(data) or end < start:
                return Response(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            resp = Response(206, data[start : end + 1], headers)
        else:
            resp = Response(200, data, headers)
        if server.faults.take("truncate"):
            resp.headers["X-Truncate"] = "1"
        elif server.faults.take("short"):
            resp.headers["X-Short"] = "1"
        elif server.faults.take("drip"):
            resp.headers["X-Drip"] = "1"
        return resp

    server.add_route("GET", "/media/", serve)
    server.add_route("HEAD", "/media/", serve)
    server.add_route("GET", "/uploads/", serve_upload)
    server.add_route("HEAD", "/uploads/", serve_upload)
