#!/usr/bin/env python3
"""Writes the expected outputs read by org.mergelab.merge.MergekitReferenceTest.

Each function below is a numpy transcription, written by us from the rule, of the
mergekit (arcee-ai/mergekit, v0.1.4 and later) function or paper-code function named
in its docstring; none of their code is copied. Everything is computed in float64
from float32 inputs (mergelab computes in float64; mergekit in the `dtype` of the
recipe, see the README's merge section). numpy only. Run from this directory:

    python3 make_expected.py

It writes cases.json (per-tensor cases: inputs, parameters, expected output);
under recipes/, small float32 safetensors checkpoints plus recipes.json (recipe
cases: YAML and expected tensors); and under llama/, a 3-layer Llama-shaped
checkpoint (base with config.json, model_a, model_b) plus recipes.json for
per-layer gradients and filters. Tests read these files; they never run Python.
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20250611)


def f32(values):
    """float32 values as Python floats: exact, so Java's Double.parseDouble then (float) gives them back."""
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def f64(values):
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def random32(n, scale=1.0):
    return (RNG.uniform(-1.0, 1.0, n) * scale).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# mergekit.sparsify
# ---------------------------------------------------------------------------------------------

def rescaled_masked_tensor(tensor, mask, l1, eps=1e-7):
    """mergekit.sparsify.rescaled_masked_tensor with norm = l1 (or None when l1 is False):
    the masked tensor, scaled so that its L1 norm equals the unmasked one's, unless either
    norm is below eps."""
    masked = tensor * mask
    if not l1:
        return masked
    before = np.abs(tensor).sum()
    after = np.abs(masked).sum()
    if before < eps or after < eps:
        return masked
    return masked * (before / after)


def magnitude_order_descending(tensor):
    """Indices by |x| (rounded to float32, as mergekit ranks w.float()), largest first; equal
    magnitudes by index (mergekit's torch.argsort leaves their order open; the data avoid ties)."""
    w = np.abs(tensor).astype(np.float32)
    return np.argsort(-w, kind="stable")


def magnitude(tensor, density, l1):
    """mergekit.sparsify.magnitude: keep the int(density * n) largest-magnitude entries."""
    if density >= 1:
        return tensor
    k = int(density * tensor.size)
    mask = np.zeros_like(tensor)
    mask[magnitude_order_descending(tensor)[:k]] = 1
    return rescaled_masked_tensor(tensor, mask, l1)


def magnitude_outliers(tensor, density, gamma, l1):
    """mergekit.sparsify.magnitude_outliers: drop the int(gamma * n) largest entries, keep the next
    int(density * n); when the two overlap (n_bot < 0) fewer outliers are dropped so that
    int(density * n) entries are kept.

    mergekit selects indices[n_bot:-n_top] of the ascending order, which is empty when n_top = 0
    (the whole task vector is dropped: issue 11 item 4). mergelab keeps the documented behaviour,
    indices[n_bot:n - n_top]; the cases here all have n_top > 0, where both agree."""
    if density >= 1:
        return tensor
    n = tensor.size
    target_n = int(density * n)
    n_top = int(gamma * n)
    n_bot = n - target_n - n_top
    if n_bot < 0:
        n_top += n_bot
        n_bot = 0
    ascending = magnitude_order_descending(tensor)[::-1]
    mask = np.zeros_like(tensor)
    mask[ascending[n_bot:n - n_top]] = 1
    return rescaled_masked_tensor(tensor, mask, l1)


# ---------------------------------------------------------------------------------------------
# mergekit.merge_methods.generalized_task_arithmetic
# ---------------------------------------------------------------------------------------------

