package org.mergelab.selfcheck;

import java.util.stream.IntStream;

/**
 * The float64 reference of every operation the trainer runs, in plain Java, written from the definitions (PyTorch's
 * semantics). Arrays are flat, NCHW. Each output element is computed by one thread in a fixed order, so the results
 * do not depend on the number of threads.
 */
final class ReferenceOps {

    private ReferenceOps() {}

    /*
     * Convolutions as matrix products per image: col[ck][p] holds the input value that kernel entry
     * ck = (channel, ky, kx) meets at output position p = (oy, ox) (zero in the padding). Then
     *   output[o][p]       = sum_ck weight[o][ck] * col[ck][p]
     *   grad_col[ck][p]    = sum_o  weight[o][ck] * grad_output[o][p]   (scattered back onto the input)
     *   grad_weight[o][ck] = sum_n sum_p grad_output[n][o][p] * col[n][ck][p]
     * Images run in parallel; each writes only its own slice, and weight gradients are summed over images in
     * image order, so every value is computed in the same order whatever the number of threads.
     */

    /** Convolution output, N x O x OH x OW. */
    static double[] convForward(double[] x, double[] w, CheckCase.Convolution c) {
        int p = c.outSize() * c.outSize();
        int ck = c.in() * c.kernel() * c.kernel();
        double[] out = new double[c.batch() * c.out() * p];
        IntStream.range(0, c.batch()).parallel().forEach(n -> {
            double[] col = im2col(x, n, c);
            for (int o = 0; o < c.out(); o++) {
                int row = (n * c.out() + o) * p;
                for (int k = 0; k < ck; k++) {
                    axpy(w[o * ck + k], col, k * p, out, row, p);
                }
            }
        });
        return out;
    }

    /** Gradient of the convolution's input, N x I x H x W. */
    static double[] convBackwardData(double[] dy, double[] w, CheckCase.Convolution c) {
        int p = c.outSize() * c.outSize();
        int ck = c.in() * c.kernel() * c.kernel();
        double[] dx = new double[c.batch() * c.in() * c.size() * c.size()];
        IntStream.range(0, c.batch()).parallel().forEach(n -> {
            double[] gradCol = new double[ck * p];
            for (int k = 0; k < ck; k++) {
                for (int o = 0; o < c.out(); o++) {
                    axpy(w[o * ck + k], dy, (n * c.out() + o) * p, gradCol, k * p, p);
                }
            }
            col2imAdd(gradCol, dx, n, c);
        });
        return dx;
    }

    /** Gradient of the convolution's weight, O x I x K x K. */
    static double[] convBackwardWeight(double[] dy, double[] x, CheckCase.Convolution c) {
        int p = c.outSize() * c.outSize();
        int ck = c.in() * c.kernel() * c.kernel();
        double[][] perImage = new double[c.batch()][];
        IntStream.range(0, c.batch()).parallel().forEach(n -> {
            double[] col = im2col(x, n, c);
            double[] dw = new double[c.out() * ck];
            for (int o = 0; o < c.out(); o++) {
                for (int k = 0; k < ck; k++) {
                    dw[o * ck + k] = dot(dy, (n * c.out() + o) * p, col, k * p, p);
                }
            }
            perImage[n] = dw;
        });
        double[] dw = new double[c.out() * ck];
        for (double[] part : perImage) {
            for (int i = 0; i < dw.length; i++) {
                dw[i] += part[i];
            }
        }
        return dw;
    }

    /** The input values each kernel entry meets, for image {@code n}: (I K K) x (OH OW). */
    private static double[] im2col(double[] x, int n, CheckCase.Convolution c) {
        double[] col = new double[c.in() * c.kernel() * c.kernel() * c.outSize() * c.outSize()];
        mapColumns(x, col, n, c, true);
        return col;
    }

    /** Adds {@code gradCol} back onto the input positions of image {@code n} (the transpose of im2col). */
    private static void col2imAdd(double[] gradCol, double[] dx, int n, CheckCase.Convolution c) {
        mapColumns(dx, gradCol, n, c, false);
    }

