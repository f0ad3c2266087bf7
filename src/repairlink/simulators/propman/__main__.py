"""`python -m repairlink.simulators.propman --port 8102 --seed 1 --units 500`"""

from __future__ import annotations

from collections.abc import Sequence

from ..kit import cli
from .app import PROPMAN


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(PROPMAN, argv)


if __name__ == "__main__":
    main()
