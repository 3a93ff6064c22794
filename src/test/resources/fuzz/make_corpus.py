#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz tests (org.mergelab.*FuzzTest), one directory per target.

Standard library only. Valid files first, then malformed ones that reach the parsers' checks. Inputs that a fuzzer
found are kept as found-*.* files next to these and are not written here. Run from this directory:

    python3 make_corpus.py

Layouts: safetensors/ and sharded-index/ hold whole files; recipe/ and experiment-config/ YAML files; idx/ and
cifar/ hold "two files" inputs (org.mergelab.ParserFuzzing.TwoFiles): a flags byte, the big-endian 2-byte length
of the first file, the first file, the second file.
"""
import gzip
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "safetensors")


def copy(source, target, name):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    shutil.copy(source, os.path.join(HERE, target, name))


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def safetensors(header, data=b"", declared=None):
    h = json.dumps(header, separators=(",", ":")).encode() if not isinstance(header, bytes) else header
    return struct.pack("<Q", len(h) if declared is None else declared) + h + data


def two_files(flags, first, second):
    return bytes([flags]) + struct.pack(">H", len(first)) + first + second


def idx(magic, dims, data):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + data


def main():
    # ---- safetensors: golden files, then malformed headers and offsets
    for name in ["multi", "bf16", "bool", "f64", "i8"]:
        copy(os.path.join(GOLDEN, name + ".safetensors"), "safetensors", name + ".safetensors")
    f32x2 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    write("safetensors", "empty-header.safetensors", safetensors({}))
    write("safetensors", "space-padded.safetensors", safetensors(b'{"a":' + json.dumps(f32x2).encode() + b"}    ", bytes(8)))
    write("safetensors", "metadata.safetensors", safetensors({"__metadata__": {"format": "pt"}, "a": f32x2}, bytes(8)))
    write("safetensors", "bad-truncated-data.safetensors", safetensors({"a": f32x2}, bytes(5)))
    write("safetensors", "bad-huge-header-length.safetensors", safetensors({"a": f32x2}, bytes(8), declared=1 << 62))
    write("safetensors", "bad-overlap.safetensors", safetensors(
        {"a": f32x2, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, bytes(8)))
    write("safetensors", "bad-unknown-dtype.safetensors", safetensors({"a": {"dtype": "F128", "shape": [1], "data_offsets": [0, 16]}}, bytes(16)))
    write("safetensors", "bad-metadata-number.safetensors", safetensors({"__metadata__": {"n": 1}}))
    write("safetensors", "bad-not-an-object.safetensors", safetensors(b"[1, 2]"))

    # ---- sharded-index: an index next to the two golden shards (a, b in shard 1; c in shard 2)
    s1, s2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"
    copy(os.path.join(GOLDEN, "sharded", "model.safetensors.index.json"), "sharded-index", "golden.json")
    write("sharded-index", "compact.json", json.dumps({"weight_map": {"a": s1, "b": s1, "c": s2}}))
    write("sharded-index", "bad-missing-shard.json", json.dumps({"weight_map": {"a": s1, "b": s1, "c": "model-00003-of-00003.safetensors"}}))
    write("sharded-index", "bad-traversal.json", json.dumps({"weight_map": {"a": "../" + s1}}))
    write("sharded-index", "bad-wrong-shard.json", json.dumps({"weight_map": {"a": s2, "b": s1, "c": s2}}))
    write("sharded-index", "bad-unlisted-tensor.json", json.dumps({"weight_map": {"a": s1, "c": s2}}))
    write("sharded-index", "bad-unknown-key.json", json.dumps({"weight_map": {}, "shards": 2}))
    write("sharded-index", "bad-metadata-list.json", json.dumps({"metadata": {"total_size": [48]}, "weight_map": {}}))

    # ---- recipe: mergekit-style YAML (paths are not opened by parse)
    write("recipe", "ties.yaml", """models:
  - model: t1.safetensors
    parameters: {weight: 1.0, density: 0.5}
  - model: t2.safetensors
    parameters: {weight: 1.0, density: 0.5}
merge_method: ties
base_model: base.safetensors
parameters: {normalize: true, int8_mask: true}
dtype: bfloat16
""")
    write("recipe", "linear.yaml", """merge_method: linear
models:
  - {model: a, parameters: {weight: 0.3}}
  - {model: b, parameters: {weight: 0.7}}
out_dtype: float16
tokenizer_source: base
chat_template: chatml
""")
    write("recipe", "slerp.yaml", "merge_method: slerp\nbase_model: a\nmodels: [{model: a}, {model: b}]\nparameters: {t: 0.25}\n")
    write("recipe", "dare-ties.yaml", "merge_method: dare_ties\nbase_model: base\nmodels:\n  - {model: a, parameters: {weight: 1, density: 0.3}}\nrandom_seed: 42\ntokenizer: {source: a}\n")
    write("recipe", "fisher.yaml", "merge_method: fisher\nmodels:\n  - {model: a, parameters: {fisher: fa.safetensors}}\n  - {model: b, parameters: {fisher: fb.safetensors}}\n")
    write("recipe", "task-arithmetic.yaml", "merge_method: task_arithmetic\nbase_model: base\nmodels: [{model: base}, {model: a, parameters: {weight: 0.5}}]\nparameters: {lambda: 0.8}\nseed: 3\n")
    write("recipe", "bad-slices.yaml", "slices:\n  - sources: [{model: a, layer_range: [0, 8]}]\nmerge_method: linear\n")
    write("recipe", "bad-gradient.yaml", "merge_method: linear\nmodels: [{model: a, parameters: {weight: [0, 0.5, 1]}}]\n")
    write("recipe", "bad-dtype.yaml", "merge_method: linear\nmodels: [{model: a}]\ndtype: int4\n")
    write("recipe", "bad-method.yaml", "merge_method: frankenmerge\nmodels: [{model: a}]\n")
    write("recipe", "bad-density.yaml", "merge_method: ties\nbase_model: base\nmodels: [{model: a, parameters: {density: 1.5}}]\n")
    write("recipe", "bad-syntax.yaml", "merge_method: linear\nmodels: [{model: a\n")

    # ---- experiment-config: what `mergelab run` reads
    write("experiment-config", "builtin.yaml", """name: builtin
