#!/usr/bin/env python3
"""Writes the expected outputs read by org.mergelab.merge.MergekitSlicesReferenceTest.

mergekit's `slices:` recipes, transcribed by us from the rules of mergekit (arcee-ai/mergekit) named in each
docstring; none of their code is copied. Everything is computed in float64 from float32 inputs and rounded once
to the output dtype. numpy only; its own seeded RNG (make_expected.py keeps its own stream). Run from this
directory:

    python3 make_expected_slices.py

It writes, under slices/, three 40-layer Llama-shaped float32 checkpoints (model_a, model_b, base; each with a
config.json) and recipes.json (recipe cases: YAML, expected output tensors, expected num_hidden_layers).
"""
import json
import os
import re
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "slices")
RNG = np.random.default_rng(20251201)
LAYERS = 40
HIDDEN, INTERMEDIATE, VOCAB = 2, 3, 3
LAYER_PATTERN = re.compile(r"(?:^|\.)(?:layers|h|layer|blocks)\.(\d+)(?:\.|$)")


def llama_shapes():
    shapes = {"model.embed_tokens.weight": (VOCAB, HIDDEN), "model.norm.weight": (HIDDEN,),
              "lm_head.weight": (VOCAB, HIDDEN)}
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (HIDDEN,)
        shapes[p + "post_attention_layernorm.weight"] = (HIDDEN,)
        for proj in ("q", "k", "v", "o"):
            shapes[p + f"self_attn.{proj}_proj.weight"] = (HIDDEN, HIDDEN)
        shapes[p + "mlp.gate_proj.weight"] = (INTERMEDIATE, HIDDEN)
        shapes[p + "mlp.up_proj.weight"] = (INTERMEDIATE, HIDDEN)
        shapes[p + "mlp.down_proj.weight"] = (HIDDEN, INTERMEDIATE)
    return shapes


def write_safetensors(path, tensors):
    """float32 tensors, sorted by name; 8-byte header length, JSON, space padding to 8."""
    header = {}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def layer_of(name):
    m = LAYER_PATTERN.search(name)
    return int(m.group(1)) if m else None


def with_layer(name, layer):
    m = LAYER_PATTERN.search(name)
    return name[:m.start(1)] + str(layer) + name[m.end(1):]


def evaluate_setting(setting, t):
    """mergekit.config.evaluate_setting for a scalar or a numeric gradient list (linear interpolation)."""
    if isinstance(setting, list):
        scaled = t * (len(setting) - 1)
        i0 = int(scaled)
        i1 = min(len(setting) - 1, i0 + 1)
        frac = scaled - i0
        return (1 - frac) * setting[i0] + frac * setting[i1]
    return setting


def plan(slices, models):
    """mergekit.plan.MergePlanner._plan / plan_slice / plan_layer: pre-weights (embeddings) from slices[0]'s
    sources at t = 0; every slice's layers in order, output layer counted over all slices, input layer
    from + k, t = k / (n - 1) (1 when n = 1); post-weights (final norm, lm_head) from slices[-1]'s sources at
    t = 1. Yields (output name, [(source, input name)], t, slice)."""
    first = models[slices[0]["sources"][0]["model"]]
    for name in first:
        if layer_of(name) is None and "embed" in name:
            yield name, [(s, name) for s in slices[0]["sources"]], 0.0, slices[0]
    out_layer = 0
    for sl in slices:
        lengths = [s["layer_range"][1] - s["layer_range"][0] for s in sl["sources"]]
        assert all(n == lengths[0] for n in lengths), "All inputs to a slice must contain the same number of layers"
        n = lengths[0]
        ref = sl["sources"][0]
        for k in range(n):
            t = k / (n - 1) if n > 1 else 1.0
            for name in models[ref["model"]]:
                if layer_of(name) == ref["layer_range"][0] + k:
                    yield (with_layer(name, out_layer),
                           [(s, with_layer(name, s["layer_range"][0] + k)) for s in sl["sources"]], t, sl)
            out_layer += 1
    last = models[slices[-1]["sources"][0]["model"]]
    for name in last:
        if layer_of(name) is None and "embed" not in name:
            yield name, [(s, name) for s in slices[-1]["sources"]], 1.0, slices[-1]


def per_model(source, sl, top, key, default, t):
    """mergekit.config.ConfigReader.parameter: the source's own value, else the slice's, else the top-level one."""
    for scope in (source.get("parameters", {}), sl.get("parameters", {}), top):
        if key in scope:
            return evaluate_setting(scope[key], t)
    return default


def f16(x):
    return [float(v) for v in np.asarray(x, dtype=np.float64).astype(np.float16).astype(np.float64).ravel()]


def f32(x):
    return [float(v) for v in np.asarray(x, dtype=np.float64).astype(np.float32).ravel()]


def passthrough(slices, models, rounding):
    """mergekit.merge_methods.passthrough.PassthroughMergeTask: the one input tensor."""
    out = {}
    for name, inputs, t, sl in plan(slices, models):
        assert len(inputs) == 1, "Passthrough merge expects exactly one tensor"
        source, input_name = inputs[0]
        out[name] = rounding(models[source["model"]][input_name].astype(np.float64))
    return out


def linear(slices, models, top):
    """mergekit.merge_methods.linear.LinearMergeTask: sum(w_i x_i) / sum(w_i) (normalize: true)."""
    out = {}
    for name, inputs, t, sl in plan(slices, models):
        weights = [per_model(s, sl, top, "weight", 1.0, t) for s, _ in inputs]
        total = sum(w * models[s["model"]][n].astype(np.float64) for w, (s, n) in zip(weights, inputs))
        out[name] = f32(total / sum(weights))
    return out


