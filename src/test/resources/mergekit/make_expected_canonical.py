#!/usr/bin/env python3
"""Writes canonical/cases.json, the expected outputs read by org.mergelab.merge.MergekitCanonicalRecipeTest.

The example recipes for breadcrumbs, breadcrumbs_ties, model_stock and dare_ties of the mergekit merge-method
guide (R. Rastogi, 2025: Hermes-3 / DeepSeek-R1-Distill onto Llama-3.1-8B-Instruct, the same source as the della
recipe of MergekitTvmReferenceTest; mergekit's own docs/merge_methods.md and examples/ give no YAML for these
methods), with only the model names replaced by the Llama-shaped fixtures under llama/ (base, model_a, model_b;
written by make_expected.py, read here, never rewritten), for model_stock canonical/model_c, and for breadcrumbs
also canonical/wide (both written here).
Their parameters are kept as written, dtype float16 included: the expected outputs are float64 and the test
allows the float16 rounding of the output.

numpy transcriptions, written by us from the rules, of the mergekit functions each case names; breadcrumbs and
model_stock reuse make_expected.py's transcriptions (gta_execute with sparsify.magnitude_outliers, model_stock),
imported, not run (its RNG stream is not touched). dare_ties is random: mergekit draws its mask with
torch.bernoulli(density); mergelab draws one uniform u per entry in index order and keeps the entry when
u < density. This script draws the uniforms from its own seeded RNG, writes them into the case ("draws": per
tensor, one list per model) and computes the mask as u < density; the test hands the same uniforms to mergelab
in place of its stream, so the rescale, the sign election, the weights and lambda are compared end to end.

Run from this directory (numpy only):

    python3 make_expected_canonical.py
"""
import json
import os
import struct

import numpy as np

from make_expected import gta_execute, model_stock, rescaled_masked_tensor, write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261202)

GTA = "mergekit.merge_methods.generalized_task_arithmetic.GTATask.execute"


