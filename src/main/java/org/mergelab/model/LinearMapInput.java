package org.mergelab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The input side of one linear map of a network (a convolution or the final linear layer), as the rows its weight
 * multiplies: a linear layer's input vectors, or a convolution's input patches. For a weight {@code [out, in, kh,
 * kw]} (or {@code [out, in]}), {@link #rows} turns the layer's input into a {@code [rows, d]} matrix X with d = in
 * x kh x kw, its columns in the order of the weight's row-major flattening, so that the layer's output is X Wᵀ (W
 * as {@code [out, d]}). This is what RegMean's Gram matrices Xᵀ X are taken over.
 *
 * @param weightName the weight's tensor name ({@code layer1.0.conv1.weight}, {@code fc.weight})
 * @param kernel the square kernel's side; 0 for a linear layer
 * @param stride the convolution's stride (1 for a linear layer)
 * @param padding the convolution's zero padding on every side (0 for a linear layer)
 */
public record LinearMapInput(String weightName, int kernel, int stride, int padding) {

    /** A linear layer's input. */
    static LinearMapInput dense(String weightName) {
        return new LinearMapInput(weightName, 0, 1, 0);
    }

    /**
     * The rows the weight multiplies.
     *
     * @param input the layer's input: {@code [N, C, H, W]} for a convolution, {@code [N, ...]} for a linear layer
     * @return {@code [rows, d]}: N rows for a linear layer, N x H' x W' patches for a convolution
     */
    public NDArray rows(NDArray input) {
        if (kernel == 0) {
            return input.reshape(input.getShape().get(0), -1);
        }
        Shape shape = input.getShape();
        long n = shape.get(0);
        long channels = shape.get(1);
        long height = (shape.get(2) + 2L * padding - kernel) / stride + 1;
        long width = (shape.get(3) + 2L * padding - kernel) / stride + 1;
        NDArray padded = padding == 0 ? input : input.pad(new Shape(padding, padding, padding, padding), 0);
        NDList shifted = new NDList();
        for (int i = 0; i < kernel; i++) {
            for (int j = 0; j < kernel; j++) {
                shifted.add(padded.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", i, i + stride * (height - 1) + 1,
                        stride, j, j + stride * (width - 1) + 1, stride)));
            }
        }
        // [N, C, k·k, H', W'] → [N, H', W', C, k·k] → [N·H'·W', C·k·k]: column c·k·k + i·k + j, as W[o, c, i, j]
        NDArray patches = NDArrays.stack(shifted, 2);
        return patches.transpose(0, 3, 4, 1, 2).reshape(n * height * width, channels * kernel * kernel);
    }
}