def task_arithmetic(slices, models, top, base):
    """mergekit.merge_methods.generalized_task_arithmetic (task_arithmetic: no sparsification, no consensus,
    normalize false, lambda 1): base + sum(w_i (x_i - base)); the base is the slice's source of base_model."""
    out = {}
    for name, inputs, t, sl in plan(slices, models):
        b = [models[s["model"]][n] for s, n in inputs if s["model"] == base][0].astype(np.float64)
        delta = sum(per_model(s, sl, top, "weight", 1.0, t) * (models[s["model"]][n].astype(np.float64) - b)
                    for s, n in inputs if s["model"] != base)
        out[name] = f32(b + delta)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    shapes = llama_shapes()
    models = {}
    for model in ("model_a", "model_b", "base"):
        tensors = {name: RNG.uniform(-1.0, 1.0, shape).astype(np.float32) for name, shape in sorted(shapes.items())}
        models[model] = {name: tensors[name] for name in sorted(tensors)}
        os.makedirs(os.path.join(OUT, model), exist_ok=True)
        write_safetensors(os.path.join(OUT, model, "model.safetensors"), tensors)
        with open(os.path.join(OUT, model, "config.json"), "w") as f:
            json.dump({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": LAYERS,
                       "hidden_size": HIDDEN, "intermediate_size": INTERMEDIATE, "vocab_size": VOCAB}, f, indent=1)
            f.write("\n")

    def src(model, a, b, **parameters):
        s = {"model": model, "layer_range": [a, b]}
        if parameters:
            s["parameters"] = parameters
        return s

    cases = []
    # mergekit examples/orcamini-platy-44layer.yml, model names replaced
    canonical = [{"sources": [src("model_a", 0, 24)]}, {"sources": [src("model_b", 20, 40)]}]
    cases.append({
        "name": "passthrough_canonical_44_layers",
        "follows": "mergekit examples/orcamini-platy-44layer.yml; plan.MergePlanner; merge_methods.passthrough",
        "yaml": "slices:\n  - sources:\n    - model: model_a\n      layer_range: [0, 24]\n  - sources:\n"
                "    - model: model_b\n      layer_range: [20, 40]\nmerge_method: passthrough\ndtype: float16\n",
        "layers": 44,
        "expected": passthrough(canonical, models, f16)})
    stacked = [{"sources": [src("model_a", 0, 2)]}, {"sources": [src("model_b", 1, 3)]},
               {"sources": [src("model_a", 1, 2)]}]
    cases.append({
        "name": "passthrough_float32_repeats_a_layer",
        "follows": "plan.MergePlanner; merge_methods.passthrough",
        "yaml": "merge_method: passthrough\nslices:\n  - sources: [{model: model_a, layer_range: [0, 2]}]\n"
                "  - sources: [{model: model_b, layer_range: [1, 3]}]\n"
                "  - sources: [{model: model_a, layer_range: [1, 2]}]\n",
        "layers": 5,
        "expected": passthrough(stacked, models, f32)})
    merged = [{"sources": [src("model_a", 0, 3, weight=[0.0, 1.0]), src("model_b", 2, 5)]},
              {"sources": [src("model_a", 10, 12), src("model_b", 30, 32, weight=0.75)],
               "parameters": {"weight": 0.25}}]
    cases.append({
        "name": "linear_slices_with_gradients_per_slice",
        "follows": "plan.MergePlanner.plan_slice (t per slice); config.ConfigReader.parameter; merge_methods.linear",
        "yaml": "merge_method: linear\nslices:\n  - sources:\n      - model: model_a\n        layer_range: [0, 3]\n"
                "        parameters: {weight: [0.0, 1.0]}\n      - model: model_b\n        layer_range: [2, 5]\n"
                "  - sources:\n      - model: model_a\n        layer_range: [10, 12]\n      - model: model_b\n"
                "        layer_range: [30, 32]\n        parameters: {weight: 0.75}\n"
                "    parameters: {weight: 0.25}\n",
        "layers": 5,
        "expected": linear(merged, models, {})})
    with_base = [{"sources": [src("base", 0, 2), src("model_a", 0, 2), src("model_b", 2, 4)]},
                 {"sources": [src("model_a", 7, 8), src("base", 5, 6), src("model_b", 9, 10)]}]
    cases.append({
        "name": "task_arithmetic_slices_with_the_base_as_a_source",
        "follows": "plan.MergePlanner; merge_methods.generalized_task_arithmetic (task_arithmetic)",
        "yaml": "merge_method: task_arithmetic\nbase_model: base\nparameters: {weight: 0.5}\nslices:\n"
                "  - sources:\n      - {model: base, layer_range: [0, 2]}\n      - {model: model_a, layer_range: [0, 2]}\n"
                "      - {model: model_b, layer_range: [2, 4]}\n"
                "  - sources:\n      - {model: model_a, layer_range: [7, 8]}\n      - {model: base, layer_range: [5, 6]}\n"
                "      - {model: model_b, layer_range: [9, 10]}\n",
        "layers": 3,
        "expected": task_arithmetic(with_base, models, {"weight": 0.5}, "base")})
    with open(os.path.join(OUT, "recipes.json"), "w") as f:
        json.dump({"format": 1, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
