#!/usr/bin/env python3
"""Reference-compatible application server: one request per connection.

Usage: app-server.py <host> <port>   (port 0 picks a free port; the Listening
line shows the port actually bound). Answers each request as SPEC.md section 3
says, then closes that connection. A malformed request prints a traceback and
closes only that connection.
"""

import selectors
import socket
import sys
import traceback

from appwire import FrameDecoder, encode_frame, json_bytes, json_value

ANSWERS = {
    "morpheus": "Follow the white rabbit. \U0001f430",
    "ring": "In the caves beneath the Misty Mountains. \U0001f48d",
    "\U0001f436": "\U0001f43e Playing ball! \U0001f3d0",
}


def answer(header, content):
    """Returns (what was received, for the log; the response frame) for one request."""
    if header["content-type"] == "text/json":
        request = json_value(content, header["content-encoding"])
        action = request.get("action")
        if action == "search":
            query = request.get("value")
            result = ANSWERS.get(query) or f"No match for '{query}'."
        else:
            result = f"Error: invalid action '{action}'."
        return f"request {request!r}", encode_frame(json_bytes({"result": result}, "utf-8"), "text/json", "utf-8")
    return f"{header['content-type']} request", encode_frame(b"First 10 bytes of request: " + content[:10],
                        "binary/custom-server-binary-type", "binary")


class Connection:
    def __init__(self, selector, sock, addr):
        self.selector = selector
        self.sock = sock
        self.addr = addr
        self.decoder = FrameDecoder()
        self.outgoing = None

    def on_event(self, mask):
        if mask & selectors.EVENT_READ:
            self.on_readable()
        if mask & selectors.EVENT_WRITE:
            self.on_writable()

    def on_readable(self):
        try:
            data = self.sock.recv(4096)
        except BlockingIOError:
            return
        if not data:
            raise RuntimeError("Peer closed.")
        frame = self.decoder.feed(data)
        if frame is not None and self.outgoing is None:
            received, self.outgoing = answer(*frame)
            print(f"Received {received} from {self.addr}", flush=True)
            self.selector.modify(self.sock, selectors.EVENT_WRITE, data=self)

    def on_writable(self):
        print(f"Sending {self.outgoing!r} to {self.addr}", flush=True)
        try:
            sent = self.sock.send(self.outgoing)
        except BlockingIOError:
            return
        self.outgoing = self.outgoing[sent:]
        if sent and not self.outgoing:
            self.close()

    def close(self):
        print(f"Closing connection to {self.addr}", flush=True)
        try:
            self.selector.unregister(self.sock)
        except Exception as e:
            print(f"Error: selector.unregister() exception for {self.addr}: {e!r}", flush=True)
        try:
            self.sock.close()
        except OSError as e:
            print(f"Error: socket.close() exception for {self.addr}: {e!r}", flush=True)


def main(argv):
    if len(argv) != 3:
        print(f"Usage: {argv[0]} <host> <port>")
        sys.exit(1)
    host, port = argv[1], int(argv[2])
    selector = selectors.DefaultSelector()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen()
    print(f"Listening on {(host, listener.getsockname()[1])}", flush=True)
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ, data=None)
    try:
        while True:
            for key, mask in selector.select(timeout=None):
                if key.data is None:
                    sock, addr = key.fileobj.accept()
                    print(f"Accepted connection from {addr}", flush=True)
                    sock.setblocking(False)
                    selector.register(sock, selectors.EVENT_READ, data=Connection(selector, sock, addr))
                    continue
                connection = key.data
                try:
                    connection.on_event(mask)
                except Exception:
                    print(f"Main: Error: Exception for {connection.addr}:\n{traceback.format_exc()}", flush=True)
                    connection.close()
    except KeyboardInterrupt:
        print("Caught keyboard interrupt, exiting", flush=True)
    finally:
        selector.close()


if __name__ == "__main__":
    main(sys.argv)