def gta_execute(base, models, params, sparsification, consensus, normalize, rescale, lam):
    """mergekit.merge_methods.generalized_task_arithmetic.GTATask.execute (with get_task_vectors
    and get_mask(method="sum")): task vectors, sparsify each (density default 1.0), weight,
    sign consensus or plain sum, divide by the (agreeing) weight sum when normalize (a divisor of
    0, or |sum| < 1e-8 for the plain sum, becomes 1), times lambda, plus the base. No task vector
    (every model is the base) returns the base."""
    base = base.astype(np.float64).ravel()  # mergekit ranks tensor.view(-1)
    tvs = [m.astype(np.float64).ravel() - base for m in models]
    if not tvs:
        return base
    deltas = []
    for tv, p in zip(tvs, params):
        density = p.get("density", 1.0)
        if sparsification == "magnitude":
            tv = magnitude(tv, density, rescale)
        elif sparsification == "magnitude_outliers":
            tv = magnitude_outliers(tv, density, p.get("gamma", 0.01), rescale)
        deltas.append(tv)
    deltas = np.stack(deltas)
    weights = np.array([p["weight"] for p in params], dtype=np.float64)[:, None]
    weighted = deltas * weights
    if consensus == "sum":
        sign = np.sign(weighted)
        majority = np.where(weighted.sum(axis=0) >= 0, 1.0, -1.0)
        mask = sign == majority
        mixed = (weighted * mask).sum(axis=0)
        divisor = (weights * mask).sum(axis=0)
        divisor[divisor == 0] = 1
    else:
        mixed = weighted.sum(axis=0)
        divisor = weights.sum(axis=0)
        divisor[np.abs(divisor) < 1e-8] = 1
    if normalize:
        mixed = mixed / divisor
    return base + lam * mixed


# ---------------------------------------------------------------------------------------------
# mergekit.merge_methods.slerp, model_stock; MagMax and Fisher-merging paper code
# ---------------------------------------------------------------------------------------------

def slerp(t, v0, v1, dot_threshold=0.9995, eps=1e-8):
    """mergekit.merge_methods.slerp.slerp: angle from the normalised vectors (a vector of norm
    <= eps is left as is), linear interpolation when |cos| > 0.9995, else the spherical
    coefficients applied to the original vectors."""
    v0 = v0.astype(np.float64)
    v1 = v1.astype(np.float64)
    n0 = np.linalg.norm(v0)
    n1 = np.linalg.norm(v1)
    u0 = v0 / n0 if n0 > eps else v0
    u1 = v1 / n1 if n1 > eps else v1
    dot = np.sum(u0 * u1)
    if np.abs(dot) > dot_threshold:
        return (1 - t) * v0 + t * v1
    theta0 = np.arccos(dot)
    sin0 = np.sin(theta0)
    return np.sin(theta0 - theta0 * t) / sin0 * v0 + np.sin(theta0 * t) / sin0 * v1


def model_stock(base, models):
    """mergekit.merge_methods.model_stock.ModelStockMergeTask.execute (filter_wise false): mean of
    the pairwise cosines of the task vectors, each dot divided by max(|ti||tk|, 1e-6) and clamped to
    [-1, 1]; t = N c / (1 + (N - 1) c); t * mean + (1 - t) * base. (mergelab returns the base when
    c <= 0; the cases here have c > 0.)"""
    base = base.astype(np.float64)
    offsets = [m.astype(np.float64) - base for m in models]
    cosines = []
    for i in range(len(offsets)):
        for k in range(i + 1, len(offsets)):
            product = np.linalg.norm(offsets[i]) * np.linalg.norm(offsets[k])
            cosines.append(np.clip(np.sum(offsets[i] * offsets[k]) / max(product, 1e-6), -1, 1))
    c = np.mean(cosines)
    n = len(models)
    t = n * c / (1 + (n - 1) * c)
    assert c > 0
    mean = sum(m.astype(np.float64) for m in models) / n
    return t * mean + (1 - t) * base


def merge_max_abs(base, models, lam):
    """MagMax (Marczak et al. 2024) paper code, merging/task_vectors.py merge_max_abs, then
    TaskVector.apply_to with scaling_coef = lambda: a running element-wise choice starting from the
    first task vector; a later one replaces it where |later| >= |current| (ties go to the later)."""
    base = base.astype(np.float64)
    chosen = models[0].astype(np.float64) - base
    for m in models[1:]:
        tv = m.astype(np.float64) - base
        chosen = np.where(np.abs(tv) >= np.abs(chosen), tv, chosen)
    return base + lam * chosen


