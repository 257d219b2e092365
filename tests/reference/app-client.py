#!/usr/bin/env python3
"""Reference-compatible application client: one request, one response.

Usage: app-client.py <host> <port> <action> <value>
"""

import socket
import sys

from appwire import FrameDecoder, encode_frame, json_bytes, json_value


def request_frame(action, value):
    if action == "search":
        return encode_frame(json_bytes({"action": action, "value": value}, "utf-8"), "text/json", "utf-8")
    return encode_frame(bytes(action + value, encoding="utf-8"), "binary/custom-client-binary-type", "binary")


def main(argv):
    if len(argv) != 5:
        print(f"Usage: {argv[0]} <host> <port> <action> <value>")
        sys.exit(1)
    host, port = argv[1], int(argv[2])
    addr = (host, port)
    frame = request_frame(argv[3], argv[4])
    print(f"Starting connection to {addr}", flush=True)
    with socket.create_connection(addr) as sock:
        print(f"Sending {frame!r} to {addr}", flush=True)
        sock.sendall(frame)
        decoder = FrameDecoder()
        response = None
        while response is None:
            data = sock.recv(4096)
            if not data:
                raise RuntimeError("Peer closed.")
            response = decoder.feed(data)
        header, content = response
        if header["content-type"] == "text/json":
            result = json_value(content, header["content-encoding"])
            print(f"Got result: {result.get('result')}", flush=True)
        else:
            print(f"Got response: {content!r}", flush=True)
        print(f"Closing connection to {addr}", flush=True)


if __name__ == "__main__":
    main(sys.argv)
