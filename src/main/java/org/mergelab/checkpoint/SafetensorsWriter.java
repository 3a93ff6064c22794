package org.mergelab.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Streams a safetensors file: the header is computed up front from the {@link TensorSpec}s (offsets in spec
 * order, metadata keys sorted, JSON padded with spaces to a multiple of 8 bytes like the reference writer), then
 * the tensors are claimed in spec order and each one's bytes are written at its offset, whole from its buffer
 * ({@link #write}) or range by range from any number of threads ({@link #ranges}), into
 * {@code <target>.tmp-<random>} in the target's directory. {@link #commit()} renames the temporary file onto the target atomically, so the target
 * never holds a partial file; {@link #close()} without a commit deletes the temporary file.
 *
 * <pre>{@code
 * try (SafetensorsWriter w = SafetensorsWriter.create(target, specs, Map.of())) {
 *     for (TensorSpec s : specs) w.write(s.name(), tensorFor(s));
 *     w.commit();
 * }
 * }</pre>
 */
public final class SafetensorsWriter implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final List<TensorSpec> specs;
    private final FileChannel channel;
    /** File position of each spec's first byte. */
    private final long[] starts;
    private int next;
    /** Ranged tensors begun and not finished. */
    private final Set<String> openRanges = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean finished;

    private SafetensorsWriter(Path target, Path temporary, List<TensorSpec> specs, FileChannel channel, long dataStart) {
        this.target = target;
        this.temporary = temporary;
        this.specs = specs;
        this.channel = channel;
        this.starts = new long[specs.size()];
        long at = dataStart;
        for (int i = 0; i < specs.size(); i++) {
            starts[i] = at;
            at += specs.get(i).byteLength();
        }
    }

    /**
     * Creates the temporary file and writes the header.
     *
     * @param target final file name; its directory must exist
     * @param specs the tensors to come, in file order; names unique
     * @param metadata string metadata for {@code __metadata__} (omitted from the header when empty)
     */
    public static SafetensorsWriter create(Path target, List<TensorSpec> specs, Map<String, String> metadata)
            throws IOException {
        List<TensorSpec> copy = List.copyOf(specs);
        byte[] header = header(copy, metadata);
        Path temporary = AtomicFiles.temporarySibling(target);
        FileChannel channel;
        try {
            channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(target, e);
        }
        try {
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            writeFully(channel, prefix);
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw AtomicFiles.cannotWrite(target, e);
        } catch (RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
        return new SafetensorsWriter(target, temporary, copy, channel, 8L + header.length);
    }

    /** Writes {@code tensors} in their order to {@code target} (atomically, no fsync). */
    public static void write(Path target, NamedTensors tensors, Map<String, String> metadata) throws IOException {
        List<TensorSpec> specs = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors) {
            specs.add(TensorSpec.of(e.getKey(), e.getValue()));
        }
        try (SafetensorsWriter w = create(target, specs, metadata)) {
            for (Map.Entry<String, Tensor> e : tensors) {
                w.write(e.getKey(), e.getValue());
            }
            w.commit();
        }
    }

    /**
     * Writes the next tensor's bytes.
     *
     * @throws IllegalArgumentException if name, dtype or shape differ from the next spec, naming both
     */
    public void write(String name, Tensor tensor) throws IOException {
        int index = claim(name, tensor.dtype(), tensor.shape(), tensor.shapeString());
        try {
            writeFully(channel, tensor.data(), starts[index]);
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(target, e);
        }
    }

    /**
     * Begins the next tensor, to be written range by range (from any thread, in any order) through the returned
     * {@link TensorRanges}; its {@link TensorRanges#finish()} checks that every byte was written. Later tensors may be
     * written meanwhile; {@link #commit()} refuses while a ranged tensor is unfinished.
     *
     * @throws IllegalArgumentException if name, dtype or shape differ from the next spec, naming both
     */
    public synchronized TensorRanges ranges(String name, DType dtype, long[] shape) {
        int index = claim(name, dtype, shape, Tensor.shapeString(shape));
        openRanges.add(name);
        return new TensorRanges(specs.get(index), starts[index]);
    }

    /** Checks {@code name}, dtype and shape against the next spec and moves past it; returns its index. */
    private synchronized int claim(String name, DType dtype, long[] shape, String shapeString) {
        if (finished) {
            throw new IllegalStateException(target + ": writer already committed or closed");
        }
        if (next >= specs.size()) {
            throw new IllegalArgumentException(target + ": tensor '" + name + "' is beyond the " + specs.size()
                    + " specs given");
        }
        TensorSpec spec = specs.get(next);
        if (!spec.name().equals(name)) {
            throw new IllegalArgumentException(target + ": expected tensor '" + spec.name() + "' next, got '"
                    + name + "'");
        }
        if (spec.dtype() != dtype || !java.util.Arrays.equals(spec.shape(), shape)) {
            throw new IllegalArgumentException(target + ": tensor '" + name + "' was declared "
                    + spec.dtype().safetensorsName() + " " + Tensor.shapeString(spec.shape()) + " but is "
                    + dtype.safetensorsName() + " " + shapeString);
        }
        return next++;
    }

    /**
     * One tensor written in ranges, each at its own position in the file, from any number of threads: output
     * written as it is computed, with no buffer for the whole tensor.
     */
    public final class TensorRanges {
        private final TensorSpec spec;
        private final long start;
        private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();

        private TensorRanges(TensorSpec spec, long start) {
            this.spec = spec;
            this.start = start;
        }

        /**
         * Writes {@code bytes} (its remaining bytes) as the tensor's bytes from byte {@code byteOffset} on.
         *
         * @throws IllegalArgumentException naming the tensor when the range is outside it
         */
        public void write(long byteOffset, ByteBuffer bytes) throws IOException {
            long length = bytes.remaining();
            if (byteOffset < 0 || byteOffset + length > spec.byteLength()) {
                throw new IllegalArgumentException(target + ": tensor '" + spec.name() + "': bytes [" + byteOffset
                        + ", " + (byteOffset + length) + ") are outside its " + spec.byteLength());
            }
            if (finished) {
                throw new IllegalStateException(target + ": writer already committed or closed");
            }
            try {
                writeFully(channel, bytes, start + byteOffset);
            } catch (IOException e) {
                throw AtomicFiles.cannotWrite(target, e);
            }
            written.addAndGet(length);
        }

        /**
         * Ends the tensor.
         *
         * @throws IllegalStateException naming the tensor unless exactly its byte length was written
         */
        public void finish() {
            if (written.get() != spec.byteLength()) {
                throw new IllegalStateException(target + ": tensor '" + spec.name() + "': " + written.get() + " of "
                        + spec.byteLength() + " bytes written");
            }
            openRanges.remove(spec.name());
        }
    }

    /** Closes the file and renames it onto the target, without fsync. */
    public void commit() throws IOException {
        commit(false);
    }

    /** Closes the file (fsyncing it and then the directory if {@code fsync}) and renames it onto the target. */
    public void commit(boolean fsync) throws IOException {
        Path done = finishTemporary(fsync);
        try {
            AtomicFiles.moveAtomically(done, target);
        } catch (IOException e) {
            Files.deleteIfExists(done);
            throw AtomicFiles.cannotWrite(target, e);
        }
        if (fsync) {
            syncDirectory(target);
        }
    }

    /** Deletes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            finished = true;
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Checks every spec was written, closes the channel and returns the complete temporary file. */
    Path finishTemporary(boolean fsync) throws IOException {
        if (finished) {
            throw new IllegalStateException(target + ": writer already committed or closed");
        }
        if (next != specs.size()) {
            throw new IllegalStateException(target + ": only " + next + " of " + specs.size()
                    + " tensors written; next is '" + specs.get(next).name() + "'");
        }
        if (!openRanges.isEmpty()) {
            throw new IllegalStateException(target + ": tensor '" + openRanges.iterator().next()
                    + "' was begun in ranges but not finished");
        }
        try {
            if (fsync) {
                channel.force(true);
            }
            channel.close();
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(target, e);
        }
        finished = true;
        return temporary;
    }

    /** The header JSON (without the length prefix), padded with spaces to a multiple of 8. */
    static byte[] header(List<TensorSpec> specs, Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        ObjectNode root = StrictJson.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            new java.util.TreeMap<>(metadata).forEach((k, v) -> meta.put(k, Objects.requireNonNull(v,
                    () -> "metadata value of '" + k + "'")));
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (TensorSpec s : specs) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException("duplicate tensor '" + s.name() + "' in specs");
            }
            ObjectNode entry = root.putObject(s.name());
            entry.put("dtype", s.dtype().safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            for (long d : s.shape()) {
                shape.add(d);
            }
            long end = Math.addExact(offset, s.byteLength());
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = StrictJson.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the file itself was synced
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Writes at {@code position} without moving the channel's position; safe from several threads at once. */
    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}