def fisher_merge_normalized(models, fishers, weights, names, floor=1e-6):
    """Fisher merging (Matena & Raffel), mmatena/model_merging merging.py: _merge_with_coeffs with
    normalization_constants from _l2_norm_of_fisher (normalize_fishers=True, favor_target_model=True):
    coefficient_i = w_i / ||F_i|| (the L2 norm of model i's whole Fisher, every tensor), then per
    tensor sum_i c_i F_i theta_i / sum_i c_i F_i, where model 0's F is floored at fisher_floor."""
    norms = [np.sqrt(sum(np.sum(f[name].astype(np.float64) ** 2) for name in names)) for f in fishers]
    coefficients = [w / n for w, n in zip(weights, norms)]
    out = {}
    for name in names:
        lhs = 0.0
        rhs = 0.0
        for j, (m, f, c) in enumerate(zip(models, fishers, coefficients)):
            diag = f[name].astype(np.float64)
            if j == 0:
                diag = np.maximum(diag, floor)
            lhs = lhs + c * diag
            rhs = rhs + c * diag * m[name].astype(np.float64)
        out[name] = rhs / lhs
    return out


# ---------------------------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------------------------

def gta_case(name, item, follows, method, base, models, params, global_params, sparsification, consensus,
             normalize, rescale, lam=1.0, mergekit_params=None):
    expected = gta_execute(base, models, mergekit_params or params, sparsification, consensus, normalize,
                           rescale, lam)
    return {"name": name, "item": item, "follows": follows, "method": method, "base": f32(base),
            "models": [f32(m) for m in models], "per_model": params, "global": global_params,
            "expected": f64(expected)}


