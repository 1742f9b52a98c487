"""``python -m kling_desktop`` and the ``kling-desktop`` console script."""

from __future__ import annotations

import sys


def main() -> int:
    from kling_desktop.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
