package org.mergelab.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mergelab.engine.TorchEngine;

class LinearMapInputTest {

    private static NDArray random(NDManager manager, SplittableRandom random, long... shape) {
        float[] values = new float[(int) new Shape(shape).size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) (random.nextDouble() * 2 - 1);
        }
        return manager.create(values, new Shape(shape));
    }

    /** rows(x) Wᵀ, laid out as [N, H', W', out], is the engine's convolution of x with W (as [N, out, H', W']). */
    private static void assertRowsReproduceTheConvolution(int kernel, int stride, int padding) {
        SplittableRandom random = new SplittableRandom(kernel * 100 + stride * 10 + padding);
        try (NDManager manager = TorchEngine.newManager()) {
            NDArray x = random(manager, random, 2, 3, 7, 6);
            NDArray w = random(manager, random, 4, 3, kernel, kernel);
            NDArray rows = new LinearMapInput("w", kernel, stride, padding).rows(x);
            NDArray viaRows = rows.matMul(w.reshape(4, -1).transpose());
            NDArray conv = Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(padding, padding))
                    .singletonOrThrow();
            long h = conv.getShape().get(2);
            long v = conv.getShape().get(3);
            assertThat(rows.getShape()).isEqualTo(new Shape(2 * h * v, 3L * kernel * kernel));
            float[] expected = conv.transpose(0, 2, 3, 1).toFloatArray();
            float[] actual = viaRows.toFloatArray();
            assertThat(actual).hasSize(expected.length);
            for (int j = 0; j < expected.length; j++) {
                assertThat(actual[j]).as("kernel %d stride %d padding %d, element %d", kernel, stride, padding, j)
                        .isCloseTo(expected[j], within(1e-5f));
            }
        }
    }

    @Test
    void patchesOfAPaddedConvolutionMatchItsWeightLayout() {
        assertRowsReproduceTheConvolution(3, 1, 1);
        assertRowsReproduceTheConvolution(3, 2, 1);
        assertRowsReproduceTheConvolution(1, 2, 0);
        assertRowsReproduceTheConvolution(2, 1, 0);
    }

    @Test
    void aLinearLayersRowsAreItsInputVectors() {
        try (NDManager manager = TorchEngine.newManager()) {
            NDArray x = random(manager, new SplittableRandom(1), 5, 8);
            NDArray rows = LinearMapInput.dense("fc.weight").rows(x);
            assertThat(rows.getShape()).isEqualTo(new Shape(5, 8));
            assertThat(rows.toFloatArray()).containsExactly(x.toFloatArray());
        }
    }

    @Test
    void theNetworkReportsTheInputOfEveryConvolutionAndLinearWeightOnceWithoutChangingItsOutput() {
        ModelSpec spec = new ModelSpec("resnet", 8, 4);
        try (Network net = Network.create(spec, 5, 3); NDManager scope = net.manager().newSubManager()) {
            NDArray images = random(scope, new SplittableRandom(2), 2, 3, 32, 32);
            float[] plain = net.logits(images, false).toFloatArray();
            List<String> seen = new ArrayList<>();
            List<Shape> rowShapes = new ArrayList<>();
            float[] tapped = net.logits(images, false, (layer, input) -> {
                seen.add(layer.weightName());
                rowShapes.add(layer.rows(input).getShape());
            }).toFloatArray();
            assertThat(tapped).containsExactly(plain);
            List<String> weights = new ArrayList<>();
            for (NamedParameter p : net.parameters()) {
                if (p.name().endsWith(".weight") && p.parameter().getArray().getShape().dimension() >= 2) {
                    weights.add(p.name());
                }
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(weights);
            // conv1: 3 x 3 x 3 patches at 32 x 32 positions; fc: 16 features (4 x width) per image
            assertThat(rowShapes.get(seen.indexOf("conv1.weight"))).isEqualTo(new Shape(2 * 32 * 32, 27));
            assertThat(rowShapes.get(seen.indexOf("layer2.0.shortcut.0.weight"))).isEqualTo(new Shape(2 * 16 * 16, 4));
            assertThat(rowShapes.get(seen.indexOf("fc.weight"))).isEqualTo(new Shape(2, 16));
            // the listener is gone after the pass
            seen.clear();
            net.logits(images, false);
            assertThat(seen).isEmpty();
        }
    }
}
