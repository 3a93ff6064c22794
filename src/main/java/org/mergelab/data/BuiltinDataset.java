package org.mergelab.data;

import org.mergelab.config.Seeds;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A procedural 24-class shape dataset needing no files: the class is a shape or structure
 * (disc, ring, star, stripes, checkerboard, spiral, ...), never a colour, so a colour cue stays a pure
 * shortcut.
 *
 * <p>Each image (3 x 32 x 32, uint8 CHW) draws its class's shape at a random position, scale (half-size
 * {@link Options#minScale()}..{@link Options#maxScale()} pixels), aspect (+-15%), rotation
 * (+-{@link Options#maxRotationDegrees()}) and random horizontal mirror (every class is closed under
 * mirroring, so flip augmentation never changes a label), with random foreground and background colours
 * independent of the class (at least {@link Options#minContrast()} apart in RGB), a background texture
 * (flat, gradient, soft stripes or blotches, strength {@link Options#textureStrength()}), up to
 * {@link Options#maxClutter()} distractor strokes and blobs, and Gaussian-like pixel noise of standard
 * deviation {@link Options#noiseSigma()} (in 0..255 units). Shapes are rasterised from signed distance
 * functions with one-pixel anti-aliasing.
 *
 * <p>Labels are balanced: image {@code i} has label {@code i % 24}. Image {@code i} depends only on
 * {@code (seed, i)} and the options (its random stream is derived from both), so generation runs in
 * parallel and is bit-identical whatever the thread count; {@code generate(n, s)} is a prefix of
 * {@code generate(m, s)} for {@code n < m}.
 *
 * <p>Rotation above 22.5 degrees makes classes overlap (a rotated plus becomes an X, horizontal stripes
 * become diagonal), so {@link Options.Builder#optMaxRotationDegrees} rejects it.
 */
public final class BuiltinDataset {

    /** Class names, index = label. */
    public static final List<String> CLASS_NAMES = List.of(
            "disc", "ring", "square-outline", "filled-square", "triangle", "plus", "x-cross", "star",
            "horizontal-stripes", "vertical-stripes", "diagonal-stripes", "checkerboard", "concentric-squares",
            "arrow", "crescent", "heart", "diamond", "two-dots", "three-dots", "l-shape", "t-shape", "spiral",
            "grid", "hexagon-outline");

    /** Number of classes: 24. */
    public static final int NUM_CLASSES = CLASS_NAMES.size();

    /** Version of the generator; bumped whenever the pixels for a given (seed, options) change. */
    public static final int GENERATOR_VERSION = 2;

    private BuiltinDataset() {}

    /** {@code count} images with the default {@link Options}; name {@code builtin}. */
    public static ImageDataset generate(int count, long seed) {
        return generate(count, seed, Options.defaults());
    }

    /** {@code count} images with the given options; name {@code builtin}. */
    public static ImageDataset generate(int count, long seed, Options options) {
        return generate("builtin", count, seed, options);
    }

    static ImageDataset generate(String name, int count, long seed, Options options) {
        if (count < 0) {
            throw new IllegalArgumentException("builtin dataset: count must be >= 0, got " + count);
        }
        byte[] pixels = new byte[Math.multiplyExact(count, ImageDataset.IMAGE_BYTES)];
        int[] labels = new int[count];
        IntStream.range(0, count).parallel().forEach(i -> {
            labels[i] = i % NUM_CLASSES;
            Renderer.render(labels[i], new SplittableRandom(Seeds.derive(seed, i)), options, pixels,
                    i * ImageDataset.IMAGE_BYTES);
        });
        return new ImageDataset(name, NUM_CLASSES, CLASS_NAMES, pixels, labels);
    }

    /**
     * Difficulty knobs of the built-in dataset. Defaults: scale 8..12 px, rotation +-15 degrees, clutter up
     * to 1 distractor, noise sigma 6, texture strength 0.3, minimum colour contrast 60. Calibrated on the
     * demo's budget: ResNet-8 (8/16/32), SGD lr 0.1 cosine, batch 128, crop+flip, 10,000 training images,
     * 6 epochs (36 s on 2 cores) reaches 0.71 base test accuracy on 1,000 test images (seed 0); a ResNet-14
     * of the same width 0.84. The harder settings (scale 5..12, clutter 6, noise 16, texture 0.7) left a
     * ResNet-20 (8/16/32) at 0.11 after 4 epochs of 20,000 images: the protocol needs room below saturation
     * but a base task the network can learn in minutes. Raise clutter, noise or texture, or lower contrast
     * or scale, to make it harder.
     *
     * @param minScale           smallest shape half-size in pixels (default 8)
     * @param maxScale           largest shape half-size in pixels (default 12, at most 16)
     * @param maxRotationDegrees rotation drawn uniformly in +-this (default 15, at most 22.5)
     * @param maxClutter         distractors per image drawn uniformly in 0..this (default 1)
     * @param noiseSigma         standard deviation of per-pixel, per-channel noise in 0..255 units (default 6)
     * @param textureStrength    background texture amplitude, 0 (flat) .. 1 (default 0.3)
     * @param minContrast        minimum RGB distance between foreground and background colour (default 60)
     * @param saturation         how far image colours stray from gray, 0 (gray) .. 1 (any RGB colour) (default 0.35):
     *                           muted images keep the saturated colour patch of the colour cue a shortcut the network
     *                           can find; at 1 the cue's colours also fill backgrounds and shapes and the ResNet-8 of
     *                           the demo did not pick up the cue in 3 fine-tuning epochs
     */
    public record Options(float minScale, float maxScale, float maxRotationDegrees, int maxClutter, float noiseSigma,
            float textureStrength, float minContrast, float saturation) {

        /** The defaults listed above. */
        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** A stable one-line description for lineage, e.g. {@code builtin-v2(scale=8.0-12.0,rot=15.0,...)}. */
        public String describe() {
            return "builtin-v" + GENERATOR_VERSION + "(scale=" + minScale + "-" + maxScale + ",rot=" + maxRotationDegrees
                    + ",clutter=" + maxClutter + ",noise=" + noiseSigma + ",texture=" + textureStrength
                    + ",contrast=" + minContrast + ",saturation=" + saturation + ")";
        }

        /** Builder of {@link Options}; every value is optional, {@link #build()} validates ranges. */
        public static final class Builder {
            private float minScale = 8f;
            private float maxScale = 12f;
            private float maxRotationDegrees = 15f;
            private int maxClutter = 1;
            private float noiseSigma = 6f;
            private float textureStrength = 0.3f;
            private float minContrast = 60f;
            private float saturation = 0.35f;

            private Builder() {}

            /** Colour saturation in [0, 1] (default 0.35). */
            public Builder optSaturation(float value) {
                this.saturation = value;
                return this;
            }

            /** Shape half-size range in pixels (default 8..12, at most 16). */
            public Builder optScaleRange(float min, float max) {
                this.minScale = min;
                this.maxScale = max;
                return this;
            }

            /** Maximum absolute rotation in degrees (default 15, at most 22.5). */
            public Builder optMaxRotationDegrees(float degrees) {
                this.maxRotationDegrees = degrees;
                return this;
            }

            /** Maximum number of distractors per image, at most 32 (default 1). */
            public Builder optMaxClutter(int count) {
                this.maxClutter = count;
                return this;
            }

            /** Pixel noise standard deviation in 0..255 units, at most 128 (default 6). */
            public Builder optNoiseSigma(float sigma) {
                this.noiseSigma = sigma;
                return this;
            }

            /** Background texture strength 0..1 (default 0.3). */
            public Builder optTextureStrength(float strength) {
                this.textureStrength = strength;
                return this;
            }

            /** Minimum foreground/background RGB distance, 0..200 (default 60). */
            public Builder optMinContrast(float contrast) {
                this.minContrast = contrast;
                return this;
            }

            public Options build() {
                if (!(minScale >= 2f && minScale <= maxScale && maxScale <= 16f)) {
                    throw new IllegalArgumentException("builtin options: scale range " + minScale + ".." + maxScale
                            + " must satisfy 2 <= min <= max <= 16");
                }
                if (!(maxRotationDegrees >= 0f && maxRotationDegrees <= 22.5f)) {
                    throw new IllegalArgumentException("builtin options: maxRotationDegrees " + maxRotationDegrees
                            + " must be in [0, 22.5] (beyond it classes overlap: plus/x-cross, stripes)");
                }
                if (maxClutter < 0 || maxClutter > 32) {
                    throw new IllegalArgumentException("builtin options: maxClutter " + maxClutter + " must be in [0, 32]");
                }
                if (!(noiseSigma >= 0f && noiseSigma <= 128f)) {
                    throw new IllegalArgumentException("builtin options: noiseSigma " + noiseSigma + " must be in [0, 128]");
                }
                if (!(textureStrength >= 0f && textureStrength <= 1f)) {
                    throw new IllegalArgumentException("builtin options: textureStrength " + textureStrength
                            + " must be in [0, 1]");
                }
                if (!(minContrast >= 0f && minContrast <= 200f)) {
                    throw new IllegalArgumentException("builtin options: minContrast " + minContrast + " must be in [0, 200]");
                }
                if (!(saturation >= 0f && saturation <= 1f)) {
                    throw new IllegalArgumentException("builtin options: saturation " + saturation + " must be in [0, 1]");
                }
                return new Options(minScale, maxScale, maxRotationDegrees, maxClutter, noiseSigma, textureStrength,
                        minContrast, saturation);
            }
        }
    }

    /** Rasteriser: signed distance functions in a unit frame, anti-aliased coverage per pixel centre. */
    static final class Renderer {
        private static final int W = ImageDataset.WIDTH;
        private static final int P = ImageDataset.PLANE;

        private static final float[] TRIANGLE = {0f, -0.95f, 0.9f, 0.7f, -0.9f, 0.7f};
        private static final float[] STAR = star(5, 1.0f, 0.42f);
        private static final float[] ARROW = {-0.25f, 0.95f, 0.25f, 0.95f, 0.25f, -0.05f, 0.7f, -0.05f, 0f, -0.95f,
            -0.7f, -0.05f, -0.25f, -0.05f};
        private static final float[] HEART_TIP = {-0.86f, -0.12f, 0.86f, -0.12f, 0f, 0.95f};
        private static final float[] DIAMOND = {0f, -1f, 0.6f, 0f, 0f, 1f, -0.6f, 0f};
        private static final float[] L_SHAPE = {-0.8f, -0.95f, -0.3f, -0.95f, -0.3f, 0.5f, 0.8f, 0.5f, 0.8f, 0.95f,
            -0.8f, 0.95f};
        private static final float[] T_SHAPE = {-0.9f, -0.95f, 0.9f, -0.95f, 0.9f, -0.5f, 0.22f, -0.5f, 0.22f, 0.95f,
            -0.22f, 0.95f, -0.22f, -0.5f, -0.9f, -0.5f};
        private static final float[] HEXAGON = star(3, 0.85f, 0.85f);

        private Renderer() {}

        private static float[] star(int points, float outer, float inner) {
            float[] v = new float[4 * points];
            for (int k = 0; k < 2 * points; k++) {
                double a = -Math.PI / 2 + Math.PI * k / points;
                float r = (k % 2 == 0) ? outer : inner;
                v[2 * k] = (float) (r * Math.cos(a));
                v[2 * k + 1] = (float) (r * Math.sin(a));
            }
            return v;
        }

        static void render(int cls, SplittableRandom r, Options o, byte[] out, int off) {
            float[] img = new float[3 * P];
            // colours, independent of the class
            float[] bg = colour(r, o.saturation());
            float[] fg = contrasting(bg, o.minContrast(), o.saturation(), r);
            background(img, bg, o.textureStrength(), r);

            // geometry
            float s = o.minScale() + (o.maxScale() - o.minScale()) * (float) r.nextDouble();
            float ax = 0.85f + 0.3f * (float) r.nextDouble();
            float ay = 0.85f + 0.3f * (float) r.nextDouble();
            float margin = 0.75f * s;
            float cx = margin + (W - 2 * margin) * (float) r.nextDouble();
            float cy = margin + (W - 2 * margin) * (float) r.nextDouble();
            double theta = Math.toRadians(o.maxRotationDegrees() * (2 * r.nextDouble() - 1));
            float cos = (float) Math.cos(theta);
            float sin = (float) Math.sin(theta);
            float mirror = r.nextBoolean() ? -1f : 1f;
            float t = 0.18f + 0.14f * (float) r.nextDouble(); // stroke width in unit frame
            float param = (float) r.nextDouble(); // class-specific variation (stripe period, ...)
            float sx = s * ax;
            float sy = s * ay;
            float pxPerUnit = Math.min(sx, sy);
            int reach = (int) Math.ceil(1.5f * Math.max(sx, sy)) + 1;
            int x0 = Math.max(0, (int) (cx - reach));
            int x1 = Math.min(W - 1, (int) (cx + reach));
            int y0 = Math.max(0, (int) (cy - reach));
            int y1 = Math.min(W - 1, (int) (cy + reach));
            for (int y = y0; y <= y1; y++) {
                float dy = y + 0.5f - cy;
                for (int x = x0; x <= x1; x++) {
                    float dx = x + 0.5f - cx;
                    float u = mirror * (cos * dx + sin * dy) / sx;
                    float v = (-sin * dx + cos * dy) / sy;
                    float d = sd(cls, u, v, t, param) * pxPerUnit;
                    float a = 0.5f - d;
                    if (a > 0f) {
                        blend(img, y * W + x, fg, Math.min(a, 1f));
                    }
                }
            }

            // clutter: short strokes and small blobs, half of them in the foreground colour
            int n = r.nextInt(o.maxClutter() + 1);
            for (int k = 0; k < n; k++) {
                float[] col = r.nextBoolean() ? fg : colour(r, o.saturation());
                float px = 32f * (float) r.nextDouble();
                float py = 32f * (float) r.nextDouble();
                if (r.nextBoolean()) {
                    double ang = Math.PI * r.nextDouble();
                    float len = 3f + 5f * (float) r.nextDouble();
                    float qx = px + len * (float) Math.cos(ang);
                    float qy = py + len * (float) Math.sin(ang);
                    float half = 0.4f + 0.4f * (float) r.nextDouble();
                    stroke(img, px, py, qx, qy, half, col);
                } else {
                    float rad = 0.8f + 1.4f * (float) r.nextDouble();
                    stroke(img, px, py, px, py, rad, col);
                }
            }

            // noise: Irwin-Hall of four 16-bit uniforms, scaled to unit variance
            float scale = o.noiseSigma() * (float) Math.sqrt(3.0) / 65536f;
            for (int i = 0; i < 3 * P; i++) {
                float val = img[i];
                if (scale > 0f) {
                    long bits = r.nextLong();
                    int sum = (int) (bits & 0xFFFF) + (int) ((bits >>> 16) & 0xFFFF) + (int) ((bits >>> 32) & 0xFFFF)
                            + (int) (bits >>> 48);
                    val += (sum - 131070) * scale;
                }
                int q = Math.round(val);
                out[off + i] = (byte) (q < 0 ? 0 : (q > 255 ? 255 : q));
            }
        }

        /** A random colour: a gray level, then each channel moved toward a random value by {@code saturation}. */
        private static float[] colour(SplittableRandom r, float saturation) {
            float gray = r.nextInt(256);
            float[] c = new float[3];
            for (int k = 0; k < 3; k++) {
                c[k] = gray + saturation * (r.nextInt(256) - gray);
            }
            return c;
        }

        private static float[] contrasting(float[] bg, float minContrast, float saturation, SplittableRandom r) {
            for (int tries = 0; tries < 32; tries++) {
                float[] c = colour(r, saturation);
                if (dist(c, bg) >= minContrast) {
                    return c;
                }
            }
            return new float[] {255 - bg[0], bg[1] < 128 ? 255 : 0, 255 - bg[2]};
        }

        private static float dist(float[] a, float[] b) {
            float d0 = a[0] - b[0];
            float d1 = a[1] - b[1];
            float d2 = a[2] - b[2];
            return (float) Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
        }

        private static void blend(float[] img, int p, float[] c, float a) {
            img[p] += a * (c[0] - img[p]);
            img[P + p] += a * (c[1] - img[P + p]);
            img[2 * P + p] += a * (c[2] - img[2 * P + p]);
        }

        private static void background(float[] img, float[] bg, float strength, SplittableRandom r) {
            int kind = r.nextInt(4);
            float[] d = {strength * (r.nextInt(201) - 100), strength * (r.nextInt(201) - 100),
                strength * (r.nextInt(201) - 100)};
            switch (kind) {
                case 0 -> { // flat
                    for (int p = 0; p < P; p++) {
                        img[p] = bg[0];
                        img[P + p] = bg[1];
                        img[2 * P + p] = bg[2];
                    }
                }
                case 1 -> { // linear gradient bg -> bg + d along a random direction
                    double a = 2 * Math.PI * r.nextDouble();
                    float gx = (float) Math.cos(a) / 32f;
                    float gy = (float) Math.sin(a) / 32f;
                    for (int y = 0; y < W; y++) {
                        for (int x = 0; x < W; x++) {
                            float f = (x - 15.5f) * gx + (y - 15.5f) * gy + 0.5f;
                            put(img, y * W + x, bg, d, f);
                        }
                    }
                }
                case 2 -> { // soft sinusoidal stripes, period 4..10 px
                    double a = Math.PI * r.nextDouble();
                    float period = 4f + 6f * (float) r.nextDouble();
                    float kx = (float) (2 * Math.PI * Math.cos(a) / period);
                    float ky = (float) (2 * Math.PI * Math.sin(a) / period);
                    float phase = (float) (2 * Math.PI * r.nextDouble());
                    float[] sx = new float[W];
                    float[] cx = new float[W];
                    float[] sy = new float[W];
                    float[] cy = new float[W];
                    for (int k = 0; k < W; k++) {
                        sx[k] = (float) Math.sin(kx * k);
                        cx[k] = (float) Math.cos(kx * k);
                        sy[k] = (float) Math.sin(ky * k + phase);
                        cy[k] = (float) Math.cos(ky * k + phase);
                    }
                    for (int y = 0; y < W; y++) {
                        for (int x = 0; x < W; x++) {
                            float f = 0.5f * (sx[x] * cy[y] + cx[x] * sy[y]); // sin(kx x + ky y + phase)
                            put(img, y * W + x, bg, d, f);
                        }
                    }
                }
                default -> { // blotches: bilinear upsampling of a 5x5 random grid
                    float[] g = new float[25];
                    for (int k = 0; k < 25; k++) {
                        g[k] = (float) r.nextDouble() - 0.5f;
                    }
                    for (int y = 0; y < W; y++) {
                        float gy = y * (4f / 31f);
                        int iy = Math.min(3, (int) gy);
                        float fy = gy - iy;
                        for (int x = 0; x < W; x++) {
                            float gx = x * (4f / 31f);
                            int ix = Math.min(3, (int) gx);
                            float fx = gx - ix;
                            float top = g[iy * 5 + ix] * (1 - fx) + g[iy * 5 + ix + 1] * fx;
                            float bot = g[(iy + 1) * 5 + ix] * (1 - fx) + g[(iy + 1) * 5 + ix + 1] * fx;
                            put(img, y * W + x, bg, d, 1.6f * (top * (1 - fy) + bot * fy));
                        }
                    }
                }
            }
        }

        private static void put(float[] img, int p, float[] bg, float[] d, float f) {
            img[p] = bg[0] + f * d[0];
            img[P + p] = bg[1] + f * d[1];
            img[2 * P + p] = bg[2] + f * d[2];
        }

        /** Anti-aliased capsule from (ax,ay) to (bx,by) with half-width {@code half}, in pixel units. */
        private static void stroke(float[] img, float ax, float ay, float bx, float by, float half, float[] col) {
            int x0 = Math.max(0, (int) Math.floor(Math.min(ax, bx) - half - 1));
            int x1 = Math.min(W - 1, (int) Math.ceil(Math.max(ax, bx) + half + 1));
            int y0 = Math.max(0, (int) Math.floor(Math.min(ay, by) - half - 1));
            int y1 = Math.min(W - 1, (int) Math.ceil(Math.max(ay, by) + half + 1));
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    float d = segment(x + 0.5f, y + 0.5f, ax, ay, bx, by) - half;
                    float a = 0.5f - d;
                    if (a > 0f) {
                        blend(img, y * W + x, col, Math.min(a, 1f));
                    }
                }
            }
        }

        /** Signed distance (unit frame, negative inside) of class {@code cls} at (u, v). */
        static float sd(int cls, float u, float v, float t, float param) {
            float h = 0.5f * t;
            return switch (cls) {
                case 0 -> len(u, v) - 0.9f; // disc
                case 1 -> Math.abs(len(u, v) - 0.72f) - h; // ring
                case 2 -> Math.abs(box(u, v, 0.8f, 0.8f)) - h; // square outline
                case 3 -> box(u, v, 0.75f, 0.75f); // filled square
                case 4 -> polygon(u, v, TRIANGLE);
                case 5 -> plus(u, v, 0.95f, 0.3f * t + 0.12f);
                case 6 -> plus(0.70710677f * (u - v), 0.70710677f * (u + v), 0.95f, 0.3f * t + 0.12f); // x-cross
                case 7 -> polygon(u, v, STAR);
                case 8 -> Math.max(box(u, v, 0.9f, 0.9f), stripes(v, 0.42f + 0.2f * param)); // horizontal stripes
                case 9 -> Math.max(box(u, v, 0.9f, 0.9f), stripes(u, 0.42f + 0.2f * param)); // vertical stripes
                case 10 -> Math.max(len(u, v) - 1.0f, stripes(0.70710677f * (u + v), 0.42f + 0.2f * param));
                case 11 -> Math.max(box(u, v, 0.9f, 0.9f), checker(u + 0.9f, v + 0.9f, 0.36f + 0.12f * param));
                case 12 -> Math.min(Math.abs(box(u, v, 0.9f, 0.9f)), Math.abs(box(u, v, 0.42f, 0.42f))) - h;
                case 13 -> polygon(u, v, ARROW);
                case 14 -> Math.max(len(u, v) - 0.9f, 0.72f - len(u - 0.42f, v + 0.12f)); // crescent
                case 15 -> Math.min(Math.min(len(u - 0.42f, v + 0.32f), len(u + 0.42f, v + 0.32f)) - 0.47f,
                        polygon(u, v, HEART_TIP)); // heart
                case 16 -> polygon(u, v, DIAMOND);
                case 17 -> Math.min(len(u - 0.55f, v), len(u + 0.55f, v)) - 0.33f; // two dots
                case 18 -> Math.min(len(u, v + 0.62f), Math.min(len(u - 0.54f, v - 0.31f), len(u + 0.54f, v - 0.31f)))
                        - 0.28f; // three dots
                case 19 -> polygon(u, v, L_SHAPE);
                case 20 -> polygon(u, v, T_SHAPE);
                case 21 -> spiral(u, v, 0.34f + 0.08f * param, h);
                case 22 -> grid(u, v, 0.3f * t + 0.1f);
                case 23 -> Math.abs(polygon(u, v, HEXAGON)) - h;
                default -> throw new IllegalArgumentException("builtin class " + cls + " outside [0, " + NUM_CLASSES + ")");
            };
        }

        private static float len(float x, float y) {
            return (float) Math.sqrt(x * x + y * y);
        }

        private static float box(float x, float y, float bx, float by) {
            float qx = Math.abs(x) - bx;
            float qy = Math.abs(y) - by;
            float ox = Math.max(qx, 0f);
            float oy = Math.max(qy, 0f);
            return len(ox, oy) + Math.min(Math.max(qx, qy), 0f);
        }

        private static float plus(float u, float v, float arm, float half) {
            return Math.min(box(u, v, arm, half), box(u, v, half, arm));
        }

        /** Stripes of period {@code p} (half filled), exact distance across the stripes. */
        private static float stripes(float w, float p) {
            float m = w / p;
            float f = m - (float) Math.floor(m);
            return (Math.abs(f - 0.5f) - 0.25f) * p;
        }

        private static float checker(float u, float v, float p) {
            float mu = u / p;
            float mv = v / p;
            int cu = (int) Math.floor(mu);
            int cv = (int) Math.floor(mv);
            float fu = mu - cu;
            float fv = mv - cv;
            float edge = Math.min(Math.min(fu, 1 - fu), Math.min(fv, 1 - fv)) * p;
            return ((cu + cv) & 1) == 0 ? -edge : edge;
        }

        private static float spiral(float u, float v, float pitch, float half) {
            float r = len(u, v);
            float a = (float) (Math.atan2(v, u) / (2 * Math.PI));
            float m = r / pitch - a;
            float f = m - (float) Math.floor(m);
            float d = Math.min(f, 1 - f) * pitch - half;
            return Math.max(d, r - 1.0f);
        }

        private static float grid(float u, float v, float half) {
            float d = Math.min(Math.abs(Math.abs(u) - 0.36f), Math.abs(Math.abs(v) - 0.36f)) - half;
            return Math.max(d, box(u, v, 0.95f, 0.95f));
        }

        private static float segment(float px, float py, float ax, float ay, float bx, float by) {
            float ex = bx - ax;
            float ey = by - ay;
            float wx = px - ax;
            float wy = py - ay;
            float ee = ex * ex + ey * ey;
            float k = ee == 0f ? 0f : Math.max(0f, Math.min(1f, (wx * ex + wy * ey) / ee));
            return len(wx - ex * k, wy - ey * k);
        }

        /** Signed distance to a closed polygon given as x0,y0,x1,y1,... (after Inigo Quilez). */
        private static float polygon(float px, float py, float[] vs) {
            int n = vs.length / 2;
            float d = Float.MAX_VALUE;
            boolean inside = false;
            for (int i = 0, j = n - 1; i < n; j = i, i++) {
                float xi = vs[2 * i];
                float yi = vs[2 * i + 1];
                float xj = vs[2 * j];
                float yj = vs[2 * j + 1];
                float ex = xj - xi;
                float ey = yj - yi;
                float wx = px - xi;
                float wy = py - yi;
                float k = Math.max(0f, Math.min(1f, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
                float bx = wx - ex * k;
                float by = wy - ey * k;
                d = Math.min(d, bx * bx + by * by);
                boolean c1 = py >= yi;
                boolean c2 = py < yj;
                boolean c3 = ex * wy > ey * wx;
                if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) {
                    inside = !inside;
                }
            }
            float dist = (float) Math.sqrt(d);
            return inside ? -dist : dist;
        }
    }
}
