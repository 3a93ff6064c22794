"""Reference: the linear merge (mean of two models) a Python user writes by hand with numpy memory maps.

Usage: numpy_linear.py A.safetensors B.safetensors OUT.safetensors
Every tensor is memory-mapped from both inputs, averaged in float32 and written in the input's dtype (F32 or BF16,
BF16 rounded to nearest even); the header is copied from A. No hashing, no checks: the floor a hand-written script sets.
"""
import json, struct, sys
import numpy as np

a_path, b_path, out_path = sys.argv[1:4]


def header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)), 8 + n


ha, start_a = header(a_path)
hb, start_b = header(b_path)
raw = open(a_path, "rb").read(start_a)
with open(out_path, "wb") as out:
    out.write(raw)
    for name, info in ha.items():
        if name == "__metadata__":
            continue
        lo, hi = info["data_offsets"]
        dtype = info["dtype"]
        kind = np.float32 if dtype == "F32" else np.uint16
        a = np.memmap(a_path, dtype=kind, mode="r", offset=start_a + lo, shape=((hi - lo) // np.dtype(kind).itemsize,))
        b = np.memmap(b_path, dtype=kind, mode="r", offset=start_b + hb[name]["data_offsets"][0], shape=a.shape)
        if dtype == "F32":
            merged = (a + b) * np.float32(0.5)
        else:
            fa = (a.astype(np.uint32) << 16).view(np.float32)
            fb = (b.astype(np.uint32) << 16).view(np.float32)
            m = ((fa + fb) * np.float32(0.5)).view(np.uint32)
            merged = ((m + 0x7FFF + ((m >> 16) & 1)) >> 16).astype(np.uint16)
        out.write(merged.tobytes())
