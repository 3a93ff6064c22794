package org.mergelab.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.mergelab.engine.TorchEngine;

class DjlSmokeTest {
    @Test
    void pytorchEngineLoadsOffline() {
        assertThat(TorchEngine.engine().getEngineName()).isEqualTo("PyTorch");
        assertThat(TorchEngine.logLevelApplied()).as("c10::initLogging found and called").isTrue();
        try (NDManager m = TorchEngine.newManager()) {
            NDArray a = m.create(new float[] {1, 2, 3});
            assertThat(a.sum().getFloat()).isEqualTo(6f);
        }
    }
}
