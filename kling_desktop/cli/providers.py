"""``kling-desktop providers [--json]``: the providers, their keys, addresses and what each cannot do."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from kling_desktop.core.paths import AppPaths
from kling_desktop.core.settings import Settings
from kling_desktop.providers.descriptors import BaseUrlInvalid, ProviderDescriptor, resolve_base_url
from kling_desktop.providers.registry import descriptors


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("providers", help="list the providers, their keys and addresses")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def describe(d: ProviderDescriptor, settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": d.name,
        "label": d.label,
        "draft": d.is_draft,
        "default": d.name == settings.default_provider,
        "keys": [{"name": c.name, "label": c.label, "env": c.env} for c in d.credentials],
        "limits": d.limits,
    }
    if d.base_url is not None:
        try:
            address: str | None = resolve_base_url(d.base_url, settings.base_urls, os.environ)
            problem = None
        except BaseUrlInvalid as exc:
            address, problem = None, str(exc)
        out["base_url"] = {"address": address, "problem": problem, "env": d.base_url.env}
    return out


def run(args: argparse.Namespace) -> int:
    settings = Settings.load(AppPaths.default().config / "settings.json")
    rows = [describe(d, settings) for d in descriptors()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        mark = " (default)" if row["default"] else ""
        print(f"{row['name']:10} {row['label']}{mark}")
        for key in row["keys"]:
            print(f"{'':10} key: {key['label']} (environment: {key['env']})")
        if url := row.get("base_url"):
            where = url["address"] or f"unusable: {url['problem']}"
            print(f"{'':10} address: {where} (environment: {url['env']})")
        if row["limits"]:
            print(f"{'':10} {row['limits']}")
    return 0