def cases():
    out = []
    gta = "mergekit.merge_methods.generalized_task_arithmetic.GTATask.execute"

    # item 1: DARE's rescale keeps each task vector's L1 norm; the mask is random, so the function is
    # checked on given masks (including the two eps fallbacks)
    tau = random32(16).astype(np.float64)
    for label, mask in (("random_mask", (RNG.uniform(size=16) < 0.4).astype(np.float64)),
                        ("one_entry", np.eye(16)[3])):
        out.append({"name": "rescale_l1_" + label, "item": 1,
                    "follows": "mergekit.sparsify.rescaled_masked_tensor (norm l1)",
                    "tensor": f64(tau), "mask": f64(mask),
                    "expected": f64(rescaled_masked_tensor(tau, mask, True))})
    tiny = np.zeros(16)
    tiny[5] = 5e-8  # the masked L1 norm is below eps: masked, not rescaled
    tiny[6] = 2.0
    out.append({"name": "rescale_l1_tiny_after", "item": 1,
                "follows": "mergekit.sparsify.rescaled_masked_tensor (norm l1)",
                "tensor": f64(tiny), "mask": f64(np.eye(16)[5]),
                "expected": f64(rescaled_masked_tensor(tiny, np.eye(16)[5], True))})

    # item 2: density defaults to 1.0 (no trimming) for ties, dare_* and breadcrumbs*
    base = random32(20)
    models = [base + random32(20, 0.5) for _ in range(3)]
    weights = [{"weight": 0.5}, {"weight": 0.3}, {"weight": 0.8}]
    out.append(gta_case("ties_default_density", 2, gta + " + mergekit.sparsify.magnitude", "ties", base, models,
                        weights, {}, "magnitude", "sum", True, False))
    out.append(gta_case("dare_linear_default_density", 2, gta + " + mergekit.sparsify.bernoulli", "dare_linear",
                        base, models, weights, {}, None, None, False, True))
    out.append(gta_case("dare_ties_default_density", 2, gta + " + mergekit.sparsify.bernoulli", "dare_ties",
                        base, models, weights, {}, None, "sum", False, True))
    out.append(gta_case("breadcrumbs_default_density", 2, gta + " + mergekit.sparsify.magnitude_outliers",
                        "breadcrumbs", base, models, weights, {}, "magnitude_outliers", None, False, False))

    # item 3: breadcrumbs with gamma + density > 1 keeps int(density n) entries, dropping fewer outliers
    p = [{"weight": 1.0, "density": 0.8, "gamma": 0.3}, {"weight": 0.5, "density": 0.6, "gamma": 0.5}]
    out.append(gta_case("breadcrumbs_overlap", 3, gta + " + mergekit.sparsify.magnitude_outliers", "breadcrumbs",
                        base, models[:2], p, {}, "magnitude_outliers", None, False, False))
    out.append(gta_case("breadcrumbs_ties_overlap", 3, gta + " + mergekit.sparsify.magnitude_outliers",
                        "breadcrumbs_ties", base, models[:2], p, {}, "magnitude_outliers", "sum", False, False))

    # item 5: slerp falls back to linear interpolation when |cos| > 0.9995
    v0 = random32(12)
    v1 = (v0 + random32(12, 0.02)).astype(np.float32)  # cos about 0.9998
    cos = np.dot(v0.astype(np.float64), v1) / (np.linalg.norm(v0.astype(np.float64)) * np.linalg.norm(v1))
    assert 0.9995 < cos < 1 - 1e-6, cos
    w0 = random32(12)
    w1 = random32(12)
    for label, a, b, t in (("nearly_parallel", v0, v1, 0.3), ("general", w0, w1, 0.35),
                           ("nearly_antiparallel", v0, (-v1).astype(np.float32), 0.6)):
        out.append({"name": "slerp_" + label, "item": 5, "follows": "mergekit.merge_methods.slerp.slerp",
                    "method": "slerp", "models": [f32(a), f32(b)], "per_model": [], "global": {"t": t},
                    "expected": f64(slerp(t, a, b))})

    # item 6: model_stock divides each pair's dot by max(|ti||tk|, 1e-6)
    small_base = random32(6, 1e-4)
    small = [(small_base + np.abs(random32(6, 2e-4))).astype(np.float32) for _ in range(3)]
    large_base = random32(30)
    large = [(large_base + 0.3 + random32(30, 0.5)).astype(np.float32) for _ in range(3)]
    for label, b, ms in (("small_task_vectors", small_base, small), ("three_models", large_base, large)):
        out.append({"name": "model_stock_" + label, "item": 6,
                    "follows": "mergekit.merge_methods.model_stock.ModelStockMergeTask.execute",
                    "method": "model_stock", "base": f32(b), "models": [f32(m) for m in ms], "per_model": [],
                    "global": {}, "expected": f64(model_stock(b, ms))})

    # item 7: int(density * n) entries are kept: int(0.7 * 90) = 62, int(0.29 * 100) = 28
    base90 = random32(90)
    models90 = [(base90 + random32(90)).astype(np.float32) for _ in range(2)]
    p = [{"weight": 1.0, "density": 0.7}, {"weight": 0.5, "density": 0.7}]
    assert int(0.7 * 90) == 62
    out.append(gta_case("ties_count_truncates", 7, gta + " + mergekit.sparsify.magnitude", "ties", base90,
                        models90, p, {}, "magnitude", "sum", True, False))
    base100 = random32(100)
    models100 = [(base100 + random32(100)).astype(np.float32)]
    p = [{"weight": 1.0, "density": 0.29, "gamma": 0.03}]
    assert int(0.29 * 100) == 28
    out.append(gta_case("breadcrumbs_count_truncates", 7, gta + " + mergekit.sparsify.magnitude_outliers",
                        "breadcrumbs", base100, models100, p, {}, "magnitude_outliers", None, False, False))

    # item 9: rescale on ties and breadcrumbs (L1, as dare)
    p = [{"weight": 0.6, "density": 0.5}, {"weight": 0.4, "density": 0.3}, {"weight": 1.0, "density": 0.7}]
    out.append(gta_case("ties_rescale", 9, gta + " + mergekit.sparsify.magnitude (rescale_norm l1)", "ties",
                        base, models, p, {"rescale": 1.0}, "magnitude", "sum", True, True))
    p = [{"weight": 1.0, "density": 0.5, "gamma": 0.1}, {"weight": 0.5, "density": 0.7, "gamma": 0.05}]
    out.append(gta_case("breadcrumbs_rescale", 9, gta + " + mergekit.sparsify.magnitude_outliers (rescale_norm l1)",
                        "breadcrumbs", base, models[:2], p, {"rescale": 1.0}, "magnitude_outliers", None, False,
                        True))
    out.append(gta_case("breadcrumbs_ties_rescale", 9,
                        gta + " + mergekit.sparsify.magnitude_outliers (rescale_norm l1)", "breadcrumbs_ties", base,
                        models[:2], p, {"rescale": 1.0, "normalize": 1.0}, "magnitude_outliers", "sum", True, True))

    # item 10: normalize with weights summing to 0 divides by 1
    p = [{"weight": 1.0}, {"weight": -1.0}]
    out.append(gta_case("task_arithmetic_zero_weight_sum", 10, gta, "task_arithmetic", base, models[:2], p,
                        {"normalize": 1.0}, None, None, True, False))
    p = [{"weight": 0.5, "density": 0.8, "gamma": 0.1}, {"weight": -0.5, "density": 0.8, "gamma": 0.1}]
    out.append(gta_case("breadcrumbs_zero_weight_sum", 10, gta + " + mergekit.sparsify.magnitude_outliers",
                        "breadcrumbs", base, models[:2], p, {"normalize": 1.0, "lambda": 0.7},
                        "magnitude_outliers", None, True, False, lam=0.7))

    # item 11: MagMax keeps the later model on equal magnitudes
    mbase = np.array([0, 1, 2, 3, -1, 0.5], dtype=np.float32)
    mm = [mbase + np.array([0.5, -2, 1, 0.25, 0, 3], dtype=np.float32),
          mbase + np.array([-0.5, 2, -1.5, 0.25, 0, -3], dtype=np.float32),
          mbase + np.array([0.5, 1, 1.5, -0.25, 0, 1], dtype=np.float32)]
    for lam in (1.0, 0.5):
        out.append({"name": "magmax_ties_lambda_%g" % lam, "item": 11,
                    "follows": "MagMax paper code merge_max_abs + TaskVector.apply_to", "method": "magmax",
                    "base": f32(mbase), "models": [f32(m) for m in mm], "per_model": [], "global": {"lambda": lam},
                    "expected": f64(merge_max_abs(mbase, mm, lam))})
    return out


