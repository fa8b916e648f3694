"""A local SMTP server (aiosmtpd) that keeps every message as a .eml file.

    python -m tools.mailbox --port 2525 --dir .local/mail

The local stack runs it so e-mail notifications can be read on disk, and the
tests read what arrived. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from pathlib import Path


class SaveToDisk:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        name = f"{time.time():.6f}-{uuid.uuid4().hex[:6]}.eml"
        # Written beside, then moved in (as a maildir's tmp/ and new/): a reader listing
        # *.eml never sees a message half written, nor a name that is about to vanish.
        temporary = self.folder / ".tmp" / name
        temporary.parent.mkdir(exist_ok=True)
        temporary.write_bytes(envelope.content)
        temporary.rename(self.folder / name)  # appears whole or not at all
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    controller = Controller(SaveToDisk(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"mailbox listening on {args.host}:{args.port}, saving to {args.dir}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
