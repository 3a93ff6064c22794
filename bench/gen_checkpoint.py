"""Writes a safetensors file of TENSORS tensors of ELEMENTS float32 (or bfloat16, float16) values: base + scale * noise."""
import json, struct, sys
import numpy as np

path, seed, tensors, elements, dtype = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
size = 4 if dtype == "F32" else 2  # F32, BF16 or F16
header, offset = {"__metadata__": {"format": "pt"}}, 0
for i in range(tensors):
    header[f"layers.{i}.weight"] = {"dtype": dtype, "shape": [elements // 4096, 4096],
                                    "data_offsets": [offset, offset + elements * size]}
    offset += elements * size
raw = json.dumps(header).encode()
raw += b" " * (-len(raw) % 8)
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(raw)) + raw)
    for i in range(tensors):
        values = np.random.default_rng(i).standard_normal(elements, dtype=np.float32)
        values += np.float32(0.01) * np.random.default_rng(1000 * seed + i).standard_normal(elements, dtype=np.float32)
        if dtype == "F16":
            values = values.astype(np.float16)
        elif dtype == "BF16":
            values = (values.view(np.uint32) + 0x7FFF + ((values.view(np.uint32) >> 16) & 1)) >> 16
            values = values.astype(np.uint16)
        f.write(values.tobytes())
