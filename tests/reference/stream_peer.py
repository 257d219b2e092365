#!/usr/bin/env python3
"""Sends one binary frame of several MiB and reads the answer whole, checking it against the reference encoding.

Usage: stream_peer.py <host> <port> <length> <content-type>

The request is built with appwire.encode_frame, as the reference client builds its binary requests (app-client.py
cannot: its content comes from the command line). It is sent from a thread while the answer is read, because a
server that streams an echo reads the request only as fast as its answer is read. The answer must be the echo:
byte for byte encode_frame(the same content, <content-type>, "binary"). Prints "ok echo N bytes" and exits 0, or
prints what differs and exits 1.
"""

import hashlib
import os
import socket
import sys
import threading

from appwire import encode_frame


def main(argv):
    if len(argv) != 5:
        print(f"Usage: {argv[0]} <host> <port> <length> <content-type>")
        sys.exit(1)
    host, port, length, content_type = argv[1], int(argv[2]), int(argv[3]), argv[4]
    content = os.urandom(length)
    request = encode_frame(content, "binary/custom-client-binary-type", "binary")
    expected = encode_frame(content, content_type, "binary")
    with socket.create_connection((host, port)) as sock:
        sender = threading.Thread(target=sock.sendall, args=(request,))
        sender.start()
        received = bytearray()
        while len(received) < len(expected):
            data = sock.recv(1 << 16)
            if not data:
                break
            received += data
        sender.join()
    if bytes(received) != expected:
        print(f"differs: received {len(received)} bytes, sha256 {hashlib.sha256(received).hexdigest()}; "
              f"expected {len(expected)} bytes, sha256 {hashlib.sha256(expected).hexdigest()}; first bytes {bytes(received[:120])!r}")
        sys.exit(1)
    print(f"ok echo {length} bytes")


if __name__ == "__main__":
    main(sys.argv)
