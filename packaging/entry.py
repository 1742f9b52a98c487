"""The bundle's entry point: the same CLI as ``kling-desktop``."""

import sys

from kling_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
