package org.mergelab.checkpoint;

/**
 * Bit-level conversions between {@code float}/{@code double} and the narrow floating-point formats of safetensors:
 * IEEE binary16 (F16), bfloat16 (BF16), float8 e4m3fn and float8 e5m2.
 *
 * <p>Narrowing rounds to nearest, ties to even, directly from the source value (no double rounding through float
 * when the source is a double). NaN stays NaN (keeping its sign). For the IEEE-like formats (F16, BF16, E5M2)
 * values beyond the largest finite one round to infinity as IEEE 754 prescribes; e4m3fn has no infinity, so
 * infinities and values that round past 448 become NaN, as in PyTorch. Widening is exact.
 */
final class FloatConversions {

    /** A binary floating-point layout: sign bit, {@code expBits} exponent bits, {@code manBits} mantissa bits. */
    private record Layout(int expBits, int manBits, boolean hasInfinity) {
        int bias() {
            return (1 << (expBits - 1)) - 1;
        }

        int expAllOnes() {
            return (1 << expBits) - 1;
        }

        int manMask() {
            return (1 << manBits) - 1;
        }

        int signBit() {
            return 1 << (expBits + manBits);
        }

        int nan(int sign) {
            // IEEE: quiet NaN (top mantissa bit); e4m3fn: the only NaN pattern, all ones
            return hasInfinity
                    ? sign | (expAllOnes() << manBits) | (1 << (manBits - 1))
                    : sign | (expAllOnes() << manBits) | manMask();
        }
    }

    private static final Layout F16 = new Layout(5, 10, true);
    private static final Layout BF16 = new Layout(8, 7, true);
    private static final Layout E4M3FN = new Layout(4, 3, false);
    private static final Layout E5M2 = new Layout(5, 2, true);

    private static final float[] F16_TABLE = table(F16, 1 << 16);
    private static final float[] E4M3_TABLE = table(E4M3FN, 1 << 8);
    private static final float[] E5M2_TABLE = table(E5M2, 1 << 8);

    private FloatConversions() {}

    static float f16ToFloat(short bits) {
        return F16_TABLE[bits & 0xFFFF];
    }

    static short floatToF16(float v) {
        if (Float.isNaN(v)) {
            return (short) F16.nan(Float.floatToRawIntBits(v) < 0 ? F16.signBit() : 0);
        }
        // IEEE round to nearest even, as encode(v, F16) (tested exhaustively); an intrinsic on x86 with F16C
        return Float.floatToFloat16(v);
    }

    static short doubleToF16(double v) {
        return (short) encode(v, F16);
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    static short floatToBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x0040); // keep sign and payload, force quiet
        }
        // round to nearest even on the 16 dropped bits; a carry into the exponent gives inf on overflow
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    static short doubleToBf16(double v) {
        return (short) encode(v, BF16);
    }

    static float f8e4m3ToFloat(byte bits) {
        return E4M3_TABLE[bits & 0xFF];
    }

    static byte doubleToF8e4m3(double v) {
        return (byte) encode(v, E4M3FN);
    }

    static float f8e5m2ToFloat(byte bits) {
        return E5M2_TABLE[bits & 0xFF];
    }

    static byte doubleToF8e5m2(double v) {
        return (byte) encode(v, E5M2);
    }

    private static float[] table(Layout layout, int size) {
        float[] t = new float[size];
        for (int i = 0; i < size; i++) {
            t[i] = decode(i, layout);
        }
        return t;
    }

    /** Exact value of a bit pattern (every pattern of these formats is a float). */
    private static float decode(int bits, Layout l) {
        boolean negative = (bits & l.signBit()) != 0;
        int exp = (bits >>> l.manBits()) & l.expAllOnes();
        int man = bits & l.manMask();
        float v;
        if (exp == l.expAllOnes() && l.hasInfinity()) {
            v = man == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else if (exp == l.expAllOnes() && man == l.manMask()) {
            v = Float.NaN;
        } else if (exp == 0) {
            v = Math.scalb((float) man, 1 - l.bias() - l.manBits());
        } else {
            v = Math.scalb((float) ((1 << l.manBits()) | man), exp - l.bias() - l.manBits());
        }
        return negative ? -v : v;
    }

    /** Rounds {@code v} to the layout, nearest with ties to even. */
    private static int encode(double v, Layout l) {
        int sign = (Double.doubleToRawLongBits(v) < 0) ? l.signBit() : 0;
        if (Double.isNaN(v)) {
            return l.nan(sign);
        }
        double a = Math.abs(v);
        if (Double.isInfinite(a)) {
            return l.hasInfinity() ? sign | (l.expAllOnes() << l.manBits()) : l.nan(sign);
        }
        if (a == 0) {
            return sign;
        }
        int minExp = 1 - l.bias();
        int e = Math.max(Math.getExponent(a), minExp);
        // a / 2^(e - manBits) is exact in double; rint rounds half to even
        double q = Math.rint(Math.scalb(a, l.manBits() - e));
        if (q >= (1 << (l.manBits() + 1))) { // rounded up into the next binade
            e++;
            q /= 2;
        }
        int expField;
        int man;
        if (q < (1 << l.manBits())) { // subnormal (or zero) at the minimum exponent
            expField = 0;
            man = (int) q;
        } else {
            expField = e + l.bias();
            man = (int) q - (1 << l.manBits());
        }
        int maxFiniteExp = l.hasInfinity() ? l.expAllOnes() - 1 : l.expAllOnes();
        boolean overflow = expField > maxFiniteExp
                || (!l.hasInfinity() && expField == maxFiniteExp && man == l.manMask());
        if (overflow) {
            return l.hasInfinity() ? sign | (l.expAllOnes() << l.manBits()) : l.nan(sign);
        }
        return sign | (expField << l.manBits()) | man;
    }
}
