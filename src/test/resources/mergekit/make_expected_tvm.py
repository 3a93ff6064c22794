#!/usr/bin/env python3
"""Writes tvm/cases.json, the expected outputs read by org.mergelab.merge.MergekitTvmReferenceTest.

numpy transcriptions, written by us from the rules, of the mergekit (arcee-ai/mergekit) functions
named in each docstring: sparsify.della_magprune with GTATask.execute (della, della_linear) and
merge_methods/sce.py's sce_merge, sce_weight and sce_mask. None of their code is copied. Everything
is computed in float64 from float32 inputs, as mergelab computes (mergekit computes in the recipe's
dtype; della's keep probabilities in float32).

DELLA's drop is random. mergekit draws its mask with torch.bernoulli(probs); mergelab draws one
uniform u per entry in index order from its own seeded stream and keeps the entry when u < p. So
that the outputs can be compared, this script draws the uniforms itself (from its own seeded RNG),
writes them into each case ("draws", one list per model), and computes the mask as u < p; the test
hands the same uniforms to mergelab in place of its stream. The keep probabilities p, the ranks
they come from, the rescale, the consensus and lambda are therefore all checked end to end.

Run from this directory (numpy only; its own RNG, independent of make_expected.py):

    python3 make_expected_tvm.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261201)


def f32(values):
    return [float(v) for v in np.asarray(values, dtype=np.float32).ravel()]


def f64(values):
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def random32(shape, scale=1.0):
    return (RNG.uniform(-1.0, 1.0, shape) * scale).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# mergekit.sparsify
# ---------------------------------------------------------------------------------------------

def rescaled_masked_tensor_l1(tensor, mask, rescale, eps=1e-7):
    """mergekit.sparsify.rescaled_masked_tensor with RescaleNorm.l1 (rescale true) or None: the masked
    tensor, scaled to the L1 norm of the whole unmasked tensor unless either norm is below eps."""
    masked = tensor * mask
    if not rescale:
        return masked
    before = np.abs(tensor).sum()
    after = np.abs(masked).sum()
    if before < eps or after < eps:
        return masked
    return masked * (before / after)


def della_keep_probabilities(tensor, density, epsilon):
    """The probabilities of mergekit.sparsify.della_magprune: a tensor of fewer than 2 dimensions
    becomes one row; along axis 1, ranks of |x| ascending (argsort of argsort, + 1), normalised by
    (rank - min) / (max - min), and p = (density - epsilon) + rank_norm * 2 * epsilon. Magnitudes are
    ranked in float32 (the data avoid ties, whose order mergekit leaves open)."""
    t = tensor if tensor.ndim >= 2 else tensor.reshape(1, -1)
    magnitudes = np.abs(t).astype(np.float32)
    ranks = np.argsort(np.argsort(magnitudes, axis=1, kind="stable"), axis=1, kind="stable").astype(np.float64) + 1
    min_ranks = ranks.min(axis=1, keepdims=True)
    max_ranks = ranks.max(axis=1, keepdims=True)
    rank_norm = np.clip((ranks - min_ranks) / (max_ranks - min_ranks), 0, 1)
    return ((density - epsilon) + rank_norm * 2 * epsilon).reshape(tensor.shape)


def della_magprune(tensor, density, epsilon, rescale, draws):
    """mergekit.sparsify.della_magprune, with torch.bernoulli(probs) replaced by draws < probs:
    density >= 1 returns the tensor; density +/- epsilon must lie in (0, 1); the mask is rescaled to
    the L1 norm of the whole tensor (rescaled_masked_tensor)."""
    if density >= 1:
        return tensor
    assert 0 < density - epsilon and density + epsilon < 1
    probs = della_keep_probabilities(tensor, density, epsilon)
    mask = (draws.reshape(tensor.shape) < probs).astype(np.float64)
    return rescaled_masked_tensor_l1(tensor, mask, rescale)


# ---------------------------------------------------------------------------------------------
# mergekit.merge_methods.generalized_task_arithmetic, della and della_linear
# ---------------------------------------------------------------------------------------------

def gta_della(base, models, params, draws, consensus, normalize, rescale, lam):
    """GTATask.execute for della (consensus "sum") and della_linear (none): task vectors,
    della_magprune of each (density 1.0 and epsilon 0.15 by default), weighted, get_mask(sum) and the
    agreeing weight sum (0 -> 1) or the plain sum and weight sum (|sum| < 1e-8 -> 1), divided when
    normalize, times lambda, plus the base."""
    base = base.astype(np.float64)
    deltas = []
    for model, p, u in zip(models, params, draws):
        tv = model.astype(np.float64) - base
        deltas.append(della_magprune(tv, p.get("density", 1.0), p.get("epsilon", 0.15), rescale, u))
    deltas = np.stack(deltas)
    weights = np.array([p.get("weight", 1.0) for p in params], dtype=np.float64).reshape(
        (-1,) + (1,) * base.ndim)
    weighted = deltas * weights
    if consensus == "sum":
        majority = np.where(weighted.sum(axis=0) >= 0, 1.0, -1.0)
        mask = np.sign(weighted) == majority
        mixed = (weighted * mask).sum(axis=0)
        divisor = (weights * mask).sum(axis=0)
        divisor[divisor == 0] = 1
    else:
        mixed = weighted.sum(axis=0)
        divisor = np.broadcast_to(weights.sum(axis=0), mixed.shape).copy()
        divisor[np.abs(divisor) < 1e-8] = 1
    if normalize:
        mixed = mixed / divisor
    return base + lam * mixed


# ---------------------------------------------------------------------------------------------
# mergekit.merge_methods.sce
# ---------------------------------------------------------------------------------------------

def sce_mask(tvs, density):
    """sce_mask: population variance across models per entry; keep the int(nonzero * density)
    entries of largest variance (all when density >= 1, none when <= 0 or k = 0)."""
    if density <= 0:
        return np.zeros(tvs.shape[1:])
    if density >= 1:
        return np.ones(tvs.shape[1:])
    var = tvs.var(axis=0)
    k = int(np.count_nonzero(var) * density)
    mask = np.zeros(var.size)
    if k == 0:
        return mask.reshape(var.shape)
    order = np.argsort(-np.abs(var).astype(np.float32).ravel(), kind="stable")
    mask[order[:k]] = 1
    return mask.reshape(var.shape)


def sce_weight(tvs):
    """sce_weight: each model's mean squared task vector over their sum; uniform below 1e-6."""
    weights = (tvs ** 2).reshape(tvs.shape[0], -1).mean(axis=1)
    total = weights.sum()
    if abs(total) < 1e-6:
        return np.ones_like(weights) / weights.shape[0]
    return weights / total


