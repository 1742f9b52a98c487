"""``kling-desktop models [--json]``: the catalog."""

from __future__ import annotations

import argparse
import json

from kling_desktop.catalog.export import model_to_json
from kling_desktop.catalog.models import all_models


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list the models and what each accepts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    models = all_models()
    if args.json:
        print(json.dumps([model_to_json(m) for m in models], indent=2, ensure_ascii=False))
        return 0
    for m in models:
        d = model_to_json(m)["durations"]
        dur = (
            "/".join(f"{v:g}" for v in d["values"])
            if d and "values" in d
            else f"{d['min']:g}-{d['max']:g}"
            if d
            else "still"
            if m.kind == "image"
            else "input"
        )
        print(f"{m.air_id:34} {m.name:30} {dur:>6} s  {', '.join(m.badges)}")
    return 0
