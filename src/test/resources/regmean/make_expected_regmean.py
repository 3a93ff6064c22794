#!/usr/bin/env python3
"""Writes cases.json, the expected outputs read by org.mergelab.merge.RegMeanReferenceTest.

A numpy transcription, written by us from the rule, of RegMean (Jin et al. 2023, arXiv 2212.09849) as the
reference implementations compute it: FusionBench's regmean_params_merge / reduce_non_diagonal_elements
(fusion_bench/method/regmean/regmean.py, after yule-BUAA/MergeLM's merging_methods.py). None of their code is
copied. For a weight W_i [out, d] (a convolution [out, in, kh, kw] flattened to d = in*kh*kw) and Gram G_i [d, d]:

    G~_i = G_i * (alpha off the diagonal, 1 on it)         reduce_non_diagonal_elements
    W    = (sum_i w_i G~_i)^-1 (sum_i w_i G~_i W_i^T), transposed back

mergelab's per-model weight w_i scales model i's term (weights 1 give the reference function itself); tensors
without Grams are the weighted mean (the reference averages every parameter outside linear layers); an input
feature no model saw (zero row and column in every G_i) gets the weighted mean of the models' columns of W (the
reference would fail to invert). Grams are X^T X / rows of random float32 inputs X, computed in float64 and stored
as float32, as 'mergelab gram' stores them. Everything else in float64, as mergelab computes.

Run from this directory (numpy only; its own seeded RNG):

    python3 make_expected_regmean.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261201)


def gram(rows, d, dead=()):
    x = RNG.normal(size=(rows, d)).astype(np.float32)
    x[:, list(dead)] = 0.0
    x64 = x.astype(np.float64)
    return ((x64.T @ x64) / rows).astype(np.float32)


def reduce_non_diagonal(g, alpha):
    d = g.shape[0]
    factor = np.full((d, d), alpha) + np.diag(np.full(d, 1.0 - alpha))
    return g.astype(np.float64) * factor


def regmean(weights_list, grams, model_weights, alpha):
    out = weights_list[0].shape[0]
    mats = [w.astype(np.float64).reshape(out, -1) for w in weights_list]
    d = mats[0].shape[1]
    total = sum(model_weights)
    s = np.zeros((d, d))
    r = np.zeros((d, out))
    for w_i, g_i, m in zip(mats, grams, model_weights):
        gt = reduce_non_diagonal(g_i, alpha)
        s += m * gt
        r += m * (gt @ w_i.T)
    unseen = [k for k in range(d) if s[k, k] == 0.0]
    for k in unseen:
        s[k, k] = 1.0
        r[k, :] = sum(m * w[:, k] for w, m in zip(mats, model_weights)) / total
    merged = np.linalg.solve(s, r).T
    return merged.reshape(weights_list[0].shape)


def case(name, shape, models, alpha, model_weights, rows=64, dead=()):
    ws = [RNG.uniform(-1.0, 1.0, size=shape).astype(np.float32) for _ in range(models)]
    d = int(np.prod(shape[1:]))
    gs = [gram(rows, d, dead) for _ in range(models)]
    expected = regmean(ws, gs, model_weights, alpha)
    return {
        "name": name,
        "shape": list(shape),
        "alpha": alpha,
        "weights": model_weights,
        "models": [[float(v) for v in w.ravel()] for w in ws],
        "grams": [[float(v) for v in g.ravel()] for g in gs],
        "expected": [float(v) for v in expected.ravel()],
    }


def mean_case(name, n, model_weights):
    ws = [RNG.uniform(-1.0, 1.0, size=(n,)).astype(np.float32) for _ in model_weights]
    total = sum(model_weights)
    expected = sum(m * w.astype(np.float64) for w, m in zip(ws, model_weights)) / total
    return {"name": name, "shape": [n], "alpha": 0.9, "weights": model_weights,
            "models": [[float(v) for v in w] for w in ws], "grams": None,
            "expected": [float(v) for v in expected]}


cases = [
    case("linear, two models, exact regmean (alpha 1)", (3, 4), 2, 1.0, [1.0, 1.0]),
    case("linear, three weighted models, alpha 0.9", (5, 6), 3, 0.9, [1.0, 0.5, 2.0]),
    case("convolution [out, in, kh, kw], alpha 0.9", (4, 3, 3, 3), 2, 0.9, [1.0, 1.0], rows=200),
    case("alpha 0: per-feature weighted means", (3, 5), 2, 0.0, [1.0, 3.0]),
    case("an input feature no model saw", (3, 5), 2, 0.9, [1.0, 2.0], dead=(1, 3)),
    mean_case("a tensor without Grams (bias): weighted mean", 7, [1.0, 0.25, 2.0]),
]
with open(os.path.join(HERE, "cases.json"), "w") as f:
    json.dump({"generator": "make_expected_regmean.py", "cases": cases}, f, indent=1)
