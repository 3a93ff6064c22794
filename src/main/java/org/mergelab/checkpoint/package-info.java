/**
 * Named tensors on disk: safetensors reading and writing, checkpoint ids, and the lineage stored beside every checkpoint.
 */
package org.mergelab.checkpoint;
