"""The official Kling API half of the emulator (registered by ``EmulatorServer``).

Routes (all need ``Authorization: Bearer <HS256 JWT>`` signed with ``server.kling_secret``, ``iss`` =
``server.kling_access``; failures answer HTTP 401 with code 1001 empty / 1002 invalid / 1003 not yet valid /
1004 expired):

    POST /v1/videos/{text2video,image2video,motion-control,omni-video,avatar/image2video,advanced-lip-sync}
    POST /v1/images/{generations,omni-image}
    POST /v1/videos/identify-face                   synchronous; returns session_id + face_data
    GET  <create path>/<task_id | external_task_id>  one task (only on the path that created it)
    GET  <create path>?pageNum=&pageSize=&external_task_id=   a list

Behaviour: a repeated ``external_task_id`` answers 400/1201 and is not counted in ``state.submissions``
(``state.received`` counts every create that arrived). Faults (``emulator/faults.py``): ``1303=N`` answers
429/1303 to the next N creates, ``fail=N`` makes tasks end ``failed``, ``badkey`` refuses every token (1002),
``drop_reply=N`` accepts a task and loses the answer; the generic faults (429, 5xx, reset, ...) apply too.
Media: images/audio as raw base64 or URL; videos by URL (the emulator's own ``/media/`` or loopback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kling_desktop.emulator.kling_routes import register_routes

if TYPE_CHECKING:
    from kling_desktop.emulator.server import EmulatorServer


def register(server: EmulatorServer) -> None:
    register_routes(server)
