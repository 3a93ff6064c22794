package org.mergelab.merge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Each model's {@code [d, d]} Gram matrix of one weight, read from its file block by block, each block's pages
 * mapped only while it is converted ({@link InputRanges#block}). Blocks of whole columns, strided in the file, are
 * read from a transposed copy in a scratch file, written on first use for that model by one pass over the matrix in
 * wide blocks of columns; so a method that reads the columns again and again (regmean, for a matrix that is not
 * symmetric bit for bit) reads contiguous rows of that copy instead. Closing deletes the scratch files.
 */
final class GramMatrixFiles implements RangeMergeable.AuxiliaryMatrices, AutoCloseable {

    /** A pass that writes the transposed copy reads about this many elements of columns at a time. */
    private static final long TRANSPOSE_BLOCK_ELEMENTS = 1 << 20;

    private final InputRanges[] matrices;
    private final int d;
    private final Path scratchDirectory;
    private final FileChannel[] transposed;
    private final Path[] transposedFiles;

    /**
     * @param matrices each model's matrix, read per range
     * @param d the matrices' rows and columns
     * @param scratchDirectory where transposed copies are written (the output directory)
     */
    GramMatrixFiles(InputRanges[] matrices, int d, Path scratchDirectory) {
        this.matrices = matrices.clone();
        this.d = d;
        this.scratchDirectory = scratchDirectory;
        this.transposed = new FileChannel[matrices.length];
        this.transposedFiles = new Path[matrices.length];
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public float[] block(int model, int rowFrom, int rowTo, int colFrom, int colTo) {
        return matrices[model].block(d, rowFrom, rowTo, colFrom, colTo);
    }

    @Override
    public float[] columns(int model, int from, int to) {
        FileChannel copy = transposed(model);
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact((long) (to - from) * d * Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        try {
            long position = (long) from * d * Float.BYTES;
            while (bytes.hasRemaining()) {
                if (copy.read(bytes, position + bytes.position()) < 0) {
                    throw new IOException("the transposed copy ends early");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(transposedFiles[model] + ": " + e.getMessage(), e);
        }
        float[] out = new float[(to - from) * d];
        bytes.flip().asFloatBuffer().get(out);
        return out;
    }

    /** Model i's transposed copy, written on first use (one thread writes it, others wait). */
    private synchronized FileChannel transposed(int model) {
        if (transposed[model] != null) {
            return transposed[model];
        }
        try {
            Path file = Files.createTempFile(scratchDirectory, ".gram-transposed-", ".tmp");
            transposedFiles[model] = file; // deleted by close, written or not
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                transposeInto(model, channel);
            } catch (IOException | RuntimeException | Error e) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            transposed[model] = channel;
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("writing a transposed copy of a Gram matrix in " + scratchDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    private void transposeInto(int model, FileChannel channel) throws IOException {
        int width = (int) Math.max(1, Math.min(d, TRANSPOSE_BLOCK_ELEMENTS / d));
        for (int c0 = 0; c0 < d; c0 += width) {
            int c1 = Math.min(d, c0 + width);
            float[] columns = block(model, 0, d, c0, c1); // G[j, c] at [j * (c1 - c0) + c - c0]
            ByteBuffer bytes = ByteBuffer.allocate((c1 - c0) * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int c = c0; c < c1; c++) {
                for (int j = 0; j < d; j++) {
                    bytes.putFloat(columns[j * (c1 - c0) + c - c0]);
                }
            }
            bytes.flip();
            long position = (long) c0 * d * Float.BYTES;
            while (bytes.hasRemaining()) {
                channel.write(bytes, position + bytes.position());
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (int i = 0; i < transposed.length; i++) {
            try {
                if (transposed[i] != null) {
                    transposed[i].close();
                }
                if (transposedFiles[i] != null) {
                    Files.deleteIfExists(transposedFiles[i]);
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