def sce_merge(base, models, select_topk):
    """sce_merge: select (sce_mask, if select_topk < 1), erase by get_mask(sum) on the unweighted
    task vectors, weights by sce_weight, sum of agreeing weighted task vectors over the agreeing
    weights clamped to at least 1e-6, plus the base."""
    base = base.astype(np.float64)
    tvs = np.stack([m.astype(np.float64) - base for m in models])
    if select_topk < 1:
        tvs = tvs * sce_mask(tvs, select_topk)[None]
    majority = np.where(tvs.sum(axis=0) >= 0, 1.0, -1.0)
    erase = (np.sign(tvs) == majority).astype(np.float64)
    w = sce_weight(tvs).reshape((-1,) + (1,) * base.ndim)
    erased = w * erase
    merged = (tvs * erased).sum(axis=0)
    return base + merged / np.maximum(erased.sum(axis=0), 1e-6)


# ---------------------------------------------------------------------------------------------

def della_case(name, method, shape, params, global_params, n_models=3):
    base = random32(shape)
    models = [base + random32(shape, 0.1) for _ in range(n_models)]
    models = [m.astype(np.float32) for m in models]
    draws = [RNG.uniform(0.0, 1.0, int(np.prod(shape))) for _ in range(n_models)]
    consensus = "sum" if method == "della" else None
    normalize = global_params.get("normalize", 1.0 if method == "della" else 0.0) == 1.0
    rescale = global_params.get("rescale", 1.0) == 1.0
    lam = global_params.get("lambda", 1.0)
    expected = gta_della(base, models, params, draws, consensus, normalize, rescale, lam)
    probabilities = [della_keep_probabilities(m.astype(np.float64) - base.astype(np.float64),
                                              p.get("density", 1.0), p.get("epsilon", 0.15))
                     for m, p in zip(models, params)]
    return {"name": name, "method": method,
            "follows": "mergekit GTATask.execute with sparsify.della_magprune, draws < probs for bernoulli",
            "shape": list(shape), "base": f32(base), "models": [f32(m) for m in models],
            "per_model": params, "global": global_params, "draws": [f64(u) for u in draws],
            "probabilities": [f64(p) for p in probabilities], "expected": f64(expected)}


def sce_case(name, shape, select_topk, n_models):
    base = random32(shape)
    models = [(base + random32(shape, 0.1)).astype(np.float32) for _ in range(n_models)]
    global_params = {} if select_topk is None else {"select_topk": select_topk}
    expected = sce_merge(base, models, 1.0 if select_topk is None else select_topk)
    return {"name": name, "method": "sce", "follows": "mergekit merge_methods.sce.sce_merge",
            "shape": list(shape), "base": f32(base), "models": [f32(m) for m in models],
            "per_model": [], "global": global_params, "expected": f64(expected)}


def cases():
    return [
        della_case("della_rows", "della", (4, 9),
                   [{"weight": 1.0, "density": 0.5}, {"weight": 0.6, "density": 0.4, "epsilon": 0.1},
                    {"weight": 1.3, "density": 0.7, "epsilon": 0.2}], {"lambda": 0.8}),
        della_case("della_one_dimensional_no_normalize", "della", (23,),
                   [{"density": 0.3}, {"density": 0.5}, {"density": 0.6, "epsilon": 0.05}],
                   {"normalize": 0.0}),
        della_case("della_three_dimensional_no_rescale", "della", (2, 5, 3),
                   [{"density": 0.5, "epsilon": 0.3}, {"density": 0.45}, {"density": 1.0}],
                   {"rescale": 0.0}),
        della_case("della_linear_rows", "della_linear", (5, 7),
                   [{"weight": 0.5, "density": 0.5}, {"weight": 0.3, "density": 0.35, "epsilon": 0.1},
                    {"weight": 0.2, "density": 0.6}], {}),
        della_case("della_linear_normalize_lambda", "della_linear", (3, 11),
                   [{"weight": 2.0, "density": 0.4}, {"weight": -0.5, "density": 0.5, "epsilon": 0.25}],
                   {"normalize": 1.0, "lambda": 1.5}, n_models=2),
        sce_case("sce_no_select", (6, 8), None, 3),
        sce_case("sce_select_half", (6, 8), 0.5, 3),
        sce_case("sce_select_0.3_four_models", (50,), 0.3, 4),
        sce_case("sce_select_0.1_two_models", (4, 4, 3), 0.1, 2),
    ]


def main():
    out = os.path.join(HERE, "tvm")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump({"format": 1, "cases": cases()}, f, indent=1)


if __name__ == "__main__":
    main()
