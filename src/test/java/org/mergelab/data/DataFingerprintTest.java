package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DataFingerprintTest {
    @Test
    void stableAndSensitiveToEveryInput() {
        String f = DataFingerprint.of("builtin/train", new int[] {1, 2, 3}, "color-patch(size=4,x=0,y=0)");
        assertThat(f).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(DataFingerprint.of("builtin/train", new int[] {1, 2, 3}, "color-patch(size=4,x=0,y=0)")).isEqualTo(f);
        assertThat(DataFingerprint.of("builtin/test", new int[] {1, 2, 3}, "color-patch(size=4,x=0,y=0)")).isNotEqualTo(f);
        assertThat(DataFingerprint.of("builtin/train", new int[] {1, 2, 4}, "color-patch(size=4,x=0,y=0)")).isNotEqualTo(f);
        assertThat(DataFingerprint.of("builtin/train", new int[] {1, 2, 3}, "none")).isNotEqualTo(f);
        // length prefixes: moving a character between name and cue changes the hash
        assertThat(DataFingerprint.of("ab", new int[0], "c")).isNotEqualTo(DataFingerprint.of("a", new int[0], "bc"));
        // golden value: the encoding must not drift silently
        assertThat(DataFingerprint.of("x", new int[] {7}, "none"))
                .isEqualTo(DataFingerprint.of("x", new int[] {7}, "none"))
                .isEqualTo(GOLDEN);
    }

    private static final String GOLDEN = golden();

    private static String golden() {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            md.update("mergelab-data-v1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(new byte[] {0, 0, 0, 1, 'x', 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 4, 'n', 'o', 'n', 'e'});
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
