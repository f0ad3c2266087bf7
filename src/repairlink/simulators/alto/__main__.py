"""`python -m repairlink.simulators.alto --port 8101 --seed 1 --units 500`"""

from __future__ import annotations

from collections.abc import Sequence

from ..kit import cli
from .app import ALTO


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(ALTO, argv)


if __name__ == "__main__":
    main()
