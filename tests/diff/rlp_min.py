"""A minimal RLP encoder for the differential fuzzer (ints, bytes, lists)."""


def _len_prefix(n, short, long_):
    if n < 56:
        return bytes([short + n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([long_ + len(b)]) + b


def encode(x):
    if isinstance(x, int):
        x = x.to_bytes((x.bit_length() + 7) // 8, "big") if x else b""
    if isinstance(x, (bytes, bytearray)):
        if len(x) == 1 and x[0] < 0x80:
            return bytes(x)
        return _len_prefix(len(x), 0x80, 0xB7) + bytes(x)
    body = b"".join(encode(i) for i in x)
    return _len_prefix(len(body), 0xC0, 0xF7) + body
