"""Writes a Llama-7B-shaped checkpoint in BF16, sharded as Hugging Face shards it, with LAYERS decoder layers.

Usage: gen_llama_shards.py DIR SEED LAYERS [SHARD_BYTES]
Tensor names and shapes are Llama-2-7B's (hidden 4096, intermediate 11008, vocabulary 32000); only the layer count is
scaled down to fit the disk (32 in the real model: 13.5 GB per checkpoint). Values: a shared N(0, 1) draw per tensor
plus 0.01 times a draw of SEED's own, so that checkpoints of different seeds are close, as fine-tunes of one base are.
DIR gets model-0000i-of-0000N.safetensors (tensors in order, a new shard when the next tensor would pass SHARD_BYTES,
default 10^9) and model.safetensors.index.json.
"""
import json
import os
import struct
import sys

import numpy as np

out, seed, layers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
shard_bytes = int(sys.argv[4]) if len(sys.argv) > 4 else 10**9
hidden, intermediate, vocabulary = 4096, 11008, 32000

shapes = [("model.embed_tokens.weight", [vocabulary, hidden])]
for i in range(layers):
    p = f"model.layers.{i}."
    shapes += [(p + "self_attn.q_proj.weight", [hidden, hidden]), (p + "self_attn.k_proj.weight", [hidden, hidden]),
               (p + "self_attn.v_proj.weight", [hidden, hidden]), (p + "self_attn.o_proj.weight", [hidden, hidden]),
               (p + "mlp.gate_proj.weight", [intermediate, hidden]), (p + "mlp.up_proj.weight", [intermediate, hidden]),
               (p + "mlp.down_proj.weight", [hidden, intermediate]), (p + "input_layernorm.weight", [hidden]),
               (p + "post_attention_layernorm.weight", [hidden])]
shapes += [("model.norm.weight", [hidden]), ("lm_head.weight", [vocabulary, hidden])]

shards, current, size = [], [], 0
for name, shape in shapes:
    n = int(np.prod(shape)) * 2
    if current and size + n > shard_bytes:
        shards.append(current)
        current, size = [], 0
    current.append((name, shape))
    size += n
shards.append(current)


def bf16(values):
    bits = values.view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


os.makedirs(out, exist_ok=True)
weight_map, total = {}, 0
for s, tensors in enumerate(shards):
    file = f"model-{s + 1:05d}-of-{len(shards):05d}.safetensors"
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape in tensors:
        n = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
        weight_map[name] = file
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(os.path.join(out, file + ".tmp"), "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for k, (name, shape) in enumerate(tensors):
            count = int(np.prod(shape))
            index = [i for i, (m, _) in enumerate(shapes) if m == name][0]
            values = np.random.default_rng(index).standard_normal(count, dtype=np.float32)
            if name.endswith("norm.weight"):
                values = np.float32(1.0) + np.float32(0.1) * values
            values += np.float32(0.01) * np.random.default_rng(1000 * seed + index).standard_normal(count, dtype=np.float32)
            f.write(bf16(values).tobytes())
    os.replace(os.path.join(out, file + ".tmp"), os.path.join(out, file))
    total += offset
with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
    json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
