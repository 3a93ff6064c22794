package org.mergelab.merge;

import static org.mergelab.merge.MergeParameter.T;
import static org.mergelab.merge.MethodSignature.keys;

/**
 * {@code slerp}: spherical linear interpolation between two models, treating each tensor as one
 * flattened vector (Shoemake 1985; as mergekit applies it to weights).
 *
 * <pre>  cos Ω = v0·v1 / (|v0| |v1|),  Ω = acos(cos Ω)
 *   θ = sin((1−t) Ω)/sin Ω · v0 + sin(t Ω)/sin Ω · v1</pre>
 *
 * The angle comes from the normalised vectors, the coefficients are applied to the original
 * ones. Falls back to linear interpolation (1−t) v0 + t v1 when the vectors are nearly parallel
 * or antiparallel, |cos Ω| &gt; 1 − 1e-6 (sin Ω ≈ 0, the formula is 0/0), or when either norm is
 * below 1e-12 (no direction). t = 0 and t = 1 return the first and second model exactly.
 *
 * <p>Exactly two models, no base. Global: {@code t} in [0, 1] (default 0.5).
 */
final class SlerpMerge extends AbstractMergeMethod {

    /** |cos Ω| above {@code 1 - PARALLEL_TOLERANCE} counts as parallel. */
    static final double PARALLEL_TOLERANCE = 1e-6;
    /** Norms below this count as zero. */
    static final double ZERO_NORM = 1e-12;

    SlerpMerge() {
        super("slerp", References.SLERP, MethodSignature.of(2, 2, false, false, keys(), keys(T)));
    }

    @Override
    float[] compute(MergeRequest request) {
        double t = request.globalParameter(T, 0.5);
        float[] v0 = request.models().get(0);
        float[] v1 = request.models().get(1);
        if (t == 0.0) {
            return v0.clone();
        }
        if (t == 1.0) {
            return v1.clone();
        }
        int n = v0.length;
        double dot = 0.0;
        double norm0 = 0.0;
        double norm1 = 0.0;
        for (int j = 0; j < n; j++) {
            dot += (double) v0[j] * v1[j];
            norm0 += (double) v0[j] * v0[j];
            norm1 += (double) v1[j] * v1[j];
        }
        norm0 = Math.sqrt(norm0);
        norm1 = Math.sqrt(norm1);
        double c0;
        double c1;
        double cos = norm0 < ZERO_NORM || norm1 < ZERO_NORM ? 1.0
                : Math.max(-1.0, Math.min(1.0, dot / (norm0 * norm1)));
        if (Math.abs(cos) > 1.0 - PARALLEL_TOLERANCE) {
            c0 = 1.0 - t;
            c1 = t;
        } else {
            double omega = Math.acos(cos);
            double sin = Math.sin(omega);
            c0 = Math.sin((1.0 - t) * omega) / sin;
            c1 = Math.sin(t * omega) / sin;
        }
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) (c0 * v0[j] + c1 * v1[j]);
        }
        return out;
    }
}