def read_safetensors(path):
    """float32 tensors of a safetensors file, by name."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", name
        start, end = entry["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"])
    return out


def f64(values):
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def dare_ties(base, models, weights, density, lam, draws):
    """GTATask.execute with sparsify.bernoulli (rescale_norm l1, mergekit's default for dare_ties) and
    get_mask(method="sum"), normalize false: each task vector keeps the entries whose uniform is below density,
    rescaled to the L1 norm of the whole task vector; sign election; lambda times the agreeing weighted sum."""
    base = base.astype(np.float64).ravel()
    deltas = []
    for m, u in zip(models, draws):
        tv = m.astype(np.float64).ravel() - base
        deltas.append(rescaled_masked_tensor(tv, (u < density).astype(np.float64), True))
    weighted = np.stack(deltas) * np.array(weights, dtype=np.float64)[:, None]
    majority = np.where(weighted.sum(axis=0) >= 0, 1.0, -1.0)
    mixed = (weighted * (np.sign(weighted) == majority)).sum(axis=0)
    return base + lam * mixed


def wide_llama(layers=3, hidden=12, inner=16, vocab=16):
    """base, model_a, model_b: Llama-shaped float32 checkpoints with tensors of 100 entries or more (norms aside),
    written under canonical/wide."""
    shapes = {"model.embed_tokens.weight": (vocab, hidden), "model.norm.weight": (hidden,),
              "lm_head.weight": (vocab, hidden)}
    for i in range(layers):
        p = "model.layers.%d." % i
        for proj in ("q", "k", "v", "o"):
            shapes[p + "self_attn.%s_proj.weight" % proj] = (hidden, hidden)
        shapes[p + "mlp.gate_proj.weight"] = (inner, hidden)
        shapes[p + "mlp.up_proj.weight"] = (inner, hidden)
        shapes[p + "mlp.down_proj.weight"] = (hidden, inner)
        shapes[p + "input_layernorm.weight"] = (hidden,)
        shapes[p + "post_attention_layernorm.weight"] = (hidden,)
    names = sorted(shapes)
    base = {n: RNG.uniform(-1, 1, shapes[n]).astype(np.float32) for n in names}
    models = [base] + [{n: (base[n] + RNG.uniform(-0.4, 0.4, shapes[n])).astype(np.float32) for n in names}
                       for _ in range(2)]
    for sub, tensors in zip(("base", "model_a", "model_b"), models):
        os.makedirs(os.path.join(HERE, "canonical", "wide", sub), exist_ok=True)
        write_safetensors(os.path.join(HERE, "canonical", "wide", sub, "model.safetensors"), tensors)
    return models


def main():
    llama = os.path.join(HERE, "llama")
    base, a, b = (read_safetensors(os.path.join(llama, sub, "model.safetensors"))
                  for sub in ("base", "model_a", "model_b"))
    names = sorted(base)
    two = "models:\n  - model: model_a\n    parameters:\n      weight: 0.3\n" \
          "  - model: model_b\n    parameters:\n      weight: 0.7\n"
    out = []
    for method, consensus in (("breadcrumbs", None), ("breadcrumbs_ties", "sum")):
        params = [{"weight": 0.3, "density": 0.9, "gamma": 0.01}, {"weight": 0.7, "density": 0.9, "gamma": 0.01}]
        out.append({"name": method, "follows": GTA + " + mergekit.sparsify.magnitude_outliers",
                    "yaml": two + "merge_method: %s\nbase_model: base\nparameters:\n  lambda: 0.5\n"
                                  "  density: 0.9\n  gamma: 0.01\n\ndtype: float16\n" % method,
                    "expected": {n: f64(gta_execute(base[n], [a[n], b[n]], params, "magnitude_outliers", consensus,
                                                    False, False, 0.5)) for n in names}})
    # the fixtures' two task vectors are independent, so some tensors' cosines are <= 0, where mergelab returns
    # the base on purpose (README); model_c, written here, leans towards model_a so every cosine is > 0
    c = {n: (base[n] + 0.6 * (a[n] - base[n]) + RNG.uniform(-0.05, 0.05, base[n].shape)).astype(np.float32)
         for n in names}
    os.makedirs(os.path.join(HERE, "canonical", "model_c"), exist_ok=True)
    write_safetensors(os.path.join(HERE, "canonical", "model_c", "model.safetensors"), c)
    out.append({"name": "model_stock",
                "follows": "mergekit.merge_methods.model_stock.ModelStockMergeTask.execute",
                "yaml": "models:\n  - model: model_a\n  - model: model_c\nmerge_method: model_stock\n"
                        "base_model: base\ndtype: float16\n",
                "expected": {n: f64(model_stock(base[n].ravel(), [a[n].ravel(), c[n].ravel()])) for n in names}})
    draws = {n: [RNG.uniform(0.0, 1.0, base[n].size) for _ in range(2)] for n in names}
    out.append({"name": "dare_ties", "follows": GTA + " + mergekit.sparsify.bernoulli (rescale_norm l1)",
                "yaml": two + "merge_method: dare_ties\nbase_model: base\nparameters:\n  lambda: 0.5\n"
                              "  density: 0.7\ndtype: float16\n",
                "draws": {n: [f64(d) for d in draws[n]] for n in names},
                "expected": {n: f64(dare_ties(base[n], [a[n], b[n]], [0.3, 0.7], 0.7, 0.5, draws[n]))
                             for n in names}})
    # the fixtures' tensors have at most 24 entries, so int(gamma n) = 0 and breadcrumbs drop no outlier there
    # (README: mergekit would drop the whole task vector); the same recipes again on wider Llama-shaped
    # checkpoints (canonical/wide, written here), whose matrices have 144 to 192 entries, drop 1 outlier each
    wide = wide_llama()
    for method, consensus in (("breadcrumbs", None), ("breadcrumbs_ties", "sum")):
        params = [{"weight": 0.3, "density": 0.9, "gamma": 0.01}, {"weight": 0.7, "density": 0.9, "gamma": 0.01}]
        wb, wa, wbb = wide
        out.append({"name": method + "_wide", "follows": GTA + " + mergekit.sparsify.magnitude_outliers",
                    "yaml": two.replace("model_", "wide/model_") + "merge_method: %s\nbase_model: wide/base\n"
                            "parameters:\n  lambda: 0.5\n  density: 0.9\n  gamma: 0.01\n\ndtype: float16\n" % method,
                    "expected": {n: f64(gta_execute(wb[n], [wa[n], wbb[n]], params, "magnitude_outliers", consensus,
                                                    False, False, 0.5)) for n in sorted(wb)}})
    with open(os.path.join(HERE, "canonical", "cases.json"), "w") as f:
        json.dump({"format": 1, "cases": out}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
