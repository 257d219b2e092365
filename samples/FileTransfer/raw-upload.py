#!/usr/bin/env python3
"""Uploads a file to file-server, or downloads one, on a raw socket: the frames README.md describes, nothing else.

Usage: raw-upload.py <host> <port> upload <path> <name> [--overwrite]
       raw-upload.py <host> <port> download <name> <path>

A stand-in for file-client until the client's streaming API exists: the upload's content is sent straight from the
file (socket.sendfile), the download's written to the file as it arrives, so neither side needs the file in memory.
Prints the answer's header and, for a JSON answer, its content; exits 1 on an error reply.
"""

import json
import os
import socket
import struct
import sys


def header_bytes(members):
    return json.dumps(members, ensure_ascii=False).encode("utf-8")


def send_header(sock, members):
    data = header_bytes(members)
    sock.sendall(struct.pack(">H", len(data)) + data)


def read_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(min(1 << 16, count - len(data)))
        if not chunk:
            raise RuntimeError("Peer closed.")
        data += chunk
    return bytes(data)


def read_answer(sock, sink=None):
    length = struct.unpack(">H", read_exactly(sock, 2))[0]
    header = json.loads(read_exactly(sock, length).decode("utf-8"))
    left = header["content-length"]
    content = bytearray()
    while left > 0:
        chunk = sock.recv(min(1 << 20, left))
        if not chunk:
            raise RuntimeError("Peer closed inside the answer.")
        left -= len(chunk)
        if sink is not None and "error" not in header:
            sink.write(chunk)
        else:
            content += chunk
    return header, bytes(content)


def main(argv):
    if len(argv) < 6 or argv[3] not in ("upload", "download"):
        print(__doc__.split("\n\n")[1])
        sys.exit(1)
    host, port, action = argv[1], int(argv[2]), argv[3]
    with socket.create_connection((host, port)) as sock:
        if action == "upload":
            path, name = argv[4], argv[5]
            size = os.path.getsize(path)
            members = {"byteorder": sys.byteorder, "content-type": "binary/octet-stream", "content-encoding": "binary",
                       "content-length": size, "action": "upload", "name": name}
            if "--overwrite" in argv[6:]:
                members["overwrite"] = True
            send_header(sock, members)
            with open(path, "rb") as source:
                sock.sendfile(source)
            header, content = read_answer(sock)
        else:
            name, path = argv[4], argv[5]
            send_header(sock, {"byteorder": sys.byteorder, "content-type": "binary/octet-stream",
                               "content-encoding": "binary", "content-length": 0, "action": "download", "name": name})
            with open(path, "wb") as sink:
                header, content = read_answer(sock, sink)
    print(json.dumps(header))
    if header["content-type"] == "text/json":
        print(content.decode("utf-8"))
    sys.exit(1 if "error" in header else 0)


if __name__ == "__main__":
    main(sys.argv)