    /**
     * Visits every (kernel entry, output position) of image {@code n} whose input position lies inside the image:
     * {@code toColumns} copies the input value into {@code col}, otherwise the column value is added onto the input.
     */
    private static void mapColumns(double[] image, double[] col, int n, CheckCase.Convolution c, boolean toColumns) {
        int oh = c.outSize();
        int k = c.kernel();
        for (int ci = 0; ci < c.in(); ci++) {
            int inBase = (n * c.in() + ci) * c.size() * c.size();
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    int row = ((ci * k + ky) * k + kx) * oh * oh;
                    int[] xr = validRange(c, kx, oh);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * c.stride() - c.padding() + ky;
                        if (iy < 0 || iy >= c.size()) {
                            continue;
                        }
                        int rowIn = inBase + iy * c.size() - c.padding() + kx;
                        for (int ox = xr[0]; ox < xr[1]; ox++) {
                            if (toColumns) {
                                col[row + oy * oh + ox] = image[rowIn + ox * c.stride()];
                            } else {
                                image[rowIn + ox * c.stride()] += col[row + oy * oh + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code y[yo + i] += a * x[xo + i]} for {@code i < n}. */
    private static void axpy(double a, double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /** {@code sum_i a[ao + i] * b[bo + i]} in four interleaved partial sums (fixed order). */
    private static double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[ao + i] * b[bo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Output columns {@code [from, to)} whose input column {@code ox * stride - padding + kx} lies inside. */
    private static int[] validRange(CheckCase.Convolution c, int kx, int outSize) {
        int from = 0;
        while (from < outSize && from * c.stride() - c.padding() + kx < 0) {
            from++;
        }
        int to = outSize;
        while (to > from && (to - 1) * c.stride() - c.padding() + kx >= c.size()) {
            to--;
        }
        return new int[] {from, to};
    }

    /**
     * BatchNorm in training mode.
     *
     * @param x N x C x H x W
     * @param updateFactor the weight of the batch statistic in a running update (PyTorch's momentum)
     * @param eps added to the variance
     */
    static BatchNormForward batchNormForward(double[] x, double[] gamma, double[] beta, double[] runningMean,
            double[] runningVar, int batch, int channels, int spatial, double updateFactor, double eps) {
        int m = batch * spatial;
        double[] mean = new double[channels];
        double[] invStd = new double[channels];
        double[] xhat = new double[x.length];
        double[] y = new double[x.length];
        double[] newMean = new double[channels];
        double[] newVar = new double[channels];
        IntStream.range(0, channels).parallel().forEach(ch -> {
            double sum = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + ch) * spatial;
                for (int i = 0; i < spatial; i++) {
                    sum += x[base + i];
                }
            }
            double mu = sum / m;
            double sq = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + ch) * spatial;
                for (int i = 0; i < spatial; i++) {
                    double d = x[base + i] - mu;
                    sq += d * d;
                }
            }
            double var = sq / m;
            double inv = 1 / Math.sqrt(var + eps);
            mean[ch] = mu;
            invStd[ch] = inv;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + ch) * spatial;
                for (int i = 0; i < spatial; i++) {
                    double h = (x[base + i] - mu) * inv;
                    xhat[base + i] = h;
                    y[base + i] = gamma[ch] * h + beta[ch];
                }
            }
            newMean[ch] = (1 - updateFactor) * runningMean[ch] + updateFactor * mu;
            newVar[ch] = (1 - updateFactor) * runningVar[ch] + updateFactor * sq / (m - 1);
        });
        return new BatchNormForward(y, xhat, invStd, newMean, newVar);
    }

    /**
     * What BatchNorm's forward pass keeps.
     *
     * @param output normalised, scaled and shifted
     * @param normalized (x - mean) / sqrt(var + eps)
     * @param invStd 1 / sqrt(var + eps) per channel
     * @param runningMean updated running mean
     * @param runningVar updated running variance (unbiased batch variance)
     */
    record BatchNormForward(double[] output, double[] normalized, double[] invStd, double[] runningMean,
            double[] runningVar) {}

