"""What `repairlink sync run` shows: a Rich progress bar per stream, then a summary table."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from repairlink.inbound.run_state import RunState

COLUMNS = ("created", "updated", "unchanged", "archived", "restored", "skipped", "quarantined")


class SyncProgress:
    def __init__(self, console: Console) -> None:
        self.bar = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            TextColumn("{task.completed:>8,.0f} records"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> SyncProgress:
        self.bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.bar.stop()

    def update(self, stream: str, records: int, _counts: dict[str, dict[str, int]]) -> None:
        if stream not in self.tasks:
            self.tasks[stream] = self.bar.add_task(stream, total=None)
        self.bar.advance(self.tasks[stream], records)

    @staticmethod
    def summary(console: Console, state: RunState, *, dry_run: bool) -> None:
        title = f"Sync run {state.run_id}" + (" (dry run: nothing written)" if dry_run else "")
        table = Table(title=title)
        table.add_column("kind")
        for name in COLUMNS:
            table.add_column(name, justify="right")
        table.add_column("skipped because")
        for kind, counts in state.counts.items():
            reasons = ", ".join(
                f"{rule}: {n}" for rule, n in sorted(state.skip_reasons.get(kind, {}).items())
            )
            table.add_row(kind, *(str(counts.get(c, 0)) for c in COLUMNS), reasons)
        console.print(table)
