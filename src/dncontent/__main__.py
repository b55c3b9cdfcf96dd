"""`python -m dncontent` runs the CLI."""

from .cli import main

main()
