"""Wire helpers shared by app-server.py and app-client.py (stdlib only).

A frame is a 2-byte big-endian header length, a UTF-8 JSON header, then
content-length bytes of content. Headers are written exactly as the Python
reference writes them: json.dumps with its default ", " / ": " separators,
ensure_ascii=False, keys in the order byteorder, content-type,
content-encoding, content-length.
"""

import io
import json
import struct
import sys

REQUIRED_HEADERS = ("byteorder", "content-length", "content-type", "content-encoding")
PROTOHEADER_LEN = 2


def json_bytes(value, encoding):
    return json.dumps(value, ensure_ascii=False).encode(encoding)


def json_value(data, encoding):
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as text:
        return json.load(text)


def encode_frame(content, content_type, content_encoding):
    header = {
        "byteorder": sys.byteorder,
        "content-type": content_type,
        "content-encoding": content_encoding,
        "content-length": len(content),
    }
    header_bytes = json_bytes(header, "utf-8")
    return struct.pack(">H", len(header_bytes)) + header_bytes + content


class FrameDecoder:
    """Collects received bytes and yields one frame: (header dict, content bytes)."""

    def __init__(self):
        self.buffer = b""
        self.header_len = None
        self.header = None

    def feed(self, data):
        """Adds bytes; returns (header, content) once the frame is complete, else None."""
        self.buffer += data
        if self.header_len is None and len(self.buffer) >= PROTOHEADER_LEN:
            self.header_len = struct.unpack(">H", self.buffer[:PROTOHEADER_LEN])[0]
            self.buffer = self.buffer[PROTOHEADER_LEN:]
        if self.header_len is not None and self.header is None and len(self.buffer) >= self.header_len:
            header = json_value(self.buffer[: self.header_len], "utf-8")
            self.buffer = self.buffer[self.header_len:]
            for name in REQUIRED_HEADERS:
                if name not in header:
                    raise ValueError(f"Missing required header '{name}'.")
            self.header = header
        if self.header is not None:
            length = self.header["content-length"]
            if len(self.buffer) >= length:
                content = self.buffer[:length]
                self.buffer = self.buffer[length:]
                return self.header, content
        return None
