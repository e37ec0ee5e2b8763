"""`sahelkg`, the command line: one module per command group (cli/app.py lists them).

The top layer, beside api/: it may import graph/, ingest/ and api/ (`serve`); nothing
below imports it. Errors become exit codes in cli/errors.py only.
"""
