#!/usr/bin/env python3
"""Writes the expected outputs read by org.mergelab.merge.MergekitSphReferenceTest (issue 11: nearswap,
multislerp, karcher, nuslerp, arcee_fusion).

Each function below is a numpy transcription, written by us from the rule, of the mergekit (arcee-ai/mergekit)
function named in its docstring; none of their code is copied. Everything is computed in float64 from float32
inputs (mergelab computes in float64 and rounds once). It has its own seeded RNG, apart from make_expected.py's.
numpy only. Run from this directory:

    python3 make_expected_sph.py

It writes sph/cases.json (per-tensor cases: inputs, parameters, expected output). Tests never run Python.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261201)


def f32(values):
    """float32 values as Python floats: exact, so Java's Double.parseDouble then (float) gives them back."""
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def f64(values):
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def random32(n, scale=1.0):
    return (RNG.uniform(-1.0, 1.0, n) * scale).astype(np.float32)


def nearswap(t, base, model):
    """mergekit.merge_methods.nearswap.nearswap_merge: weight = clamp(t / max(|base - model|, 1e-6), 0, 1),
    then weight * model + (1 - weight) * base."""
    w = np.clip(t / np.maximum(np.abs(base - model), 1e-6), 0.0, 1.0)
    return w * model + (1.0 - w) * base


def multislerp(tensors, weights, normalize_weights=True, eps=1e-8, base=None):
    """mergekit.merge_methods.multislerp.multislerp: with a base, of the task vectors, the base added back; weighted mean of the unit vectors
    (norms + eps) normalised to m, the weighted tangent vectors at m mapped back by the exponential map with
    |T| + eps, scaled by the weighted mean norm; two balanced antipodes interpolate linearly."""
    if len(tensors) == 1:
        return tensors[0]
    x = np.stack(tensors)
    if base is not None:
        return multislerp(list(x - base), weights, normalize_weights, eps) + base
    w = np.asarray(weights, dtype=np.float64)
    if normalize_weights:
        w = w / w.sum()
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    units = x / (norms + eps)
    mean = (units * w[:, None]).sum(0)
    mean_norm = np.linalg.norm(mean)
    if mean_norm < eps:
        assert len(tensors) == 2
        return x[0] * w[0] + x[1] * w[1]
    mean = mean / mean_norm
    dots = (units * mean).sum(1, keepdims=True)
    tangent = ((units - dots * mean) * w[:, None]).sum(0)
    tn = np.linalg.norm(tangent) + eps
    result = mean * np.cos(tn) + tangent * (np.sin(tn) / tn)
    return result * (norms[:, 0] * w).sum()


def karcher(tensors, max_iter=10, tol=1e-5):
    """mergekit.merge_methods.karcher.karcher_merge_tensors with equal alphas 1/N (_karcher_merge): units of the
    models with norm > tol, the normalised weighted mean as first guess, then up to max_iter steps of the
    exponential map along sum a_i theta_i / sin theta_i (u_i - cos theta_i m), skipping angles < tol and
    stopping when the step is < tol; scaled by sum alpha_i |x_i| over every model."""
    if len(tensors) == 1:
        return tensors[0]
    alphas = [1.0 / len(tensors)] * len(tensors)
    norms = [float(np.linalg.norm(x)) for x in tensors]
    valid = [i for i, nrm in enumerate(norms) if nrm > tol]
    if not valid:
        return np.zeros_like(tensors[0])
    total = sum(alphas[i] for i in valid)
    a = [alphas[i] / total for i in valid]
    units = [tensors[i] / norms[i] for i in valid]
    m = sum(ai * u for ai, u in zip(a, units))
    mn = np.linalg.norm(m)
    m = units[0].copy() if mn < tol else m / mn
    for _ in range(max_iter):
        tangent = np.zeros_like(m)
        for ai, u in zip(a, units):
            d = np.clip(np.dot(m, u), -1.0, 1.0)
            th = np.arccos(d)
            if th < tol:
                continue
            tangent += ai * (th / np.sin(th)) * (u - d * m)
        tn = np.linalg.norm(tangent)
        if tn < tol:
            break
        m = np.cos(tn) * m + np.sin(tn) * (tangent / tn)
        un = np.linalg.norm(m)
        if un > tol:
            m = m / un
    return sum(al * nrm for al, nrm in zip(alphas, norms)) * m


