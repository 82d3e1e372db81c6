"""The ``realdid`` command line (Typer). One module per command group."""

from __future__ import annotations

import typer

from realdid.cli import demo, ledger

__all__ = ["app", "main"]

app = typer.Typer(
    name="realdid",
    help="RealDID: anonymous at the front desk, real name at the back end.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.command(
    name="demo", help="Run the national story on embedded defaults, printing what each party saw."
)(demo.run)


app.add_typer(ledger.app, name="ledger")


@app.callback()
def _root() -> None:
    """RealDID command line."""


def main() -> None:
    app()
