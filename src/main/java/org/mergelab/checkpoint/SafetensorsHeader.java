package org.mergelab.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed and validated safetensors header (https://github.com/huggingface/safetensors, "Format"): 8 bytes of
 * little-endian u64 header length N, N bytes of a UTF-8 JSON object (maybe padded with spaces), then the byte
 * buffer. Every check fails with a {@link CheckpointFormatException} naming the file, the tensor and the value.
 *
 * @param tensors tensors in header order
 * @param metadata the {@code __metadata__} map in header order (empty if absent)
 * @param dataStart file position of the byte buffer ({@code 8 + N})
 */
record SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart) {

    /** Largest header accepted, as in the reference implementation. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");

    static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw CheckpointFormatException.of(file, "truncated: expected at least 8 bytes (the header length), file has "
                    + size + " bytes");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, lengthBytes, 0);
        long n = lengthBytes.getLong(0);
        // bounds first: nothing is allocated for a header length we have not checked
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw CheckpointFormatException.of(file, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw CheckpointFormatException.of(file, "truncated: header length " + n + " needs at least " + (8 + n)
                    + " bytes, file has " + size + " bytes");
        }
        if (n < 2) {
            throw CheckpointFormatException.of(file, "header length " + n + " is too small for a JSON object");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(file, channel, headerBytes, 8);
        byte[] json = headerBytes.array();
        if (json[0] != '{') {
            throw CheckpointFormatException.of(file, "header must start with '{' but starts with byte 0x"
                    + Integer.toHexString(json[0] & 0xFF));
        }
        JsonNode root = StrictJson.readUtf8(file, "header", json, 8);
        if (root == null || !root.isObject()) {
            throw CheckpointFormatException.of(file, "header is not a JSON object");
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals("__metadata__")) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                tensors.add(readEntry(file, e.getKey(), e.getValue()));
            }
        }
        checkOffsets(file, tensors, size - 8 - n, 8 + n);
        return new SafetensorsHeader(List.copyOf(tensors), java.util.Collections.unmodifiableMap(metadata), 8 + n);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out)
            throws CheckpointFormatException {
        if (!node.isObject()) {
            throw CheckpointFormatException.of(file, "__metadata__ must be an object of strings, found " + node);
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw CheckpointFormatException.of(file, "__metadata__ value of '" + m.getKey()
                        + "' must be a string, found " + m.getValue());
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static TensorInfo readEntry(Path file, String name, JsonNode node) throws CheckpointFormatException {
        if (name.isEmpty()) {
            throw CheckpointFormatException.of(file, "empty tensor name");
        }
        if (!node.isObject()) {
            throw CheckpointFormatException.of(file, name, "entry must be an object, found " + node);
        }
        for (String key : iterable(node.fieldNames())) {
            if (!ENTRY_KEYS.contains(key)) {
                throw CheckpointFormatException.of(file, name, "unknown key '" + key + "'");
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw CheckpointFormatException.of(file, name, "dtype must be a string, found " + dtypeNode);
        }
        DType dtype;
        try {
            dtype = DType.fromSafetensorsName(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw CheckpointFormatException.of(file, name, e.getMessage());
        }
        long[] shape = longArray(file, name, "shape", node.get("shape"), -1);
        long[] offsets = longArray(file, name, "data_offsets", node.get("data_offsets"), 2);
        if (offsets[1] < offsets[0]) {
            throw CheckpointFormatException.of(file, name, "data_offsets " + Tensor.shapeString(offsets)
                    + " end before they begin");
        }
        long length = offsets[1] - offsets[0];
        long expected;
        try {
            expected = Tensor.byteLength(dtype, shape);
        } catch (IllegalArgumentException e) {
            throw CheckpointFormatException.of(file, name, e.getMessage());
        }
        if (expected != length) {
            throw CheckpointFormatException.of(file, name, "shape " + Tensor.shapeString(shape) + " of "
                    + dtype.safetensorsName() + " needs " + expected + " bytes but data_offsets "
                    + Tensor.shapeString(offsets) + " span " + length);
        }
        return new TensorInfo(name, dtype, shape, offsets[0], length);
    }

    private static long[] longArray(Path file, String name, String key, JsonNode node, int requiredLength)
            throws CheckpointFormatException {
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw CheckpointFormatException.of(file, name, key + " must be an array of "
                    + (requiredLength >= 0 ? requiredLength + " " : "") + "non-negative integers, found " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw CheckpointFormatException.of(file, name, key + " must hold non-negative integers, found "
                        + v + " in " + node);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /** Offsets sorted by begin must tile [0, bufferSize) exactly: start at 0, no gap, no overlap, no slack. */
    private static void checkOffsets(Path file, List<TensorInfo> tensors, long bufferSize, long dataStart)
            throws CheckpointFormatException {
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::offset)
                .thenComparingLong(t -> t.offset() + t.byteLength()));
        long expectedBegin = 0;
        String previous = null;
        for (TensorInfo t : sorted) {
            if (t.offset() != expectedBegin) {
                String where = previous == null ? "the buffer starts at 0" : "tensor '" + previous + "' ends at "
                        + expectedBegin;
                throw CheckpointFormatException.of(file, t.name(), (t.offset() < expectedBegin ? "overlap" : "gap")
                        + ": data begins at " + t.offset() + " but " + where);
            }
            expectedBegin = t.offset() + t.byteLength();
            previous = t.name();
        }
        if (expectedBegin > bufferSize) {
            throw CheckpointFormatException.of(file, "truncated: header declares " + expectedBegin
                    + " data bytes, so the file should have " + (dataStart + expectedBegin) + " bytes, it has "
                    + (dataStart + bufferSize));
        }
        if (expectedBegin < bufferSize) {
            throw CheckpointFormatException.of(file, "data buffer has " + bufferSize + " bytes but the tensors"
                    + " cover only " + expectedBegin + " (" + (bufferSize - expectedBegin) + " trailing bytes)");
        }
    }

    static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int r = channel.read(buffer, pos);
            if (r < 0) {
                throw new EOFException(file + ": unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
