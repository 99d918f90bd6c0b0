#!/usr/bin/python3
"""smtp-sink.py - a real SMTP server for the mail tests (tests/mail/).

Runs Debian's aiosmtpd (package python3-aiosmtpd), so it must be started
with /usr/bin/python3: another python3 may come first on PATH and lack it.

    /usr/bin/python3 scripts/smtp-sink.py --port 0 --dir DIR [--refuse] [--stdin-eof]

Listens on 127.0.0.1 (port 0 picks a free one) and prints "listening PORT"
on standard output, flushed, once connections are accepted.  Every message
received is written as DIR/NNNN.eml (the raw bytes as received, after SMTP
dot-unstuffing, nothing added) with its envelope in DIR/NNNN.env (lines
"MAIL FROM: addr" and "RCPT TO: addr"), numbered from 0001.  The .env file
is written first and the .eml file appears by rename, so a reader that sees
NNNN.eml sees complete files.  --refuse answers "451" to every RCPT TO, so
the client's retry path can be tested.  Exits 0 on SIGTERM or SIGINT, and
with --stdin-eof also when standard input closes: a test gives the sink a
pipe, so the sink ends with the test process even if that one crashes.

Owns nothing but DIR's NNNN files; offers no AUTH and no STARTTLS.
"""

import argparse
import asyncio
import os
import signal
import sys
import threading

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.stderr.write("smtp-sink.py: aiosmtpd is missing (apt-get install python3-aiosmtpd; "
                     "run with /usr/bin/python3)\n")
    sys.exit(3)


class Sink:
    """aiosmtpd handler: stores each message, or refuses every recipient."""

    def __init__(self, folder, refuse):
        self.folder = folder
        self.refuse = refuse
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "451 4.3.0 Try again later (smtp-sink.py --refuse)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%04d" % self.count)
        with open(base + ".env", "w", encoding="utf-8") as f:
            f.write("MAIL FROM: %s\n" % envelope.mail_from)
            for rcpt in envelope.rcpt_tos:
                f.write("RCPT TO: %s\n" % rcpt)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK stored as %04d" % self.count


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = Sink(args.dir, args.refuse)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="smtp-sink.test", loop=loop),
        host="127.0.0.1", port=args.port)
    port = server.sockets[0].getsockname()[1]
    print("listening %d" % port, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.stdin_eof:
        def watch():
            # Raw reads: a buffered reader's lock would upset the interpreter's
            # shutdown while this daemon thread waits in it.
            while os.read(0, 4096):
                pass
            loop.call_soon_threadsafe(stop.set)
        threading.Thread(target=watch, daemon=True).start()
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    p = argparse.ArgumentParser(description="SMTP sink for the natverk mail tests")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    p.add_argument("--dir", required=True, help="folder for NNNN.eml and NNNN.env")
    p.add_argument("--refuse", action="store_true", help="answer 451 to every RCPT TO")
    p.add_argument("--stdin-eof", action="store_true",
                   help="also exit when standard input closes")
    args = p.parse_args()
    if not os.path.isdir(args.dir):
        p.error("%s is not a folder" % args.dir)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
