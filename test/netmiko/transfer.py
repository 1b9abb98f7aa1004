"""netmiko's file_transfer pushing a file to a lab device over SCP, as an operator's script would.

Usage: python transfer.py <device_type> <host> <port> <local file> <file system>
Credentials from the environment (LAB_USERNAME, LAB_PASSWORD, LAB_SECRET). Turns the device's SCP
server on first (`ip scp server enable` / `feature scp-server`), then file_transfer checks space
with `dir`, copies over SCP and verifies the MD5 on the device. Prints one JSON object.
"""

import os
import sys

from netmiko import file_transfer
from report import connect, report


def main() -> int:
    device_type, host, port, source, file_system = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

    def steps(result: dict) -> None:
        with connect(device_type, host, port) as conn:

            def push(overwrite: bool) -> dict:
                return file_transfer(
                    conn,
                    source_file=source,
                    dest_file=os.path.basename(source),
                    file_system=file_system,
                    direction="put",
                    overwrite_file=overwrite,
                )

            conn.enable()
            # Without its SCP server the device refuses the copy, as a real one does.
            result["step"] = "file_transfer before scp server"
            try:
                push(True)
                result["refused_before"] = None
            except Exception as error:  # noqa: BLE001 - the refusal is the result
                result["refused_before"] = f"{type(error).__name__}: {error}"
            result["step"] = "scp server"
            enable = "feature scp-server" if device_type == "cisco_nxos" else "ip scp server enable"
            result["config_output"] = conn.send_config_set([enable])
            result["step"] = "file_transfer"
            result["transfer"] = push(True)
            # The file is there with the right MD5 now: netmiko must see that and copy nothing.
            result["step"] = "file_transfer again"
            result["again"] = push(False)
            result["step"] = "done"

    return report(result={"step": "connect"}, steps=steps)


if __name__ == "__main__":
    sys.exit(main())
