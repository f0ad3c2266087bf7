"""`python -m repairlink.simulators.<pms>`: the flags every simulator takes, and the run.

Common flags: --port --seed --units --max-page-size --prerender --fault-seed and the four
fault rates; a simulator adds its own (`Option`s: credentials, say). It prints one line when
the data is generated and "<Name> simulator ready on http://127.0.0.1:PORT" once it listens,
so scripts wait for a line, not a clock; Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Sequence
from typing import Any

import uvicorn

from .declaration import Simulator
from .faults import FaultSettings
from .server import bound_port, server_config

RATES = ("429", "5xx", "timeout", "malformed")


class _AnnouncingServer(uvicorn.Server):
    """Says so on stderr once the port is bound."""

    def __init__(self, config: uvicorn.Config, name: str) -> None:
        super().__init__(config)
        self.name = name

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            url = f"http://{self.config.host}:{bound_port(self)}"  # --port 0: the OS's choice
            sys.stderr.write(f"{self.name} simulator ready on {url}\n")
            sys.stderr.flush()


def parser(simulator: Simulator[Any, Any]) -> argparse.ArgumentParser:
    name = simulator.name
    parser = argparse.ArgumentParser(
        prog=f"python -m {simulator.module}",
        description=f"Serve a fake {name} API with generated data on 127.0.0.1.",
    )
    parser.add_argument(
        "--port", type=int, default=simulator.default_port, help="0: any free port (announced)"
    )
    parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
    parser.add_argument("--units", type=int, default=500, help="properties to generate")
    for option in simulator.options:
        parser.add_argument(
            option.flag, dest=option.field, default=option.default, help=option.help
        )
    parser.add_argument(
        "--max-page-size",
        type=int,
        default=None,
        help=f"replace {name}'s page limits with this one, e.g. 5000 for benchmarks",
    )
    parser.add_argument(
        "--prerender",
        action="store_true",
        help="render every record a full sync reads before serving, and again after each churn "
        "(benchmarks: the simulator then costs next to no CPU while the hub syncs)",
    )
    parser.add_argument("--fault-seed", type=int, default=0)
    for kind in RATES:
        parser.add_argument(f"--rate-{kind}", type=float, default=0.0, metavar="0..1")
    return parser


def main(simulator: Simulator[Any, Any], argv: Sequence[str] | None = None) -> None:
    args = parser(simulator).parse_args(argv)
    rates = {f"rate_{kind}": getattr(args, f"rate_{kind}") for kind in RATES}
    config = simulator.config(
        seed=args.seed,
        units=args.units,
        max_page_size=args.max_page_size,
        faults=FaultSettings().updated({"seed": args.fault_seed, **rates}),
        **{option.field: getattr(args, option.field) for option in simulator.options},
    )
    state = simulator.state(config)
    identity = ", ".join(f"{key} {value!r}" for key, value in state.identity.items())
    sys.stderr.write(
        f"{simulator.name} simulator: {args.units} units (seed {args.seed}) generated in "
        f"{state.generated_seconds:.1f}s; {identity}\n"
    )
    if args.prerender and simulator.prerender is not None:
        started = time.perf_counter()
        count = simulator.keep_rendered(state)
        sys.stderr.write(f"{count} records rendered in {time.perf_counter() - started:.1f}s\n")
    try:
        _AnnouncingServer(server_config(simulator.app(state), args.port), simulator.name).run()
    except KeyboardInterrupt:
        # uvicorn has already shut down cleanly and re-raised Ctrl+C; leave without a trace.
        pass
