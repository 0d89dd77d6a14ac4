"""``python -m tillpoint.sandbox [--host 127.0.0.1] [--port 8765] [--keep-alive 30]``: serve it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ._serve import KEEP_ALIVE_TIMEOUT, server_options

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tillpoint.sandbox",
        description=(
            "Serve the tillpoint sandbox: an in-memory Digital River Checkouts and "
            "Gr4vy checkout-sessions API."
        ),
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8765, help="port to bind (default: 8765)")
    parser.add_argument(
        "--no-seed-sources",
        action="store_true",
        help="do not create the well-known src_test_* sources",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=KEEP_ALIVE_TIMEOUT,
        help=(
            "seconds an idle connection stays open, advertised as Keep-Alive: timeout=N "
            f"(default: {KEEP_ALIVE_TIMEOUT})"
        ),
    )
    parser.add_argument("--log-level", default="info", help="uvicorn log level (default: info)")
    args = parser.parse_args(argv)

    import uvicorn

    from ._sandbox import Sandbox

    sandbox = Sandbox(seed_sources=not args.no_seed_sources)
    uvicorn.run(
        sandbox.app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        lifespan="off",
        **server_options(args.keep_alive),
    )


if __name__ == "__main__":
    main()