# ---------------------------------------------------------------------------------------------
# recipe cases: small checkpoints on disk
# ---------------------------------------------------------------------------------------------

def write_safetensors(path, tensors):
    """float32 tensors; header as the reference writer (8-byte length, JSON, space padding to 8)."""
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


def recipes():
    shapes = {"model.layers.0.mlp.down_proj.weight": (4, 5), "model.norm.weight": (5,)}
    names = sorted(shapes)

    def checkpoint(offset_scale):
        return {n: (RNG.uniform(-1, 1, s) * offset_scale).astype(np.float32) for n, s in shapes.items()}

    base = checkpoint(1.0)
    a = {n: (base[n] + checkpoint(0.4)[n]).astype(np.float32) for n in names}
    b = {n: (base[n] + checkpoint(0.4)[n]).astype(np.float32) for n in names}
    fa = {n: RNG.uniform(1.0, 10.0, shapes[n]).astype(np.float32) for n in names}
    fb = {n: RNG.uniform(1.0, 10.0, shapes[n]).astype(np.float32) for n in names}
    directory = os.path.join(HERE, "recipes")
    os.makedirs(directory, exist_ok=True)
    for file, tensors in (("base", base), ("model_a", a), ("model_b", b), ("fisher_a", fa), ("fisher_b", fb)):
        write_safetensors(os.path.join(directory, file + ".safetensors"), tensors)

    gta = "mergekit.merge_methods.generalized_task_arithmetic.GTATask.execute"
    out = []

    def expected_gta(params, sparsification, consensus, normalize, rescale, models=(a, b)):
        return {n: f64(gta_execute(base[n], [m[n] for m in models], params, sparsification, consensus, normalize,
                                   rescale, 1.0)) for n in names}

    # item 8: a top-level weight / density is every model's default; a model's own value wins
    out.append({"name": "top_level_per_model_defaults", "item": 8,
                "follows": "mergekit.config.ConfigReader.parameter + " + gta,
                "yaml": "merge_method: ties\nbase_model: base.safetensors\nmodels:\n"
                        "  - model: model_a.safetensors\n"
                        "  - model: model_b.safetensors\n    parameters: {weight: 0.25}\n"
                        "parameters: {weight: 0.7, density: 0.6, normalize: true}\ndtype: float32\n",
                "expected": expected_gta([{"weight": 0.7, "density": 0.6}, {"weight": 0.25, "density": 0.6}],
                                         "magnitude", "sum", True, False)})
    # item 13: every models entry is the base: the task-vector family returns the base
    for method in ("ties", "task_arithmetic", "breadcrumbs", "dare_ties"):
        out.append({"name": "all_models_are_the_base_" + method, "item": 13, "follows": gta + " (no task vectors)",
                    "yaml": "merge_method: %s\nbase_model: base.safetensors\nmodels:\n"
                            "  - model: base.safetensors\n    parameters: {weight: 0.5}\n"
                            "dtype: float32\n" % method,
                    "expected": expected_gta([], None, None, False, False, models=())})
    out.append({"name": "all_models_are_the_base_model_stock", "item": 13,
                "follows": "mergekit.merge_methods.model_stock.ModelStockMergeTask.execute (only the base)",
                "yaml": "merge_method: model_stock\nbase_model: base.safetensors\nmodels:\n"
                        "  - model: base.safetensors\ndtype: float32\n",
                "expected": {n: f64(base[n]) for n in names}})
    # item 12: Fisher merging with each model's coefficient divided by its whole-model Fisher norm
    fisher = fisher_merge_normalized([a, b], [fa, fb], [1.0, 0.6], names)
    out.append({"name": "fisher_normalized", "item": 12,
                "follows": "mmatena/model_merging merging._merge_with_coeffs (normalize_fishers)",
                "yaml": "merge_method: fisher\nmodels:\n"
                        "  - model: model_a.safetensors\n    parameters: {weight: 1.0, fisher: fisher_a.safetensors}\n"
                        "  - model: model_b.safetensors\n    parameters: {weight: 0.6, fisher: fisher_b.safetensors}\n"
                        "parameters: {normalize_fishers: true}\ndtype: float32\n",
                "expected": {n: f64(fisher[n]) for n in names}})
    with open(os.path.join(directory, "recipes.json"), "w") as f:
        json.dump({"format": 1, "cases": out}, f, indent=1)
        f.write("\n")


