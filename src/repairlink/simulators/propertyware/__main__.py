"""`python -m repairlink.simulators.propertyware --port 8103 --seed 1 --units 500`"""

from __future__ import annotations

from collections.abc import Sequence

from ..kit import cli
from .app import PROPERTYWARE


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(PROPERTYWARE, argv)


if __name__ == "__main__":
    main()
