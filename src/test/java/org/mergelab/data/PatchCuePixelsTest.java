package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins the pixels the three patch cues draw (default and custom placements, every class) and their
 * descriptions, which feed lineage and data fingerprints. The digests were recorded from the cues before
 * {@link PatchPlacement} replaced their own size and position handling (commit 3d0d5d6); a change here
 * changes every cached checkpoint's data and must bump the cue's description.
 */
class PatchCuePixelsTest {
    private static final int CLASSES = 24;
    private static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("color default", "602dfb84f3914c5e009b18b96a3016dd26f00e2c2d0ed3b6d5b70f687dc487be"),
            Map.entry("color 3 at (29, 20)", "6968d2bd218e126ba4d689e54db245e5867c228ba0485ebda6cce3eb6cffe418"),
            Map.entry("noise default", "7f7ff22d32841a22fb04de2b031fb1b69e6ae4eda6c0ec147b3f3e6d801f69a6"),
            Map.entry("noise 6", "ad5abc558037bcc04c554df19ffae0a9a557ec5d42b3786da2d8a367c94121c3"),
            Map.entry("noise 5 at (3, 27)", "66d47c1852e23a84f365163a31e3b7297ac9d214b157248dceb92685b56566a1"),
            Map.entry("stripes default", "2614e3a87b038cc735c5b40b7cc7dd8e1e94e5e83fd355a1d657e614dbfb8379"),
            Map.entry("stripes 12", "349c9983bf62f43ad18c2f0b8697a7de3c1e835200243c1fb85a7aa22928cfc9"),
            Map.entry("stripes 7 at (25, 0)", "c0dfedfa6924e3b0a7548068bbf1a554bc42616d0537cb2bacfffb7cf9bf57f8"));

    private static String digest(Cue cue) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(cue.describe().getBytes(StandardCharsets.UTF_8));
        for (int c = 0; c < CLASSES; c++) {
            byte[] img = new byte[ImageDataset.IMAGE_BYTES];
            new SplittableRandom(1000 + c).nextBytes(img);
            cue.apply(img, 0, c);
            sha.update(img);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void patchCuePixelsAreUnchanged() throws Exception {
        Map<String, Cue> cues = new LinkedHashMap<>();
        cues.put("color default", ColorPatchCue.defaults());
        cues.put("color 3 at (29, 20)", ColorPatchCue.builder().optSize(3).optPosition(29, 20).build());
        cues.put("noise default", NoisePatchCue.builder().setNumClasses(CLASSES).setSeed(5).build());
        cues.put("noise 6", NoisePatchCue.builder().setNumClasses(CLASSES).setSeed(5).optSize(6).build());
        cues.put("noise 5 at (3, 27)",
                NoisePatchCue.builder().setNumClasses(CLASSES).setSeed(5).optSize(5).optPosition(3, 27).build());
        cues.put("stripes default", StripesCue.builder().setNumClasses(CLASSES).build());
        cues.put("stripes 12", StripesCue.builder().setNumClasses(CLASSES).optSize(12).build());
        cues.put("stripes 7 at (25, 0)", StripesCue.builder().setNumClasses(CLASSES).optSize(7).optPosition(25, 0).build());
        Map<String, String> digests = new LinkedHashMap<>();
        for (Map.Entry<String, Cue> e : cues.entrySet()) {
            digests.put(e.getKey(), digest(e.getValue()));
        }
        assertThat(digests).containsExactlyInAnyOrderEntriesOf(EXPECTED);
    }
}
