/**
 * Named tensors on disk: safetensors reading and writing, checkpoint ids, and the lineage stored beside every checkpoint.
 *
 * <p>Pure Java (no DJL): {@link org.mergelab.checkpoint.Tensor} and {@link org.mergelab.checkpoint.NamedTensors}
 * hold little-endian bytes of any {@link org.mergelab.checkpoint.DType};
 * {@link org.mergelab.checkpoint.SafetensorsReader} validates a header and memory-maps one tensor at a time;
 * {@link org.mergelab.checkpoint.SafetensorsWriter} streams a file and renames it into place atomically;
 * {@link org.mergelab.checkpoint.ShardedSafetensors} handles {@code model.safetensors.index.json} checkpoints, and
 * {@link org.mergelab.checkpoint.TensorSource#open} opens either kind. Our own checkpoints
 * ({@link org.mergelab.checkpoint.CheckpointStore}) carry {@code format_version}, a content id
 * ({@link org.mergelab.checkpoint.CheckpointId}) and their {@link org.mergelab.lineage.Lineage}. Malformed files fail
 * with a {@link org.mergelab.checkpoint.CheckpointFormatException} naming the file, the tensor and the value.
 *
 * <p>Writing safely: {@link org.mergelab.checkpoint.AtomicFiles} writes every file under a temporary name and renames
 * it; {@link org.mergelab.checkpoint.OutputDirectory} (and {@link org.mergelab.checkpoint.OutputFile}) decide, in one
 * place, whether a command may write or {@code --force}-replace its {@code --out} (mergelab's marker
 * {@code .mergelab-output}, never an input or the current directory); {@link org.mergelab.checkpoint.StagingDirectory}
 * stages an output replaced as a whole, records its owner, and is removed on interruption or proven abandoned later.
 */
package org.mergelab.checkpoint;
