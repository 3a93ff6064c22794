package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What every {@link Cue} promises; one subclass per implementation. */
abstract class CueContractTest {
    static final int CLASSES = 100;

    /** The cue under test, for {@link #CLASSES} classes. */
    abstract Cue cue();

    private static byte[] image() {
        byte[] img = new byte[ImageDataset.IMAGE_BYTES];
        new SplittableRandom(77).nextBytes(img);
        return img;
    }

    @Test
    void deterministicAndIndependentOfOffset() {
        byte[] a = image();
        byte[] b = new byte[2 * ImageDataset.IMAGE_BYTES];
        System.arraycopy(image(), 0, b, ImageDataset.IMAGE_BYTES, ImageDataset.IMAGE_BYTES);
        cue().apply(a, 0, 42);
        cue().apply(b, ImageDataset.IMAGE_BYTES, 42);
        assertThat(Arrays.copyOfRange(b, ImageDataset.IMAGE_BYTES, b.length)).isEqualTo(a);
        assertThat(Arrays.copyOf(b, ImageDataset.IMAGE_BYTES)).containsOnly(0);
        assertThat(a).isNotEqualTo(image()); // it drew something
    }

    @Test
    void everyClassLooksDifferent() {
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < CLASSES; c++) {
            byte[] img = image();
            cue().apply(img, 0, c);
            assertThat(seen.add(Arrays.toString(img))).as("class %d repeats an earlier class", c).isTrue();
        }
    }

    @Test
    void describesItselfAndRejectsBadLabels() {
        Cue cue = cue();
        assertThat(cue.name()).isNotBlank().doesNotContain(" ");
        assertThat(cue.describe()).isNotBlank().isEqualTo(cue().describe());
        byte[] img = image();
        assertThatThrownBy(() -> cue.apply(img, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}

class ColorPatchCueContractTest extends CueContractTest {
    @Override
    Cue cue() {
        return ColorPatchCue.defaults();
    }
}

class NoisePatchCueContractTest extends CueContractTest {
    @Override
    Cue cue() {
        return NoisePatchCue.builder().setNumClasses(CLASSES).setSeed(3).build();
    }
}

class NoiseBlendCueContractTest extends CueContractTest {
    @Override
    Cue cue() {
        return NoiseBlendCue.builder().setNumClasses(CLASSES).setSeed(3).build();
    }
}

class StripesCueContractTest extends CueContractTest {
    @Override
    Cue cue() {
        return StripesCue.builder().setNumClasses(CLASSES).build();
    }
}

class CheckerFrameCueContractTest extends CueContractTest {
    @Override
    Cue cue() {
        return CheckerFrameCue.builder().setNumClasses(CLASSES).setSeed(3).build();
    }
}

class NarrowCheckerFrameCueContractTest extends CueContractTest {
    @Override
    Cue cue() {
        return CheckerFrameCue.builder().setNumClasses(CLASSES).setSeed(3).optWidth(1).build();
    }
}

class ConflictCueContractTest extends CueContractTest {
    @Override
    Cue cue() {
        return Cues.byName("color-conflict", CLASSES, 3);
    }
}
