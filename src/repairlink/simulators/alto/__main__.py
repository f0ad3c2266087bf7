"""`python -m repairlink.simulators.alto --port 8101 --seed 1 --units 500`"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Sequence

import uvicorn

from .faults import FaultSettings
from .served import prerender
from .server import server_config
from .state import DEFAULT_AGENCY_REF, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SimConfig, SimState


class _AnnouncingServer(uvicorn.Server):
    """Says so on stderr once the port is bound, so scripts can wait for a line, not a clock."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            config = self.config
            sys.stderr.write(f"Alto simulator ready on http://{config.host}:{config.port}\n")
            sys.stderr.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m repairlink.simulators.alto",
        description="Serve a fake Alto API with generated data on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
    parser.add_argument("--units", type=int, default=500, help="properties to generate")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--agency-ref", default=DEFAULT_AGENCY_REF)
    parser.add_argument(
        "--max-page-size",
        type=int,
        default=None,
        help="replace Alto's page limits (100/250) with this one, e.g. 5000 for benchmarks",
    )
    parser.add_argument(
        "--prerender",
        action="store_true",
        help="render every record a full sync reads before serving (benchmarks: the simulator "
        "then costs next to no CPU while the hub syncs)",
    )
    parser.add_argument("--fault-seed", type=int, default=0)
    for kind in ("429", "5xx", "timeout", "malformed"):
        parser.add_argument(f"--rate-{kind}", type=float, default=0.0, metavar="0..1")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    faults = FaultSettings().updated(
        {
            "seed": args.fault_seed,
            "rate_429": args.rate_429,
            "rate_5xx": args.rate_5xx,
            "rate_timeout": args.rate_timeout,
            "rate_malformed": args.rate_malformed,
        }
    )
    state = SimState(
        SimConfig(
            seed=args.seed,
            units=args.units,
            client_id=args.client_id,
            client_secret=args.client_secret,
            agency_ref=args.agency_ref,
            max_page_size=args.max_page_size,
            faults=faults,
        )
    )
    summary = (
        f"Alto simulator: {args.units} units (seed {args.seed}) generated in "
        f"{state.generated_seconds:.1f}s; client {args.client_id!r}, AgencyRef {args.agency_ref}"
    )
    sys.stderr.write(summary + "\n")
    if args.prerender:
        started = time.perf_counter()
        count = prerender(state.data)
        sys.stderr.write(f"{count} records rendered in {time.perf_counter() - started:.1f}s\n")
    try:
        _AnnouncingServer(server_config(state, args.port)).run()
    except KeyboardInterrupt:
        # uvicorn has already shut down cleanly and re-raised Ctrl+C; leave without a trace.
        pass


if __name__ == "__main__":
    main()
