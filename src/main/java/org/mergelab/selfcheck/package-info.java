/**
 * A numerical known-answer check of the engine: every operation mergelab trains with (convolution, BatchNorm in
 * training mode, ReLU, global average pooling, the linear layer, softmax cross-entropy), forward and backward, at the
 * trainer's real shapes, run through DJL exactly as the trainer runs them and compared with a float64 reference in
 * plain Java; then one whole ResNet-8 training step, loss and every gradient by PyTorch name.
 *
 * <p>Entry points: {@link org.mergelab.selfcheck.KnownAnswerCheck#run} in this process, and
 * {@link org.mergelab.selfcheck.SelfCheckProcess} to run it in a child JVM (so a native crash is a failed check, not a
 * crashed command), used by {@code mergelab doctor} and the test suite. A tensor passes when
 * {@code max |engine - reference| <= 1e-4 * max |reference|}.
 */
package org.mergelab.selfcheck;
