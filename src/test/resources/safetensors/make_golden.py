#!/usr/bin/env python3
"""Writes the safetensors golden files read by org.mergelab.checkpoint tests.

numpy only: the header (8-byte little-endian length, JSON, space padding to a
multiple of 8 like the reference writer) is written by hand, so the files do not
depend on the safetensors package. Run from this directory:

    python3 make_golden.py

Expected values in the Java tests mirror the arrays below; the checkpoint id of
multi.safetensors printed at the end is computed here with hashlib, independently
of the Java code.
"""
import hashlib
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def bf16_bits(values):
    """float32 -> bfloat16 bit patterns, round to nearest even (NaN not used here)."""
    u = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def write(path, tensors, metadata=None):
    """tensors: list of (name, dtype name, shape, raw bytes), written in this order."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for _, _, _, raw in tensors:
            f.write(raw)


def le(a):
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()


def checkpoint_id(tensors):
    """Mirror of CheckpointId.of: sha256 over tensors in sorted name order."""
    h = hashlib.sha256()
    u64 = lambda v: struct.pack("<Q", v)
    for name, dtype, shape, raw in sorted(tensors, key=lambda t: t[0].encode("utf-8")):
        n = name.encode("utf-8")
        d = dtype.encode("utf-8")
        h.update(u64(len(n)) + n)
        h.update(u64(len(d)) + d)
        h.update(u64(len(shape)) + b"".join(u64(s) for s in shape))
        h.update(u64(len(raw)) + raw)
    return h.hexdigest()


# one file per dtype, tensor "x"
f64 = np.arange(6, dtype=np.float64).reshape(2, 3) * 0.5 - 1.0
f64[1, 2] = 1.0 / 3.0
write("f64.safetensors", [("x", "F64", f64.shape, le(f64))])

f32 = np.array([0.0, -1.5, 3.25, 0.001, 1e30, -7.0], dtype=np.float32).reshape(3, 2)
write("f32.safetensors", [("x", "F32", f32.shape, le(f32))])

# 0.1 rounds to 0.0999755859375; 65504 is the largest finite; 2**-14 smallest normal; 2**-24 smallest subnormal
f16 = np.array([0.0, 1.0, -2.0, 0.1, 65504.0, 2.0**-14, 2.0**-24, np.inf], dtype=np.float16)
write("f16.safetensors", [("x", "F16", f16.shape, le(f16))])

# pi rounds to 3.140625; 1 + 2**-8 is a tie that rounds to even (1.0); 1 + 3 * 2**-8 rounds up to 1 + 2**-6
bf16 = bf16_bits([1.0, -2.5, 3.14159265, 1.0 + 2.0**-8, 1.0 + 3 * 2.0**-8, 1e30]).reshape(2, 3)
write("bf16.safetensors", [("x", "BF16", bf16.shape, le(bf16))])

i64 = np.array([-3, -2, -1, 0, 1, 2**40], dtype=np.int64)
write("i64.safetensors", [("x", "I64", i64.shape, le(i64))])

i32 = np.array([[-2147483648, -1], [0, 2147483647]], dtype=np.int32)
write("i32.safetensors", [("x", "I32", i32.shape, le(i32))])

i16 = np.array([-32768, -1, 0, 32767], dtype=np.int16)
write("i16.safetensors", [("x", "I16", i16.shape, le(i16))])

i8 = np.array([-128, -1, 0, 127], dtype=np.int8)
write("i8.safetensors", [("x", "I8", i8.shape, le(i8))])

u8 = np.array([0, 1, 254, 255], dtype=np.uint8)
write("u8.safetensors", [("x", "U8", u8.shape, le(u8))])

boolean = np.array([True, False, True], dtype=np.bool_)
write("bool.safetensors", [("x", "BOOL", boolean.shape, le(boolean))])

# float8 e4m3fn by hand: 0, 1.0, -2.0, 448 (max), 2**-9 (smallest subnormal), NaN
e4m3 = bytes([0x00, 0x38, 0xC0, 0x7E, 0x01, 0x7F])
write("f8_e4m3.safetensors", [("x", "F8_E4M3", [6], e4m3)])

# float8 e5m2 by hand: 1.0, -inf, 2**-16 (smallest subnormal), 57344 (max)
e5m2 = bytes([0x3C, 0xFC, 0x01, 0x7B])
write("f8_e5m2.safetensors", [("x", "F8_E5M2", [4], e5m2)])

# several tensors, deliberately not in name order, one empty, with metadata
weight = np.arange(12, dtype=np.float32).reshape(3, 4) / 4.0
bias = np.array([1.0, -1.0, 0.5], dtype=np.float16)
steps = np.array([7], dtype=np.int64)
multi = [
    ("weight", "F32", weight.shape, le(weight)),
    ("bias", "F16", bias.shape, le(bias)),
    ("empty", "F32", (0, 3), b""),
    ("alpha.steps", "I64", steps.shape, le(steps)),
]
write("multi.safetensors", multi, {"format": "pt", "note": "golden"})

# sharded: two shards and an index
os.makedirs(os.path.join(HERE, "sharded"), exist_ok=True)
a = np.arange(4, dtype=np.float32)
b = np.arange(6, dtype=np.float32).reshape(2, 3) - 3.0
c = np.array([-1, 1], dtype=np.int32)
write("sharded/model-00001-of-00002.safetensors", [("a", "F32", a.shape, le(a)), ("b", "F32", b.shape, le(b))])
write("sharded/model-00002-of-00002.safetensors", [("c", "I32", c.shape, le(c))])
index = {
    "metadata": {"total_size": a.nbytes + b.nbytes + c.nbytes, "format": "pt"},
    "weight_map": {"a": "model-00001-of-00002.safetensors",
                   "b": "model-00001-of-00002.safetensors",
                   "c": "model-00002-of-00002.safetensors"},
}
with open(os.path.join(HERE, "sharded", "model.safetensors.index.json"), "w") as f:
    json.dump(index, f, indent=2)
    f.write("\n")

print("bf16 bits:", [hex(v) for v in bf16.ravel()])
print("checkpoint id of multi.safetensors:", checkpoint_id(multi))
