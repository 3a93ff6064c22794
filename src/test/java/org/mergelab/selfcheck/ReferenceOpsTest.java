package org.mergelab.selfcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The float64 reference checked without the engine: each backward pass against central finite differences of its
 * forward pass, on tiny shapes, and hand-computed values.
 */
class ReferenceOpsTest {

    private static final double H = 1e-6;

    @Test
    void convolutionOfAHandComputedCase() {
        // 1 image, 1 channel 3x3, 2x2 kernel of ones, stride 1, no padding: sums of 2x2 windows
        CheckCase.Convolution c = new CheckCase.Convolution(1, 1, 1, 3, 2, 1, 0);
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertThat(ReferenceOps.convForward(x, new double[] {1, 1, 1, 1}, c)).containsExactly(12, 16, 24, 28);
        // stride 2, padding 1, 1x1 kernel of 2: a 3x3 output sampling rows and columns -1, 1, 3 of the input,
        // of which only (1, 1) = 5 lies inside
        CheckCase.Convolution s = new CheckCase.Convolution(1, 1, 1, 3, 1, 2, 1);
        assertThat(s.outSize()).isEqualTo(3);
        assertThat(ReferenceOps.convForward(x, new double[] {2}, s)).containsExactly(0, 0, 0, 0, 10, 0, 0, 0, 0);
    }

    @Test
    void convolutionGradientsMatchFiniteDifferences() {
        for (CheckCase.Convolution c : new CheckCase.Convolution[] {new CheckCase.Convolution(2, 3, 4, 5, 3, 1, 1),
                new CheckCase.Convolution(2, 2, 3, 6, 3, 2, 1), new CheckCase.Convolution(2, 2, 3, 6, 1, 2, 0)}) {
            SplittableRandom r = new SplittableRandom(1);
            double[] x = gaussian(r, c.batch() * c.in() * c.size() * c.size());
            double[] w = gaussian(r, c.out() * c.in() * c.kernel() * c.kernel());
            double[] dy = gaussian(r, c.batch() * c.out() * c.outSize() * c.outSize());
            assertGradient(ReferenceOps.convBackwardData(dy, w, c), x, v -> dot(ReferenceOps.convForward(v, w, c), dy));
            assertGradient(ReferenceOps.convBackwardWeight(dy, x, c), w,
                    v -> dot(ReferenceOps.convForward(x, v, c), dy));
        }
    }

    @Test
    void batchNormGradientsAndRunningStatisticsMatchTheirDefinitions() {
        int n = 3;
        int ch = 2;
        int sp = 4;
        SplittableRandom r = new SplittableRandom(2);
        double[] x = gaussian(r, n * ch * sp);
        double[] gamma = {1.3, 0.7};
        double[] beta = {0.1, -0.2};
        double[] dy = gaussian(r, x.length);
        double[] rm = {0.5, -0.5};
        double[] rv = {2, 3};
        Function<double[], ReferenceOps.BatchNormForward> f = v -> ReferenceOps.batchNormForward(v, gamma, beta, rm, rv,
                n, ch, sp, 0.1, 1e-5);
        double[][] g = ReferenceOps.batchNormBackward(dy, f.apply(x), gamma, n, ch, sp);
        assertGradient(g[0], x, v -> dot(f.apply(v).output(), dy));
        assertGradient(g[1], gamma, v -> dot(ReferenceOps.batchNormForward(x, v, beta, rm, rv, n, ch, sp, 0.1, 1e-5)
                .output(), dy));
        assertGradient(g[2], beta, v -> dot(ReferenceOps.batchNormForward(x, gamma, v, rm, rv, n, ch, sp, 0.1, 1e-5)
                .output(), dy));
        // channel 0: its 12 values; running mean 0.9 * 0.5 + 0.1 * mean, running var with the unbiased variance
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < sp; j++) {
                sum += x[i * ch * sp + j];
            }
        }
        double mean = sum / (n * sp);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < sp; j++) {
                sq += Math.pow(x[i * ch * sp + j] - mean, 2);
            }
        }
        assertThat(f.apply(x).runningMean()[0]).isCloseTo(0.9 * 0.5 + 0.1 * mean, within(1e-12));
        assertThat(f.apply(x).runningVar()[0]).isCloseTo(0.9 * 2 + 0.1 * sq / (n * sp - 1), within(1e-12));
    }

    @Test
    void linearPoolingAndLossGradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 3;
        int in = 4;
        int out = 5;
        double[] x = gaussian(r, n * in);
        double[] w = gaussian(r, out * in);
        double[] b = gaussian(r, out);
        double[] dy = gaussian(r, n * out);
        double[][] g = ReferenceOps.linearBackward(dy, x, w, n, in, out);
        assertGradient(g[0], x, v -> dot(ReferenceOps.linear(v, w, b, n, in, out), dy));
        assertGradient(g[1], w, v -> dot(ReferenceOps.linear(x, v, b, n, in, out), dy));
        assertGradient(g[2], b, v -> dot(ReferenceOps.linear(x, w, v, n, in, out), dy));
        double[] img = gaussian(r, 2 * 3 * 4);
        double[] up = gaussian(r, 2 * 3);
        assertGradient(ReferenceOps.globalAveragePoolBackward(up, 2, 3, 4), img,
                v -> dot(ReferenceOps.globalAveragePool(v, 2, 3, 4), up));
        int[] labels = {4, 0, 2};
        double[] z = gaussian(r, n * out);
        double[][] ce = ReferenceOps.crossEntropy(z, labels, n, out);
        assertGradient(ce[1], z, v -> ReferenceOps.crossEntropy(v, labels, n, out)[0][0]);
        // uniform logits: the loss is log(classes)
        assertThat(ReferenceOps.crossEntropy(new double[n * out], labels, n, out)[0][0])
                .isCloseTo(Math.log(out), within(1e-12));
    }

    private static void assertGradient(double[] analytic, double[] at, Function<double[], Double> f) {
        for (int i = 0; i < at.length; i++) {
            double keep = at[i];
            at[i] = keep + H;
            double up = f.apply(at);
            at[i] = keep - H;
            double down = f.apply(at);
            at[i] = keep;
            assertThat(analytic[i]).as("element %d", i).isCloseTo((up - down) / (2 * H), within(1e-6));
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] gaussian(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
