#!/usr/bin/env python3
"""Proves the peers faithful: each vector's request yields exactly the vector's response bytes from
app-server.py, and app-client.py's encoder rebuilds each vector's request byte for byte.

Usage: verify_vectors.py [vectors.json]   (exit status 0 when every vector matches)
"""

import json
import os
import re
import socket
import subprocess
import sys

from appwire import encode_frame

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_VECTORS = os.path.join(HERE, "..", "AppProtocol.Tests", "TestData", "vectors.json")


def exchange(port, request):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while True:
            data = sock.recv(4096)
            if not data:
                return received
            received += data


def main(argv):
    path = argv[1] if len(argv) > 1 else DEFAULT_VECTORS
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "app-server.py"), "127.0.0.1", "0"],
                              stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        port = int(re.search(r", (\d+)\)$", server.stdout.readline().strip()).group(1))
        failures = 0
        for case in cases:
            request = case["request"]
            rebuilt = encode_frame(request["content_utf8"].encode("utf-8"), request["header"]["content-type"],
                                   request["header"]["content-encoding"])
            ok = rebuilt == bytes.fromhex(request["hex"])
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {case['name']} request encoding")
            expected = bytes.fromhex(case["response"]["hex"])
            actual = exchange(port, bytes.fromhex(case["request"]["hex"]))
            ok = actual == expected
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {case['name']}" + ("" if ok else f"\n  expected {expected!r}\n  actual   {actual!r}"))
        return 1 if failures else 0
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
