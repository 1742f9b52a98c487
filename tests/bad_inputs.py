"""The hostile-input corpus: every file is made at test time (FIFOs, symlink loops, bombs, damaged media).

``CORPUS`` maps a case name to (file name, maker, words the refusal must contain). A maker builds the file in
the folder it is given and returns its path. Nothing here is committed as a binary.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from media_factory import make_mp4
from PIL import Image

Maker = Callable[[Path], Path]


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def symlink_loop(path: Path) -> Path:
    other = path.with_name(path.name + ".other")
    os.symlink(other.name, path)
    os.symlink(path.name, other)
    return path


def dangling_link(path: Path) -> Path:
    os.symlink(path.with_name("gone-" + path.name).name, path)
    return path


def device(path: Path) -> Path:
    os.symlink("/dev/zero", path)  # reading it never ends
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def _jpeg(w: int, h: int, **save: object) -> bytes:
    buf = io.BytesIO()
    im = Image.frombytes("RGB", (w, h), bytes((x * 7 + y * 3) % 256 for y in range(h) for x in range(w * 3)))
    im.save(buf, "JPEG", quality=90, **save)
    return buf.getvalue()


def truncated_jpeg(path: Path) -> Path:
    data = _jpeg(640, 360)
    path.write_bytes(data[: len(data) // 2])
    return path


def truncated_progressive_jpeg(path: Path) -> Path:
    data = _jpeg(640, 360, progressive=True)
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def truncated_gif(path: Path) -> Path:
    buf = io.BytesIO()
    frame = Image.new("P", (400, 400), 0)
    frame.putpalette([(j * 5) % 256 for j in range(768)])
    for y in range(0, 400, 3):
        frame.paste(y % 250, (0, y, 400, y + 2))
    frame.putdata([(x * y) % 256 for y in range(400) for x in range(400)])
    frame.save(buf, "GIF")
    data = buf.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_bomb(path: Path, side: int = 15000) -> Path:
    """A valid PNG of ``side``×``side`` grey pixels, all zero: a few hundred KB on disk, 225 MP to decode."""
    row = b"\0" * (side + 1)  # filter byte + one byte per pixel
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
    )
    return path


def _faststart(src: Path, dst: Path) -> Path:
    import av

    with av.open(str(src)) as i, av.open(str(dst), "w", options={"movflags": "faststart"}) as o:
        streams = {s.index: o.add_stream_from_template(s) for s in i.streams}
        for packet in i.demux():
            if packet.dts is None:
                continue
            packet.stream = streams[packet.stream.index]
            o.mux(packet)
    return dst


def faststart_mp4(path: Path) -> Path:
    raw = make_mp4(path.with_name("raw-" + path.name), 320, 180, seconds=2.0, audio=True)
    return _faststart(raw, path)


def truncated_faststart_mp4(path: Path) -> Path:
    data = faststart_mp4(path.with_name("whole-" + path.name)).read_bytes()
    assert data.find(b"moov") < data.find(b"mdat"), "the header must come first (faststart)"
    path.write_bytes(data[: len(data) * 7 // 10])
    return path


def cut_at_a_packet_mp4(path: Path) -> Path:
    """Truncated exactly where a video packet starts: nothing fails to decode, frames are simply missing."""
    import av

    whole = faststart_mp4(path.with_name("whole-" + path.name))
    with av.open(str(whole)) as c:
        starts = [p.pos for p in c.demux(c.streams.video[0]) if p.pos]
    path.write_bytes(whole.read_bytes()[: starts[len(starts) // 2]])
    return path


def overwritten_faststart_mp4(path: Path) -> Path:
    data = bytearray(faststart_mp4(path.with_name("whole-" + path.name)).read_bytes())
    start = data.find(b"mdat") + len(data) // 3
    data[start : start + 4000] = b"\x5a" * 4000
    path.write_bytes(bytes(data))
    return path


# name: (file name, maker, words of the refusal)
CORPUS: dict[str, tuple[str, Maker, str]] = {
    "fifo": ("pipe.png", fifo, "named pipe (FIFO)"),
    "symlink loop": ("loop.png", symlink_loop, "symlink loop"),
    "dangling link": ("dangling.png", dangling_link, "does not exist"),
    "device": ("zero.png", device, "is a device"),
    "folder": ("frames.png", folder, "is a folder"),
    "truncated jpeg": ("cut.jpg", truncated_jpeg, "damaged"),
    "truncated progressive jpeg": ("cut-progressive.jpg", truncated_progressive_jpeg, "damaged"),
    "truncated gif": ("cut.gif", truncated_gif, "damaged"),
    "decompression bomb": ("bomb.png", png_bomb, "is 225 megapixels; images over 50 megapixels are refused"),
    "64 MP bomb": (
        "bomb-64.png",
        lambda p: png_bomb(p, 8000),
        "is 8000×8000 (64 megapixels); images over 50",
    ),
}

VIDEO_CORPUS: dict[str, tuple[str, Maker, str]] = {
    "fifo": ("pipe.mp4", fifo, "named pipe (FIFO)"),
    "symlink loop": ("loop.mp4", symlink_loop, "symlink loop"),
    "device": ("zero.mp4", device, "is a device"),
    "truncated faststart mp4": ("cut.mp4", truncated_faststart_mp4, "damaged"),
    "overwritten faststart mp4": ("garbled.mp4", overwritten_faststart_mp4, "damaged"),
    "cut at a packet": ("half.mp4", cut_at_a_packet_mp4, "of its 48 frames could be decoded"),
}