# ---------------------------------------------------------------------------------------------
# per-layer gradients and filters on a small Llama-shaped checkpoint
# ---------------------------------------------------------------------------------------------

def evaluate_setting(tensor_name, setting, t):
    """mergekit.config.evaluate_setting: a scalar as is; a list of numbers (bools count) interpolated at
    t * (len - 1); another list of scalars indexed at int(t * (len - 1)); a list of {filter, value}:
    the first whose filter is absent, "*" or a substring of the name, evaluated at t; else None."""
    if isinstance(setting, (float, int, bool, str)):
        return setting
    if all(isinstance(e, (int, float)) for e in setting):
        scaled = t * (len(setting) - 1)
        i0 = int(scaled)
        i1 = min(len(setting) - 1, i0 + 1)
        frac = scaled - i0
        return (1 - frac) * setting[i0] + frac * setting[i1]
    if all(isinstance(e, (float, int, bool, str)) for e in setting):
        return setting[int(t * (len(setting) - 1))]
    for cond in setting:
        f = cond.get("filter")
        if f is None or f == "*" or f in tensor_name:
            return evaluate_setting(tensor_name, cond["value"], t)
    return None


def parameter(name, t, own, top, key, default):
    """mergekit.config.ConfigReader.parameter for a models-only recipe: the model's own setting, else the
    top-level one, else the default; a setting that evaluates to None counts as absent."""
    for level in (own, top):
        if level and key in level:
            value = evaluate_setting(name, level[key], t)
            if value is not None:
                return value
    return default


def layer_position(name, num_layers, pattern=r"(?:^|\.)(?:layers|h|layer|blocks)\.(\d+)(?:\.|$)"):
    """mergekit.plan.MergePlanner: layer i of N at t = i / (N - 1) (1 when N = 1) in plan_slice; pre_weights
    (Llama: embed_tokens) at t = 0 and post_weights (norm, lm_head) at t = 1. mergelab finds the index in the
    name (pattern) and calls a tensor without one pre when its name has 'embed' (or is wte/wpe)."""
    import re
    m = re.search(pattern, name)
    if m is None:
        return 0.0 if re.search(r"embed|(?:^|\.)(?:wte|wpe)(?:\.|$)", name) else 1.0
    index = int(m.group(1))
    return index / (num_layers - 1) if num_layers > 1 else 1.0