dataset: "builtin:size=10000,test-size=1000"
model: {architecture: resnet, depth: 8, width: 8}
pretrain: {epochs: 6, batch_size: 128, learning_rate: 0.1, schedule: cosine}
finetune: {epochs: 3, batch_size: 128, learning_rate: 0.1, schedule: cosine}
cues:
  color: {size: 8}
  noise: {size: 8}
bn_policies: [interpolate, recalibrate]
seeds: [0, 1, 2]
test_size: 500
""")
    write("experiment-config", "fashion-mnist.yaml", """name: fashion-mnist
dataset: fashion-mnist
model: {architecture: resnet, depth: 20, width: 8}
pretrain: {epochs: 2, batch_size: 128, learning_rate: 0.1, momentum: 0.9, weight_decay: 5.0e-4, schedule: cosine}
cue_seed: 0
protocols:
  task-specific: [color, noise]
  shared: [color, color]
regimes: [incremental, parallel]
alphas: [0.0, 0.5, 1.0]
calibration_images: 1000
probes: [base, color, noise, color-conflict, noise-conflict]
threads: 2
test_subset_seed: 7
""")
    write("experiment-config", "defaults.yaml", "name: defaults\n")
    write("experiment-config", "bad-unknown-key.yaml", "name: x\nepochs: 3\n")
    write("experiment-config", "bad-alphas.yaml", "alphas: [0.5, 0.2, 1.5]\n")
    write("experiment-config", "bad-protocol-cue.yaml", "protocols: {mine: [color, stripes-conflict]}\n")
    write("experiment-config", "bad-type.yaml", "seeds: zero\nthreads: [2]\n")
    write("experiment-config", "bad-cue-size.yaml", "cues: {color: {size: 40}}\n")
    write("experiment-config", "bad-empty.yaml", "")

    # ---- idx: flags bit 0 gzip images, bit 1 gzip labels, bit 2 test split
    images2 = idx(0x803, [2, 28, 28], bytes(range(256)) * 6 + bytes(32))
    labels2 = idx(0x801, [2], bytes([3, 9]))
    write("idx", "train-2-images.bin", two_files(0b011, images2, labels2))
    write("idx", "test-0-images.bin", two_files(0b111, idx(0x803, [0, 28, 28], b""), idx(0x801, [0], b"")))
    write("idx", "bad-not-gzip.bin", two_files(0b000, images2, labels2))
    write("idx", "bad-magic.bin", two_files(0b011, idx(0x802, [2, 28, 28], bytes(1568)), labels2))
    write("idx", "bad-dimensions.bin", two_files(0b011, idx(0x803, [2, 32, 32], bytes(2048)), labels2))
    write("idx", "bad-truncated-images.bin", two_files(0b011, images2[:900], labels2))
    write("idx", "bad-label-10.bin", two_files(0b011, images2, idx(0x801, [2], bytes([3, 10]))))
    write("idx", "bad-count-mismatch.bin", two_files(0b011, images2, idx(0x801, [1], bytes([3]))))
    write("idx", "bad-short-header.bin", two_files(0b011, struct.pack(">I", 0x803) + b"\x00\x00", labels2))
    gz_images = gzip.compress(images2, mtime=0)
    write("idx", "bad-gzip-cut.bin", two_files(0b010, gz_images[: len(gz_images) // 2], labels2))
    write("idx", "bad-gzip-corrupt.bin", two_files(0b010, gz_images[:12] + bytes([0xFF] * 8) + gz_images[20:], labels2))

    # ---- cifar: flags bit 0 CIFAR-100, bit 1 names file, bit 2 subdirectory, bit 3 training set
    def records(labels, label_bytes):
        return b"".join(bytes(label_bytes - 1) + bytes([l]) + bytes([(l * 7 + i) % 256 for i in range(3072)])
                        for l in labels)
    names10 = "\n".join(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]) + "\n"
    write("cifar", "cifar10-test-2.bin", two_files(0b0000, b"", records([0, 9], 1)))
    write("cifar", "cifar10-names-subdir.bin", two_files(0b0110, names10.encode(), records([5], 1)))
    write("cifar", "cifar100-test-2.bin", two_files(0b0001, b"", records([0, 99], 2)))
    write("cifar", "cifar10-train.bin", two_files(0b1000, b"", records([1], 1)))
    write("cifar", "bad-size.bin", two_files(0b0000, b"", records([1], 1)[:-1]))
    write("cifar", "bad-label.bin", two_files(0b0001, b"", records([100], 2)))
    write("cifar", "bad-names-count.bin", two_files(0b0010, b"cat\ndog\n", records([1], 1)))


if __name__ == "__main__":
    main()
