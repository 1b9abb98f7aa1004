"""A real TFTP server (tftpy) for the lab's transfer tests.

Usage: tftp_server.py <root> <port> [<address>]

Serves <root> read-only on <address> (default 127.0.0.1), UDP <port> (0 picks a free one). Once
the socket is bound it prints one line, `listening on <address>:<port>`, on stdout. It stops when
its standard input closes (so it never outlives the test that started it) or on SIGTERM.
"""

import logging
import os
import sys
import threading

import tftpy


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root, port = sys.argv[1], int(sys.argv[2])
    address = sys.argv[3] if len(sys.argv) == 4 else "127.0.0.1"
    # tftpy logs every packet at INFO; keep warnings and errors only.
    logging.getLogger("tftpy").setLevel(logging.WARNING)

    server = tftpy.TftpServer(os.path.abspath(root))

    def announce() -> None:
        server.is_running.wait()
        print(f"listening on {address}:{server.listenport}", flush=True)

    def watch_stdin() -> None:
        sys.stdin.read()
        server.stop(now=True)

    threading.Thread(target=announce, daemon=True).start()
    threading.Thread(target=watch_stdin, daemon=True).start()
    server.listen(address, port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
