"""``kling-desktop jobs list|resume|cancel|retry``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from kling_desktop.core.paths import AppPaths
from kling_desktop.jobs.lifecycle import retry_plan, status_line
from kling_desktop.jobs.model import Job


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("jobs", help="the job journal: list, resume, cancel, retry")
    jsub = p.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    lst = jsub.add_parser("list", help="recent jobs")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)
    res = jsub.add_parser("resume", help="re-attach to every unfinished job and wait for them")
    res.add_argument("--json", action="store_true")
    res.set_defaults(func=lambda a: asyncio.run(_resume(a)))
    for name in ("cancel", "abandon"):
        can = jsub.add_parser(
            name, help="stop waiting for a job (the provider may still bill an accepted task)"
        )
        can.add_argument("id")
        can.set_defaults(func=lambda a: asyncio.run(_cancel(a)))
    ret = jsub.add_parser(
        "retry",
        help="re-attach to the same task after a failure on this side; after the provider's own failure "
        "verdict, send a new task (billed again)",
    )
    ret.add_argument("id")
    ret.add_argument("--no-wait", action="store_true")
    ret.set_defaults(func=lambda a: asyncio.run(_retry(a)))


def job_json(job: Job) -> dict[str, object]:
    return {
        "job_id": job.id,
        "status": job.state.value,
        "provider": job.provider,
        "model": job.model,
        "task_id": job.task_id,
        "remote_id": job.remote_id,
        "files": list(job.files),
        "cost": job.cost,
        "error": job.error or None,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "retry_of": job.retry_of,
        "accepted": job.accepted,
        "failed_by": job.failed_by,
        "wait_reason": job.wait_reason,
        "waiting_since": job.waiting_since,
        "last_contact_at": job.last_contact_at,
        "next_check_at": job.next_check_at,
        "notice": status_line(job, datetime.now(UTC)) if job.notice else None,
        "retry": retry_plan(job).action,
        "retry_bills_again": retry_plan(job).bills_again,
    }


def _print(jobs: list[Job], as_json: bool) -> None:
    if as_json:
        print(json.dumps([job_json(j) for j in jobs], indent=2))
        return
    now = datetime.now(UTC)
    for j in jobs:
        detail = j.files[0] if j.files else (status_line(j, now) if j.notice else j.error or "")
        print(f"{j.id}  {j.state.value:11} {j.provider:8} {j.model:32} {detail}")


def run_list(args: argparse.Namespace) -> int:
    from kling_desktop.jobs.journal import Journal

    paths = AppPaths.default().ensure()
    _print(Journal(paths.data / "jobs.sqlite").recent(), args.json)
    return 0


async def _resume(args: argparse.Namespace) -> int:
    from kling_desktop.services import build_services

    services = build_services()
    try:
        jobs = await services.runner.resume_all()
        done = [await services.runner.wait(j.id) for j in jobs]
    finally:
        await services.aclose()
    _print(done, args.json)
    return 0 if all(j.state.value == "done" for j in done) else 1


async def _cancel(args: argparse.Namespace) -> int:
    from kling_desktop.services import build_services

    services = build_services()
    try:
        job = await services.runner.cancel(args.id)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    finally:
        await services.aclose()
    print(f"{job.id}: {job.state.value}. {job.error}")
    return 0


async def _retry(args: argparse.Namespace) -> int:
    from kling_desktop.services import build_services

    services = build_services()
    try:
        old = await asyncio.to_thread(services.journal.get, args.id)
        print(retry_plan(old).message)
        job = await services.runner.retry(args.id)
        if not args.no_wait:
            job = await services.runner.wait(job.id)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    finally:
        await services.aclose()
    _print([job], False)
    return 0 if job.state.value == "done" or not job.state.finished else 1
