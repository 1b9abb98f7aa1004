"""A real SFTP and SCP server (asyncssh) for the distribution and transfer tests.

Usage: sftp_server.py <root> <port> <username> <password> [<address>]

Serves <root> read-write over SFTP and SCP on <address> (default 127.0.0.1), TCP <port> (0 picks a
free one), to one user logging in with a password (keyboard-interactive offered too). Clients see
<root> as `/` (chroot): `sftp://user@host:port/images/x.bin` is `<root>/images/x.bin`. The host key is
generated at start (ed25519). Once listening it prints one line, `listening on <address>:<port>`, on
stdout. It stops when its standard input closes (so it never outlives the test that started it) or
on SIGTERM.
"""

import asyncio
import hmac
import os
import signal
import sys

import asyncssh


class PasswordServer(asyncssh.SSHServer):
    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password

    def begin_auth(self, username: str) -> bool:
        return True  # every login needs the password

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return hmac.compare_digest(username.encode(), self._username.encode()) and hmac.compare_digest(
            password.encode(), self._password.encode()
        )

    def kbdint_auth_supported(self) -> bool:
        return True

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str):
        return "", "", "", [("Password: ", False)]

    def validate_kbdint_response(self, username: str, responses):
        return len(responses) == 1 and self.validate_password(username, responses[0])


async def serve(root: str, port: int, username: str, password: str, address: str) -> None:
    chroot = os.fsencode(os.path.abspath(root))
    acceptor = await asyncssh.listen(
        address,
        port,
        server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")],
        server_factory=lambda: PasswordServer(username, password),
        sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=chroot),
        allow_scp=True,
        # No shell, no exec, no forwarding: file transfer only.
        process_factory=None,
        allow_pty=False,
        agent_forwarding=False,
        x11_forwarding=False,
    )
    print(f"listening on {address}:{acceptor.get_port()}", flush=True)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    # stdin closing (the test process ended) stops the server too.
    loop.run_in_executor(None, lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)))
    await stop.wait()
    acceptor.close()
    await acceptor.wait_closed()


def main() -> int:
    if len(sys.argv) not in (5, 6):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root, port, username, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    address = sys.argv[5] if len(sys.argv) == 6 else "127.0.0.1"
    asyncio.run(serve(root, port, username, password, address))
    # The stdin reader thread may still block; leave without waiting for it.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
