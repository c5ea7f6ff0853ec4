"""Command groups of ``oim-connector``: each module defines ``register(subparsers)``.

A command sets ``handler=`` (a function taking the parsed args and returning an exit code)
with ``parser.set_defaults``.
"""
