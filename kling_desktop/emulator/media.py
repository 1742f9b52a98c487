"""GET /media/<name>: results and uploads, with HTTP Range; faults: truncated bodies, expired URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kling_desktop.emulator.server import EmulatorServer, Request, Response


def register(server: EmulatorServer) -> None:
    from kling_desktop.emulator.server import Response

    def serve(req: Request) -> Response:
        name = req.path.rsplit("/", 1)[-1]
        path = server.state.media_dir / name
        if "/" in name or ".." in name or not path.is_file():
            return Response(404, {"error": "not found"})
        if server.faults.expired:
            return Response(410, {"error": "This URL has expired."})
        data = path.read_bytes()
        ctype = "image/png" if name.endswith(".png") else "video/mp4"
        headers = {"Content-Type": ctype, "Accept-Ranges": "bytes"}
        rng = req.headers.get("range", "")
        if rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0] or 0)
            if start >= len(data):
                return Response(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            resp = Response(206, data[start:], headers)
        else:
            resp = Response(200, data, headers)
        if server.faults.take("truncate"):
            resp.headers["X-Truncate"] = "1"
        return resp

    server.add_route("GET", "/media/", serve)
    server.add_route("HEAD", "/media/", serve)