def nuslerp(t, v0, v1, shape, row_wise=False, flatten=True, eps=1e-8):
    """mergekit.merge_methods.nuslerp.nuslerp: slerp of the whole tensor (flatten), else of the vectors along
    the last dimension, or along the first with row_wise (transposed to the last); norms clamped to 1e-7,
    linear where |sin| < eps."""
    v0 = v0.reshape(shape)
    v1 = v1.reshape(shape)
    if flatten:
        v0 = v0.reshape(-1)
        v1 = v1.reshape(-1)
    elif row_wise:
        v0 = np.swapaxes(v0, 0, -1)
        v1 = np.swapaxes(v1, 0, -1)

    def unit(x):
        return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-7)

    cos = np.sum(unit(v0) * unit(v1), axis=-1, keepdims=True)
    theta = np.arccos(np.clip(cos, -1, 1))
    sin = np.sin(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = (np.sin((1 - t) * theta) * v0 + np.sin(t * theta) * v1) / sin
    colinear = np.abs(sin) < eps
    res = np.where(colinear, (1 - t) * v0 + t * v1, res)
    if row_wise and not flatten:
        res = np.swapaxes(res, 0, -1)
    return res.reshape(-1)


def nuslerp_t(weights):
    """mergekit.merge_methods.nuslerp._nuslerp_merge: t = w1 / (w0 + w1), 0.5 when |w0 + w1| < 1e-6."""
    total = sum(weights)
    return 0.5 if abs(total) < 1e-6 else weights[1] / total


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def arcee_fusion(base, model, shape):
    """mergekit.merge_methods.arcee_fusion._arcee_fusion_merge: importance = |model - base| times the KL
    divergence of softmax(model) + 1e-8 from softmax(base) + 1e-8 along the last dimension
    (_compute_importance); threshold = median + 1.5 IQR with quantile x at sorted[int(x (n - 1))]
    (DynamicThresholdFusion, no sampling under 1e6 entries); model where importance >= threshold, else base."""
    b = base.reshape(shape)
    m = model.reshape(shape)
    p = softmax(m) + 1e-8
    q = softmax(b) + 1e-8
    kl = np.sum(p * np.log(p / q), axis=-1, keepdims=True)
    importance = (np.abs(m - b) * kl).reshape(-1)
    s = np.sort(importance)
    n = s.size
    q1, median, q3 = (s[int(x * (n - 1))] for x in (0.25, 0.5, 0.75))
    threshold = median + 1.5 * (q3 - q1)
    return np.where(importance >= threshold, model, base)


CASES = []


def case(name, method, follows, models, expected, base=None, per_model=None, global_=None, shape=None):
    c = {"name": name, "method": method, "follows": follows,
         "models": [f32(m) for m in models],
         "per_model": per_model if per_model is not None else [{} for _ in models],
         "global": global_ or {}, "expected": f64(expected)}
    if base is not None:
        c["base"] = f32(base)
    if shape is not None:
        c["shape"] = list(shape)
    CASES.append(c)


def as64(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def nearswap_cases():
    follows = "mergekit.merge_methods.nearswap.nearswap_merge"
    base = random32(40)
    # a mix of near entries (under t), far ones and ones under the 1e-6 floor
    offsets = np.concatenate([random32(14, 1e-3), random32(14, 0.5), random32(12, 5e-7)])
    model = (base + offsets).astype(np.float32)
    for t in (0.0004, 0.05):
        case(f"nearswap_t_{t}", "nearswap", follows, [model], nearswap(t, as64(base), as64(model)), base=base,
             global_={"t": t})


def multislerp_cases():
    follows = "mergekit.merge_methods.multislerp.multislerp"
    models = [random32(30), random32(30, 0.2), random32(30, 3.0)]
    weights = [0.5, 1.5, 1.0]
    per_model = [{"weight": w} for w in weights]
    m64 = [as64(m) for m in models]
    case("multislerp_three", "multislerp", follows, models, multislerp(m64, weights), per_model=per_model)
    case("multislerp_three_unnormalized", "multislerp", follows, models,
         multislerp(m64, weights, normalize_weights=False, eps=1e-3), per_model=per_model,
         global_={"normalize_weights": 0.0, "eps": 1e-3})
    case("multislerp_two_default_weights", "multislerp", follows, models[:2], multislerp(m64[:2], [1.0, 1.0]))
    base = random32(30)
    case("multislerp_three_with_base", "multislerp", follows, models, multislerp(m64, weights, base=as64(base)),
         base=base, per_model=per_model)


def karcher_cases():
    follows = "mergekit.merge_methods.karcher.karcher_merge_tensors"
    # correlated directions, so that the iteration takes a few steps; one model of norm zero
    shared = random32(25)
    models = [(shared + random32(25, 0.8)).astype(np.float32), (0.5 * shared + random32(25, 0.3)).astype(np.float32),
              random32(25, 2.0)]
    m64 = [as64(m) for m in models]
    case("karcher_three", "karcher", follows, models, karcher(m64))
    case("karcher_three_two_steps", "karcher", follows, models, karcher(m64, max_iter=2, tol=1e-3),
         global_={"max_iter": 2.0, "tol": 1e-3})
    zero = np.zeros(25, dtype=np.float32)
    case("karcher_with_zero_model", "karcher", follows, models[:2] + [zero], karcher(m64[:2] + [as64(zero)]))


def nuslerp_cases():
    follows = "mergekit.merge_methods.nuslerp.nuslerp"
    shape = (4, 3, 5)
    v0 = random32(60)
    v1 = random32(60, 2.0)
    v0[5:10] = [0, 0, 0.75, 0, 0]  # one colinear row along the last dimension (cos exactly 1)
    v1[5:10] = [0, 0, 1.25, 0, 0]
    m64 = [as64(v0), as64(v1)]
    weights = [1.0, 3.0]
    per_model = [{"weight": w} for w in weights]
    t = nuslerp_t(weights)
    case("nuslerp_flatten", "nuslerp", follows, [v0, v1], nuslerp(t, *m64, shape), per_model=per_model, shape=shape)
    case("nuslerp_rows", "nuslerp", follows, [v0, v1], nuslerp(t, *m64, shape, flatten=False),
         per_model=per_model, global_={"nuslerp_flatten": 0.0}, shape=shape)
    case("nuslerp_row_wise", "nuslerp", follows, [v0, v1], nuslerp(t, *m64, shape, row_wise=True, flatten=False),
         per_model=per_model, global_={"nuslerp_flatten": 0.0, "nuslerp_row_wise": 1.0}, shape=shape)
    base = random32(60)
    b64 = as64(base)
    # mergekit.merge_methods.nuslerp._nuslerp_merge with a base: base + nuslerp of the task vectors
    case("nuslerp_rows_with_base", "nuslerp", follows, [v0, v1],
         b64 + nuslerp(t, m64[0] - b64, m64[1] - b64, shape, flatten=False), base=base, per_model=per_model,
         global_={"nuslerp_flatten": 0.0}, shape=shape)


def arcee_fusion_cases():
    follows = "mergekit.merge_methods.arcee_fusion._arcee_fusion_merge"
    shape = (6, 20)
    base = random32(120)
    # rows changed by different amounts, some entries a lot, so that rows and entries both decide
    scales = np.repeat(RNG.uniform(0.05, 2.0, 6), 20)
    model = (base + random32(120) * scales + (RNG.uniform(0, 1, 120) < 0.1) * 3.0).astype(np.float32)
    case("arcee_fusion_rows", "arcee_fusion", follows, [model], arcee_fusion(as64(base), as64(model), shape),
         base=base, shape=shape)
    case("arcee_fusion_one_row", "arcee_fusion", follows, [model[:37]],
         arcee_fusion(as64(base[:37]), as64(model[:37]), (37,)), base=base[:37], shape=(37,))


def main():
    nearswap_cases()
    multislerp_cases()
    karcher_cases()
    nuslerp_cases()
    arcee_fusion_cases()
    out = os.path.join(HERE, "sph")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"format": 1, "cases": CASES}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
