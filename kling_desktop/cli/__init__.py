"""The headless front end: the same core as the window.

Each sub-command lives in its own module exposing ``register(subparsers)``; the module sets
``func`` on its parser with ``set_defaults(func=...)``; ``func(args) -> int`` is the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kling_desktop import __version__

# Sub-command modules, in help order. A module missing here is simply not offered.
COMMAND_MODULES = (
    "kling_desktop.cli.models",
    "kling_desktop.cli.generate",
    "kling_desktop.cli.providers",
    "kling_desktop.cli.jobs",
    "kling_desktop.cli.gallery",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kling-desktop",
        description="Make, keep and play short videos with the Kling models. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"kling-desktop {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="open the window offscreen, render and play a draft, exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if set(args_in) <= {"--self-test"}:  # the window: no sub-command module needs importing to open it
        from kling_desktop.app import run_app

        return run_app(self_test=bool(args_in))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from kling_desktop.app import run_app  # imports Qt only when the window is wanted

        return run_app(self_test=args.self_test)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
