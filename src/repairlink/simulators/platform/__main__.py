"""`python -m repairlink.simulators.platform --port 8105 --seed 1 --units 500`"""

from __future__ import annotations

from collections.abc import Sequence

from ..kit import cli
from .app import PLATFORM


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(PLATFORM, argv)


if __name__ == "__main__":
    main()
