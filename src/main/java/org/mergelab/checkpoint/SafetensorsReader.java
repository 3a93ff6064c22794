package org.mergelab.checkpoint;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one safetensors file. {@link #open(Path)} reads and validates the whole header (see
 * {@link CheckpointFormatException} for what is rejected); tensors are then memory-mapped one at a time, each
 * mapping covering just that tensor's bytes, so files over 2 GB work and pages are released with the arena.
 * A single tensor must be under 2 GB (the limit of a {@link ByteBuffer}).
 *
 * <p>Tensors keep the header's order (not the reference writer's sorted order).
 */
public final class SafetensorsReader implements TensorSource {
    private final Path file;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();

    private SafetensorsReader(Path file, FileChannel channel, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        for (TensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Opens and validates {@code file}.
     *
     * @throws CheckpointFormatException if the file does not follow the format
     * @throws IOException naming the file if it is not a regular file (see {@link InputFiles#requireRegularFile})
     */
    public static SafetensorsReader open(Path file) throws IOException {
        InputFiles.requireRegularFile(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafetensorsReader(file, channel, SafetensorsHeader.read(file, channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public List<TensorInfo> tensors() {
        return header.tensors();
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * The header entry of one tensor.
     *
     * @throws IllegalArgumentException naming the tensor and the file if it is not there
     */
    public TensorInfo info(String name) {
        TensorInfo info = byName.get(name);
        if (info == null) {
            throw new IllegalArgumentException(file + ": no tensor '" + name + "'");
        }
        return info;
    }

    /** Whether the file holds a tensor with this name. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    @Override
    public Tensor read(String name, Arena arena) throws IOException {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new IOException(file + ": tensor '" + name + "' has " + info.byteLength()
                    + " bytes; a Tensor holds at most " + Integer.MAX_VALUE);
        }
        if (info.byteLength() == 0) {
            return new Tensor(info.dtype(), info.shape(), ByteBuffer.allocate(0));
        }
        MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + info.offset(),
                info.byteLength(), arena);
        return new Tensor(info.dtype(), info.shape(), segment.asByteBuffer());
    }

    /** Maps only the bytes of elements {@code [fromElement, toElement)}. */
    @Override
    public Tensor read(String name, long fromElement, long toElement, Arena arena) throws IOException {
        TensorInfo info = info(name);
        long numel = info.byteLength() / info.dtype().byteSize();
        TensorSource.checkRange(name, numel, fromElement, toElement);
        long bytes = (toElement - fromElement) * info.dtype().byteSize();
        long[] shape = {toElement - fromElement};
        if (bytes == 0) {
            return new Tensor(info.dtype(), shape, ByteBuffer.allocate(0));
        }
        MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + info.offset()
                + fromElement * info.dtype().byteSize(), bytes, arena);
        return new Tensor(info.dtype(), shape, segment.asByteBuffer());
    }

    /** Reads only the bytes of elements {@code [fromElement, toElement)}, with positional reads into {@code scratch}. */
    @Override
    public Tensor readCopy(String name, long fromElement, long toElement, ByteBuffer scratch) throws IOException {
        TensorInfo info = info(name);
        int size = info.dtype().byteSize();
        TensorSource.checkRange(name, info.byteLength() / size, fromElement, toElement);
        int bytes = Math.toIntExact((toElement - fromElement) * size);
        ByteBuffer into = scratch.slice(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
        long start = header.dataStart() + info.offset() + fromElement * size;
        while (into.hasRemaining()) {
            int n = channel.read(into, start + into.position());
            if (n < 0) {
                throw new IOException(file + ": tensor '" + name + "': the file ends at byte "
                        + (start + into.position()) + ", inside the tensor's data (truncated?)");
            }
        }
        return new Tensor(info.dtype(), new long[] {toElement - fromElement}, into.flip());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsReader[" + file + ", " + header.tensors().size() + " tensors]";
    }
}