def llama():
    layers, hidden, inner, vocab = 3, 4, 6, 6
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
    a = {n: (base[n] + RNG.uniform(-0.4, 0.4, shapes[n])).astype(np.float32) for n in names}
    b = {n: (base[n] + RNG.uniform(-0.4, 0.4, shapes[n])).astype(np.float32) for n in names}
    directory = os.path.join(HERE, "llama")
    for sub, tensors in (("base", base), ("model_a", a), ("model_b", b)):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
        write_safetensors(os.path.join(directory, sub, "model.safetensors"), tensors)
    with open(os.path.join(directory, "base", "config.json"), "w") as f:
        json.dump({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": layers,
                   "hidden_size": hidden, "intermediate_size": inner, "vocab_size": vocab}, f, indent=1)
        f.write("\n")
    # the base again, alone in a directory without config.json: N comes from the names
    os.makedirs(os.path.join(directory, "bare"), exist_ok=True)
    write_safetensors(os.path.join(directory, "bare", "base.safetensors"), base)

    out = []
    slerp_t = [{"filter": "self_attn", "value": [0, 0.5, 0.3, 0.7, 1]},
               {"filter": "mlp", "value": [1, 0.5, 0.7, 0.3, 0]}, {"value": 0.5}]
    expected = {}
    for n in names:
        t = evaluate_setting(n, slerp_t, layer_position(n, layers))
        expected[n] = f64(slerp(t, base[n].ravel(), b[n].ravel()))
    out.append({"name": "slerp_canonical_gradients_and_filters",
                "follows": "mergekit.config.evaluate_setting + plan.MergePlanner + merge_methods.slerp.slerp",
                "yaml": "models:\n  - model: base\n  - model: model_b\nmerge_method: slerp\nbase_model: base\n"
                        "parameters:\n  t:\n    - filter: self_attn\n      value: [0, 0.5, 0.3, 0.7, 1]\n"
                        "    - filter: mlp\n      value: [1, 0.5, 0.7, 0.3, 0]\n    - value: 0.5\ndtype: float32\n",
                "expected": expected})

    own_a = {"density": [0.3, 0.6, 0.9]}
    own_b = {"weight": [{"filter": "self_attn", "value": 0.8}, {"filter": "mlp", "value": [0.2, 0.6]}]}
    top = {"weight": 0.5, "density": 0.5, "normalize": True, "lambda": [1.0, 0.5]}
    expected = {}
    for n in names:
        t = layer_position(n, layers)
        params = [{key: parameter(n, t, own, top, key, None) for key in ("weight", "density")}
                  for own in (own_a, own_b)]
        lam = parameter(n, t, None, top, "lambda", 1.0)
        expected[n] = f64(gta_execute(base[n], [a[n], b[n]], params, "magnitude", "sum", True, False, lam))
    out.append({"name": "ties_per_model_gradients_and_filters",
                "follows": "mergekit.config.ConfigReader.parameter + evaluate_setting + GTATask.execute",
                "yaml": "models:\n  - model: model_a\n    parameters:\n      density: [0.3, 0.6, 0.9]\n"
                        "  - model: model_b\n    parameters:\n      weight:\n"
                        "        - {filter: self_attn, value: 0.8}\n        - {filter: mlp, value: [0.2, 0.6]}\n"
                        "merge_method: ties\nbase_model: base\n"
                        "parameters: {weight: 0.5, density: 0.5, normalize: true, lambda: [1.0, 0.5]}\n"
                        "dtype: float32\n",
                "expected": expected})

    pattern = r"layers\.(\d+)\.mlp"
    expected = {}
    for n in names:
        t = layer_position(n, layers, pattern)
        w = evaluate_setting(n, [0.0, 1.0, 0.5], t)
        expected[n] = f64(gta_execute(base[n], [a[n]], [{"weight": w}], None, None, False, False, 1.0))
    out.append({"name": "layer_pattern_and_layers_from_names",
                "follows": "mergelab's layer_pattern (first group = index) + evaluate_setting + GTATask.execute",
                "yaml": "models:\n  - model: model_a\n    parameters: {weight: [0.0, 1.0, 0.5]}\n"
                        "merge_method: task_arithmetic\nbase_model: bare/base.safetensors\n"
                        "layer_pattern: 'layers\\.(\\d+)\\.mlp'\ndtype: float32\n",
                "expected": expected})
    with open(os.path.join(directory, "recipes.json"), "w") as f:
        json.dump({"format": 1, "cases": out}, f, indent=1)
        f.write("\n")


def main():
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"format": 1, "cases": cases()}, f, indent=1)
        f.write("\n")
    recipes()
    llama()


if __name__ == "__main__":
    main()
