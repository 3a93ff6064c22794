package org.mergelab.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mergelab.checkpoint.CheckpointId;
import org.mergelab.checkpoint.NamedTensors;
import org.mergelab.checkpoint.Tensor;

class NetworkTest {

    @Test
    void resNet20HasTorchvisionStyleNamesAndShapes() {
        try (Network net = Network.create(ModelSpec.RESNET20, 10, 0)) {
            NamedTensors t = net.toTensors();
            assertThat(t.names()).contains("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                    "layer1.0.conv1.weight", "layer3.2.bn2.running_var", "layer2.0.shortcut.0.weight",
                    "layer2.0.shortcut.1.running_mean", "fc.weight", "fc.bias");
            assertThat(t.get("conv1.weight").shape()).containsExactly(16, 3, 3, 3);
            assertThat(t.get("layer3.0.conv1.weight").shape()).containsExactly(64, 32, 3, 3);
            assertThat(t.get("fc.weight").shape()).containsExactly(10, 64);
            long params = 0;
            for (NamedParameter p : net.parameters()) {
                if (p.trainable()) {
                    params += p.parameter().getArray().size();
                }
            }
            // ResNet-20 with projection shortcuts: 0.27 M parameters (He et al. report 0.27 M)
            assertThat(params).isBetween(270_000L, 275_000L);
            assertThat(t.get("bn1.running_var").toFloats()).containsOnly(1f);
        }
    }

    @Test
    void initialisationIsSeededAndLoadRoundTrips() {
        ModelSpec spec = new ModelSpec("resnet", 8, 4);
        try (Network a = Network.create(spec, 5, 1); Network b = Network.create(spec, 5, 1); Network c = Network.create(spec, 5, 2)) {
            assertThat(CheckpointId.of(a.toTensors())).isEqualTo(CheckpointId.of(b.toTensors()));
            assertThat(CheckpointId.of(a.toTensors())).isNotEqualTo(CheckpointId.of(c.toTensors()));
            c.load(a.toTensors());
            assertThat(CheckpointId.of(c.toTensors())).isEqualTo(CheckpointId.of(a.toTensors()));
        }
    }

    @Test
    void loadRejectsMissingWrongShapeAndNonFiniteTensorsNamingThem() {
        ModelSpec spec = new ModelSpec("resnet", 8, 4);
        try (Network a = Network.create(spec, 5, 1)) {
            NamedTensors bad = new NamedTensors();
            for (String n : a.toTensors().names()) {
                Tensor t = a.toTensors().get(n);
                if (n.equals("fc.bias")) {
                    float[] v = t.toFloats();
                    v[2] = Float.NaN;
                    t = Tensor.ofFloats(t.shape(), v);
                }
                bad.put(n, t);
            }
            assertThatThrownBy(() -> a.load(bad)).hasMessageContaining("fc.bias").hasMessageContaining("NaN");
            NamedTensors wrong = new NamedTensors();
            try (Network other = Network.create(spec, 6, 1)) {
                other.toTensors().forEach(e -> wrong.put(e.getKey(), e.getValue()));
            }
            assertThatThrownBy(() -> a.load(wrong)).hasMessageContaining("fc.weight").hasMessageContaining("shape");
        }
        assertThatThrownBy(() -> new ModelSpec("resnet", 21, 16)).hasMessageContaining("21");
        assertThatThrownBy(() -> new ModelSpec("vgg", 20, 16)).hasMessageContaining("vgg");
    }
}
