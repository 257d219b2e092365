#!/usr/bin/env python3
"""The yardstick for benchmarks/file-transfer.sh: a file copied through a plain TCP socket, no framing.

    plain-copy.py receive PORT_FILE OUT   listens on 127.0.0.1 port 0, writes the port to PORT_FILE, stores what one peer sends
    plain-copy.py send PORT IN            sends the file to 127.0.0.1:PORT

Both ends move 256 KiB per call into a reused buffer (readinto / recv_into), as a careful hand-written copy would.
"""
import socket
import sys

CHUNK = 256 * 1024


def receive(port_file, out):
    with socket.create_server(("127.0.0.1", 0)) as server:
        with open(port_file + ".tmp", "w") as f:
            f.write(str(server.getsockname()[1]))
        import os
        os.replace(port_file + ".tmp", port_file)
        conn, _ = server.accept()
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        with conn, open(out, "wb", buffering=0) as f:
            while True:
                n = conn.recv_into(buffer)
                if n == 0:
                    break
                f.write(view[:n])


def send(port, path):
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with socket.create_connection(("127.0.0.1", int(port))) as conn, open(path, "rb", buffering=0) as f:
        while True:
            n = f.readinto(buffer)
            if not n:
                break
            conn.sendall(view[:n])
        conn.shutdown(socket.SHUT_WR)
        conn.recv(1)


if __name__ == "__main__":
    {"receive": receive, "send": send}[sys.argv[1]](*sys.argv[2:])
