package org.mergelab.selfcheck;

import java.util.Map;
import org.mergelab.data.Batch;
import org.mergelab.model.Network;

/** Delegates to the real engine; tests override one method to inject a fault. */
class DjlOperationsDelegate implements EngineOperations {
    private final DjlOperations engine = new DjlOperations();

    @Override
    public Map<String, Computed> run(CheckCase c, Inputs inputs) {
        return engine.run(c, inputs);
    }

    @Override
    public Map<String, Computed> trainingStep(Network network, Batch batch) {
        return engine.trainingStep(network, batch);
    }
}
