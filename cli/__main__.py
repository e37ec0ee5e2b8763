"""`python -m cli ...` runs `sahelkg ...` (the tests start the CLI this way)."""

from cli.app import app

app()
