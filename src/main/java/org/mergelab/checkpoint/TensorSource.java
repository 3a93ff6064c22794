package org.mergelab.checkpoint;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Named tensors on disk, read lazily: a single safetensors file ({@link SafetensorsReader}) or a sharded checkpoint
 * ({@link ShardedSafetensors}). Open one with {@link #open(Path)} and close it when done.
 */
public interface TensorSource extends AutoCloseable {

    /**
     * Opens {@code path}: a {@code .safetensors} file, a {@code model.safetensors.index.json}, or a directory holding
     * exactly one of {@code model.safetensors} and {@code model.safetensors.index.json}.
     *
     * @throws IOException if nothing readable is there, naming the path; in a directory, files that are links
     *     leading out of it are refused (see {@link InputFiles})
     */
    static TensorSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path single = path.resolve("model.safetensors");
            Path index = path.resolve(ShardedSafetensors.INDEX_FILE_NAME);
            boolean hasSingle = InputFiles.isPresent(single);
            boolean hasIndex = InputFiles.isPresent(index);
            if (hasSingle && hasIndex) {
                throw new IOException(path + ": holds both model.safetensors and "
                        + ShardedSafetensors.INDEX_FILE_NAME + "; open one of them explicitly");
            }
            if (hasIndex) {
                return ShardedSafetensors.open(InputFiles.requireInside(path, index));
            }
            if (hasSingle) {
                return SafetensorsReader.open(InputFiles.requireInside(path, single));
            }
            throw new java.nio.file.NoSuchFileException(path.toString(), null,
                    "directory holds neither model.safetensors nor " + ShardedSafetensors.INDEX_FILE_NAME);
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".index.json")) {
            return ShardedSafetensors.open(path);
        }
        return SafetensorsReader.open(path);
    }

    /** The tensors in file order (index order for a sharded checkpoint). */
    List<TensorInfo> tensors();

    /** The string metadata ({@code __metadata__}, or the index's {@code metadata}). */
    Map<String, String> metadata();

    /**
     * Maps one tensor's bytes read-only; the tensor is valid while {@code arena} is open.
     *
     * @throws IllegalArgumentException naming a tensor that is not there
     */
    Tensor read(String name, Arena arena) throws IOException;

    /**
     * Maps elements {@code [fromElement, toElement)} of one tensor read-only, as a flat tensor of that many elements
     * valid while {@code arena} is open. Only that range's pages are mapped, so a long tensor can be read range by
     * range with each range's pages released when its arena closes. This default maps the whole tensor and slices it;
     * file-backed sources map just the range.
     *
     * @throws IllegalArgumentException naming a tensor that is not there, or a range outside it
     */
    default Tensor read(String name, long fromElement, long toElement, Arena arena) throws IOException {
        Tensor whole = read(name, arena);
        checkRange(name, whole.numel(), fromElement, toElement);
        int size = whole.dtype().byteSize();
        ByteBuffer slice = whole.data().slice(Math.toIntExact(fromElement * size),
                Math.toIntExact((toElement - fromElement) * size)).order(ByteOrder.LITTLE_ENDIAN);
        return new Tensor(whole.dtype(), new long[] {toElement - fromElement}, slice);
    }

    /**
     * Copies elements {@code [fromElement, toElement)} of one tensor into {@code scratch} (from its start; it must hold
     * them) and returns them as a flat tensor over those bytes of {@code scratch}. Nothing is mapped, so nothing stays
     * resident and no page table is changed: for reading a long tensor range by range, with one reused direct buffer
     * per thread. This default copies from {@link #read(String, long, long, Arena)}; file-backed sources read the
     * bytes with positional reads.
     *
     * @throws IllegalArgumentException naming a tensor that is not there, or a range outside it
     */
    default Tensor readCopy(String name, long fromElement, long toElement, ByteBuffer scratch) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Tensor range = read(name, fromElement, toElement, arena);
            int length = Math.toIntExact(range.byteLength());
            ByteBuffer into = scratch.slice(0, length).order(ByteOrder.LITTLE_ENDIAN);
            into.put(range.data());
            return new Tensor(range.dtype(), range.shape(), into.flip());
        }
    }

    /** Fails, naming the tensor, unless {@code 0 <= from <= to <= numel}. */
    static void checkRange(String name, long numel, long fromElement, long toElement) {
        if (fromElement < 0 || fromElement > toElement || toElement > numel) {
            throw new IllegalArgumentException("tensor '" + name + "': element range [" + fromElement + ", " + toElement
                    + ") is outside its " + numel + " elements");
        }
    }

    /** The file (or index file) this source reads. */
    Path path();

    /** Maps one tensor in an automatic arena: unmapped once the tensor is no longer reachable. */
    default Tensor read(String name) throws IOException {
        return read(name, Arena.ofAuto());
    }

    /** Copies every tensor onto the heap, in {@link #tensors()} order; meant for small files. */
    default NamedTensors readAll() throws IOException {
        NamedTensors all = new NamedTensors();
        for (TensorInfo info : tensors()) {
            try (Arena arena = Arena.ofConfined()) {
                all.put(info.name(), read(info.name(), arena).copyToHeap());
            }
        }
        return all;
    }

    @Override
    void close() throws IOException;
}
