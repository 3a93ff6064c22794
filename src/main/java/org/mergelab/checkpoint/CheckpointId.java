package org.mergelab.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The content id of named tensors: lower-case hex SHA-256 over the tensors in sorted name order (by UTF-8 bytes,
 * so independent of insertion order). For each tensor, with every length and number as a little-endian u64:
 * name length, name UTF-8; dtype name length, dtype name (e.g. {@code F32}); rank, each dimension; byte length,
 * raw little-endian bytes. Metadata and lineage are not part of the id.
 */
public final class CheckpointId {
    private CheckpointId() {}

    /** The hex SHA-256 id of {@code tensors}. */
    public static String of(NamedTensors tensors) {
        MessageDigest sha = sha256();
        List<byte[]> names = new ArrayList<>();
        for (String name : tensors.names()) {
            names.add(name.getBytes(StandardCharsets.UTF_8));
        }
        names.sort(java.util.Arrays::compareUnsigned);
        ByteBuffer u64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] name : names) {
            Tensor t = tensors.get(new String(name, StandardCharsets.UTF_8));
            byte[] dtype = t.dtype().safetensorsName().getBytes(StandardCharsets.US_ASCII);
            long[] shape = t.shape();
            update(sha, u64, name.length);
            sha.update(name);
            update(sha, u64, dtype.length);
            sha.update(dtype);
            update(sha, u64, shape.length);
            for (long d : shape) {
                update(sha, u64, d);
            }
            update(sha, u64, t.byteLength());
            sha.update(t.data());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, ByteBuffer u64, long v) {
        u64.clear();
        u64.putLong(v).flip();
        sha.update(u64);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }
}
