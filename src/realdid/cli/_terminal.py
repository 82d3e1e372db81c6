"""The one terminal facade: everything the CLI prints goes through here.

Results to stdout, errors to stderr; colours and tables from Rich, which
turns them off when the output is not a terminal.
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["Terminal"]


class Terminal:
    """Output for humans: headings, key/value tables, notes, and one way to abort."""

    def __init__(self) -> None:
        self.out = Console(highlight=False)
        self.err = Console(stderr=True, highlight=False)

    def heading(self, text: str) -> None:
        self.out.rule(f"[bold]{text}")

    def note(self, text: str) -> None:
        self.out.print(text)

    def raw(self, text: str) -> None:
        """Exact text to stdout (signed notes, keys): no markup, no wrapping."""
        self.out.file.write(text)
        self.out.file.flush()

    def table(self, title: str, rows: list[tuple[str, str]]) -> None:
        table = Table(title=title, show_header=False, title_justify="left", expand=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(overflow="fold")
        for key, value in rows:
            table.add_row(key, value)
        self.out.print(table)

    def abort(self, message: str, code: int = 1) -> NoReturn:
        self.err.print(f"[bold red]error:[/] {message}")
        raise typer.Exit(code)
