package org.mergelab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CueSettingsTest {

    @Test
    void sizeAndPositionReachThePatchCues() {
        Cue color = Cues.byName("color", 10, 0, Map.of("color", new CueSettings(8, 2, 3, null)));
        assertThat(color.describe()).contains("size=8").contains("x=2").contains("y=3");
        Cue noise = Cues.byName("noise", 10, 0, Map.of("noise", new CueSettings(6, null, null, null)));
        assertThat(((NoisePatchCue) noise).placement().size()).isEqualTo(6);
        assertThat(((NoisePatchCue) noise).placement().x()).isEqualTo(26); // still bottom-right
        // a conflict cue uses the settings of the cue it wraps
        Cue conflict = Cues.byName("color-conflict", 10, 0, Map.of("color", new CueSettings(8, null, null, null)));
        assertThat(conflict.describe()).contains("size=8");
        assertThat(Cues.byName("color", 10, 0).describe()).contains("size=4");
    }

    @Test
    void settingsThatDoNotFitAreErrorsNamingThem() {
        assertThatThrownBy(() -> Cues.byName("color", 10, 0, Map.of("color", new CueSettings(null, null, null, 0.5))))
                .hasMessageContaining("cues.color").hasMessageContaining("strength");
        assertThatThrownBy(() -> Cues.byName("color", 10, 0, Map.of("colour", CueSettings.DEFAULTS)))
                .hasMessageContaining("colour");
        assertThatThrownBy(() -> Cues.byName("noise-blend", 10, 0, Map.of("noise-blend", new CueSettings(4, null, null, null))))
                .hasMessageContaining("noise-blend");
        assertThatThrownBy(() -> new CueSettings(4, 1, null, null)).hasMessageContaining("x and y");
        assertThatThrownBy(() -> new CueSettings(40, null, null, null)).hasMessageContaining("40");
    }
}