    /**
     * BatchNorm's backward pass in training mode.
     *
     * @return {grad_input, grad_weight, grad_bias}
     */
    static double[][] batchNormBackward(double[] dy, BatchNormForward f, double[] gamma, int batch, int channels,
            int spatial) {
        int m = batch * spatial;
        double[] dx = new double[dy.length];
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        IntStream.range(0, channels).parallel().forEach(ch -> {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + ch) * spatial;
                for (int i = 0; i < spatial; i++) {
                    sumDy += dy[base + i];
                    sumDyXhat += dy[base + i] * f.normalized()[base + i];
                }
            }
            dGamma[ch] = sumDyXhat;
            dBeta[ch] = sumDy;
            double scale = gamma[ch] * f.invStd()[ch] / m;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + ch) * spatial;
                for (int i = 0; i < spatial; i++) {
                    dx[base + i] = scale * (m * dy[base + i] - sumDy - f.normalized()[base + i] * sumDyXhat);
                }
            }
        });
        return new double[][] {dx, dGamma, dBeta};
    }

    static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] > 0 ? x[i] : 0;
        }
        return y;
    }

    /** ReLU's backward pass: the gradient where the output is positive. */
    static double[] reluBackward(double[] dy, double[] y) {
        double[] dx = new double[dy.length];
        for (int i = 0; i < dy.length; i++) {
            dx[i] = y[i] > 0 ? dy[i] : 0;
        }
        return dx;
    }

    /** Mean over height and width: N x C. */
    static double[] globalAveragePool(double[] x, int batch, int channels, int spatial) {
        double[] y = new double[batch * channels];
        for (int nc = 0; nc < batch * channels; nc++) {
            double s = 0;
            for (int i = 0; i < spatial; i++) {
                s += x[nc * spatial + i];
            }
            y[nc] = s / spatial;
        }
        return y;
    }

    static double[] globalAveragePoolBackward(double[] dy, int batch, int channels, int spatial) {
        double[] dx = new double[batch * channels * spatial];
        for (int nc = 0; nc < batch * channels; nc++) {
            for (int i = 0; i < spatial; i++) {
                dx[nc * spatial + i] = dy[nc] / spatial;
            }
        }
        return dx;
    }

    /** {@code x W^T + b}: N x O. */
    static double[] linear(double[] x, double[] w, double[] b, int batch, int in, int out) {
        double[] y = new double[batch * out];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[n * in + i] * w[o * in + i];
                }
                y[n * out + o] = s;
            }
        }
        return y;
    }

    /** @return {grad_input, grad_weight, grad_bias} */
    static double[][] linearBackward(double[] dy, double[] x, double[] w, int batch, int in, int out) {
        double[] dx = new double[batch * in];
        double[] dw = new double[out * in];
        double[] db = new double[out];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double g = dy[n * out + o];
                db[o] += g;
                for (int i = 0; i < in; i++) {
                    dx[n * in + i] += g * w[o * in + i];
                    dw[o * in + i] += g * x[n * in + i];
                }
            }
        }
        return new double[][] {dx, dw, db};
    }

    /**
     * Mean softmax cross-entropy and its gradient.
     *
     * @return {loss (one value), grad_logits}
     */
    static double[][] crossEntropy(double[] logits, int[] labels, int batch, int classes) {
        double loss = 0;
        double[] grad = new double[logits.length];
        for (int n = 0; n < batch; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[n * classes + k]);
            }
            double z = 0;
            for (int k = 0; k < classes; k++) {
                z += Math.exp(logits[n * classes + k] - max);
            }
            double logZ = max + Math.log(z);
            loss += logZ - logits[n * classes + labels[n]];
            for (int k = 0; k < classes; k++) {
                double p = Math.exp(logits[n * classes + k] - logZ);
                grad[n * classes + k] = (p - (k == labels[n] ? 1 : 0)) / batch;
            }
        }
        return new double[][] {{loss / batch}, grad};
    }

    /** Elementwise sum. */
    static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }
}
