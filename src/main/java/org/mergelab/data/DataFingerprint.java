package org.mergelab.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of what a model was trained on: lowercase hex SHA-256 over, in order, the UTF-8 bytes of
 * {@code "mergelab-data-v1"}, then for the dataset name, the ids and the cue description each a 4-byte
 * big-endian length followed by the content (ids as 4-byte big-endian ints, in the given order).
 * Length prefixes make the encoding unambiguous.
 */
public final class DataFingerprint {
    private DataFingerprint() {}

    /**
     * @param datasetName       e.g. {@code builtin/train}
     * @param sampleIds         the exact training ids, in the order given (sort them first for a set)
     * @param cueDescription    {@link Cue#describe()}, or {@code "none"}
     * @return 64 lowercase hex characters
     */
    public static String of(String datasetName, int[] sampleIds, String cueDescription) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        md.update("mergelab-data-v1".getBytes(StandardCharsets.UTF_8));
        putString(md, datasetName);
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 * sampleIds.length);
        buf.putInt(sampleIds.length);
        for (int id : sampleIds) {
            buf.putInt(id);
        }
        md.update(buf.array());
        putString(md, cueDescription);
        return HexFormat.of().formatHex(md.digest());
    }

    private static void putString(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
    }
}
