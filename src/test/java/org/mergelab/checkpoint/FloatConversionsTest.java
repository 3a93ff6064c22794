package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatConversionsTest {

    @Test
    void everyF16PatternDecodesLikeTheJdkAndRoundTrips() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short s = (short) bits;
            float f = FloatConversions.f16ToFloat(s);
            float jdk = Float.float16ToFloat(s);
            if (Float.isNaN(jdk)) {
                assertThat(f).as("pattern 0x%04x", bits).isNaN();
                assertThat(FloatConversions.f16ToFloat(FloatConversions.floatToF16(f))).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(f)).as("pattern 0x%04x", bits)
                        .isEqualTo(Float.floatToRawIntBits(jdk));
                assertThat(FloatConversions.floatToF16(f)).as("pattern 0x%04x", bits).isEqualTo(s);
                assertThat(FloatConversions.doubleToF16(f)).as("pattern 0x%04x", bits).isEqualTo(s);
            }
        }
    }

    @Test
    void floatToF16MatchesTheJdkOnRandomAndBoundaryFloats() {
        SplittableRandom random = new SplittableRandom(20260101L);
        for (int i = 0; i < 2_000_000; i++) {
            // random bit patterns cover every exponent; the second draw concentrates on the F16 range
            float f = (i % 2 == 0)
                    ? Float.intBitsToFloat(random.nextInt())
                    : (float) ((random.nextDouble() * 2 - 1) * 70000.0 * Math.pow(2, -random.nextInt(30)));
            if (Float.isNaN(f)) { // a quiet NaN of the same sign, as the bit-level path gives
                assertThat(FloatConversions.floatToF16(f)).isEqualTo(FloatConversions.doubleToF16(f));
                continue;
            }
            // floatToF16 is the JDK's conversion; the bit-level rounding of doubleToF16 (exact from a float) must agree
            assertThat(FloatConversions.doubleToF16(f)).as("float %s (0x%08x)", f, Float.floatToRawIntBits(f))
                    .isEqualTo(Float.floatToFloat16(f)).isEqualTo(FloatConversions.floatToF16(f));
        }
        // every midpoint between adjacent F16 values, and one float either side of it
        for (int bits = 0; bits < 0x7C00; bits++) {
            float lo = Float.float16ToFloat((short) bits);
            float hi = Float.float16ToFloat((short) (bits + 1));
            float mid = (lo + hi) / 2; // exact: F16 values are far from float precision
            for (float f : new float[] {mid, Math.nextDown(mid), Math.nextUp(mid), -mid}) {
                assertThat(FloatConversions.doubleToF16(f)).as("float %s", f).isEqualTo(Float.floatToFloat16(f))
                        .isEqualTo(FloatConversions.floatToF16(f));
            }
        }
    }

    @Test
    void f16RoundsTiesToEvenAndOverflowsToInfinity() {
        // 1 + 2^-11 lies halfway between 1 (even mantissa) and 1 + 2^-10: ties go to 1
        assertThat(FloatConversions.floatToF16(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even): goes up
        assertThat(FloatConversions.floatToF16(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        // largest finite 65504 = 0x7BFF; 65520 is the midpoint to 2^16, ties to even = infinity
        assertThat(FloatConversions.floatToF16(65519f)).isEqualTo((short) 0x7BFF);
        assertThat(FloatConversions.floatToF16(65520f)).isEqualTo((short) 0x7C00);
        assertThat(FloatConversions.floatToF16(-1e10f)).isEqualTo((short) 0xFC00);
        // smallest subnormal 2^-24; half of it ties to zero; just above half rounds up
        assertThat(FloatConversions.floatToF16(0x1p-25f)).isEqualTo((short) 0);
        assertThat(FloatConversions.floatToF16(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
        assertThat(FloatConversions.floatToF16(-0f)).isEqualTo((short) 0x8000);
        assertThat(FloatConversions.f16ToFloat(FloatConversions.floatToF16(Float.NaN))).isNaN();
    }

    @Test
    void doubleToF16RoundsOnceFromDouble() {
        // 1 + 2^-11 + 2^-40 is just above the tie: rounds up; through float it would tie down to 1.0
        double v = 1 + 0x1p-11 + 0x1p-40;
        assertThat((double) (float) v).isEqualTo(1 + 0x1p-11);
        assertThat(FloatConversions.doubleToF16(v)).isEqualTo((short) 0x3C01);
        assertThat(FloatConversions.floatToF16((float) v)).isEqualTo((short) 0x3C00);
    }

    @Test
    void everyBf16PatternRoundTripsThroughFloat() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short s = (short) bits;
            float f = FloatConversions.bf16ToFloat(s);
            assertThat(Float.floatToRawIntBits(f)).isEqualTo(bits << 16);
            if (Float.isNaN(f)) {
                assertThat(FloatConversions.bf16ToFloat(FloatConversions.floatToBf16(f))).isNaN();
                assertThat(FloatConversions.bf16ToFloat(FloatConversions.doubleToBf16(f))).isNaN();
            } else {
                assertThat(FloatConversions.floatToBf16(f)).as("pattern 0x%04x", bits).isEqualTo(s);
                assertThat(FloatConversions.doubleToBf16(f)).as("pattern 0x%04x", bits).isEqualTo(s);
            }
        }
    }

    @Test
    void bf16RoundsTiesToEvenAndOverflowsToInfinity() {
        assertThat(FloatConversions.floatToBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3F80); // tie, down to even
        assertThat(FloatConversions.floatToBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82); // tie, up to even
        assertThat(FloatConversions.floatToBf16(Math.nextUp(1f + 0x1p-8f))).isEqualTo((short) 0x3F81);
        assertThat(FloatConversions.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(FloatConversions.floatToBf16(-Float.MAX_VALUE)).isEqualTo((short) 0xFF80);
        assertThat(FloatConversions.doubleToBf16(1e300)).isEqualTo((short) 0x7F80);
        assertThat(FloatConversions.floatToBf16(Float.NaN) & 0x7F80).isEqualTo(0x7F80);
        assertThat(FloatConversions.floatToBf16(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7FC0);
    }

    @Test
    void floatAndDoubleBf16PathsAgreeOnRandomFloats() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isNaN(f)) {
                assertThat(FloatConversions.doubleToBf16(f)).as("float %s", f)
                        .isEqualTo(FloatConversions.floatToBf16(f));
            }
        }
    }

    @Test
    void f8E4m3fnDecodesKnownPatternsAndRoundTrips() {
        assertThat(FloatConversions.f8e4m3ToFloat((byte) 0x38)).isEqualTo(1f);
        assertThat(FloatConversions.f8e4m3ToFloat((byte) 0x7E)).isEqualTo(448f);
        assertThat(FloatConversions.f8e4m3ToFloat((byte) 0x01)).isEqualTo(0x1p-9f);
        assertThat(FloatConversions.f8e4m3ToFloat((byte) 0x08)).isEqualTo(0x1p-6f); // smallest normal
        assertThat(FloatConversions.f8e4m3ToFloat((byte) 0x7F)).isNaN();
        assertThat(FloatConversions.f8e4m3ToFloat((byte) 0xFF)).isNaN();
        assertThat(FloatConversions.f8e4m3ToFloat((byte) 0x78)).isEqualTo(256f); // no infinity in e4m3fn
        int nans = 0;
        for (int bits = 0; bits < 256; bits++) {
            float f = FloatConversions.f8e4m3ToFloat((byte) bits);
            if (Float.isNaN(f)) {
                nans++;
                assertThat(FloatConversions.doubleToF8e4m3(f) & 0x7F).isEqualTo(0x7F);
            } else {
                assertThat(FloatConversions.doubleToF8e4m3(f) & 0xFF).as("pattern 0x%02x", bits).isEqualTo(bits);
            }
        }
        assertThat(nans).isEqualTo(2);
        // 464 is halfway between 448 (mantissa 110) and 480 (would be 111 = NaN): ties to even keeps 448
        assertThat(FloatConversions.doubleToF8e4m3(464)).isEqualTo((byte) 0x7E);
        assertThat(FloatConversions.f8e4m3ToFloat(FloatConversions.doubleToF8e4m3(465))).isNaN();
        assertThat(FloatConversions.f8e4m3ToFloat(FloatConversions.doubleToF8e4m3(Double.POSITIVE_INFINITY)))
                .isNaN();
        assertThat(FloatConversions.doubleToF8e4m3(1.0625)).isEqualTo((byte) 0x38); // tie between 1 and 1.125
    }

    @Test
    void f8E5m2IsTheHighByteOfF16() {
        for (int bits = 0; bits < 256; bits++) {
            float viaF16 = Float.float16ToFloat((short) (bits << 8));
            float f = FloatConversions.f8e5m2ToFloat((byte) bits);
            if (Float.isNaN(viaF16)) {
                assertThat(f).isNaN();
            } else {
                assertThat(f).as("pattern 0x%02x", bits).isEqualTo(viaF16);
                assertThat(FloatConversions.doubleToF8e5m2(f) & 0xFF).isEqualTo(bits);
            }
        }
        assertThat(FloatConversions.doubleToF8e5m2(61440)).isEqualTo((byte) 0x7C); // tie above 57344 -> inf
        assertThat(FloatConversions.doubleToF8e5m2(1.125)).isEqualTo((byte) 0x3C); // tie between 1 and 1.25
    }
}
