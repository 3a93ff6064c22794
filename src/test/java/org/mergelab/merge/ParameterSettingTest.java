package org.mergelab.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class ParameterSettingTest {

    private static JsonNode yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ParameterSetting parse(String text, MergeParameter parameter) {
        return ParameterSetting.parse(yaml(text), parameter, "of model 'a'");
    }

    @Test
    void aGradientInterpolatesBetweenNeighbouringEntries() {
        // [0, 0.5, 0.3, 0.7, 1] at t = 0.3: s = 1.2 → 0.8·0.5 + 0.2·0.3 = 0.46; at t = 1: the last entry
        ParameterSetting t = parse("[0, 0.5, 0.3, 0.7, 1]", MergeParameter.T);
        assertThat(t.at("x", 0.3).getAsDouble()).isCloseTo(0.46, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(t.at("x", 1.0).getAsDouble()).isEqualTo(1.0);
        assertThat(t.at("x", 0.0).getAsDouble()).isEqualTo(0.0);
        assertThat(t.dependsOnLayer()).isTrue();
        assertThat(parse("0.4", MergeParameter.T).dependsOnLayer()).isFalse();
    }

    @Test
    void namesAreTakenInStepsAndFiltersPickTheFirstMatch() {
        ParameterSetting rescale = parse("[false, inverse_density, l1]", MergeParameter.RESCALE);
        assertThat(rescale.at("x", 0.4).getAsDouble()).isEqualTo(Rescale.NONE.code()); // int(0.8) = 0
        assertThat(rescale.at("x", 0.5).getAsDouble()).isEqualTo(Rescale.INVERSE_DENSITY.code()); // int(1.0) = 1
        assertThat(rescale.at("x", 1.0).getAsDouble()).isEqualTo(Rescale.L1.code());
        ParameterSetting weight = parse("[{filter: mlp, value: 0.2}, {filter: '*', value: [1, 3]}]",
                MergeParameter.WEIGHT);
        assertThat(weight.at("model.layers.0.mlp.up", 0.5).getAsDouble()).isEqualTo(0.2);
        assertThat(weight.at("model.layers.0.attn.q", 0.5).getAsDouble()).isEqualTo(2.0);
        assertThat(parse("[{filter: mlp, value: 0.2}]", MergeParameter.WEIGHT).at("attn", 0)).isEmpty();
    }

    @Test
    void malformedSettingsAreErrorsNamingTheKeyAndValue() {
        assertThatThrownBy(() -> parse("{filter: mlp, value: 0.5}", MergeParameter.WEIGHT))
                .hasMessageContainingAll("'weight'", "of model 'a'", "mapping", "list");
        assertThatThrownBy(() -> parse("[]", MergeParameter.WEIGHT)).hasMessageContaining("empty list");
        assertThatThrownBy(() -> parse("[0.5, {value: 1}]", MergeParameter.WEIGHT))
                .hasMessageContaining("neither all scalars");
        assertThatThrownBy(() -> parse("[{filter: mlp, value: 0.5, extra: 1}]", MergeParameter.WEIGHT))
                .hasMessageContaining("'extra'");
        assertThatThrownBy(() -> parse("[{filter: mlp, value: [{value: 1}]}]", MergeParameter.WEIGHT))
                .hasMessageContaining("scalar or a list of scalars");
        assertThatThrownBy(() -> parse("[0.5, 1.5]", MergeParameter.DENSITY))
                .hasMessageContainingAll("'density' = 1.5", "(0, 1]");
        assertThatThrownBy(() -> parse("l2", MergeParameter.RESCALE)).hasMessageContainingAll("'rescale'", "l2");
    }
}
