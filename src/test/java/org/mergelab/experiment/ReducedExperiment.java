package org.mergelab.experiment;

import org.mergelab.config.ConfigReader;

/** A tiny but complete cue-protocol experiment for tests (seconds, not minutes). */
final class ReducedExperiment {

    static final String YAML = """
            name: reduced
            dataset: "builtin:size=480,test-size=120"
            model: {architecture: resnet, depth: 8, width: 4}
            pretrain: {epochs: 2, batch_size: 64, learning_rate: 0.1}
            finetune: {epochs: 1, batch_size: 64, learning_rate: 0.1}
            cues: {color: {size: 8}}
            alphas: [0.0, 0.5, 1.0]
            bn_policies: [interpolate, recalibrate]
            calibration_images: 96
            probes: [base, color, noise, color-conflict]
            seeds: [0, 1, 2]
            threads: 2
            test_size: 100
            """;

    /**
     * The same experiment cut to one seed, one BN policy, two alphas and two probes: 11 units of under a second
     * each, for tests that start real processes.
     */
    static final String TINY_YAML = YAML
            .replace("name: reduced", "name: tiny")
            .replace("builtin:size=480,test-size=120", "builtin:size=240,test-size=60")
            .replace("alphas: [0.0, 0.5, 1.0]", "alphas: [0.0, 1.0]")
            .replace("bn_policies: [interpolate, recalibrate]", "bn_policies: [interpolate]")
            .replace("probes: [base, color, noise, color-conflict]", "probes: [base, color]")
            .replace("seeds: [0, 1, 2]", "seeds: [0]")
            .replace("test_size: 100", "test_size: 40");

    /**
     * The tiny experiment with a method study (a TIES and a DARE-TIES merge unit per protocol and regime, a selection
     * subset of 20 images): for the kill-and-restart tests.
     */
    static final String TINY_MERGES_YAML = TINY_YAML + """
            selection_size: 20
            merges:
              - {method: ties, density: 0.5}
              - {method: dare_ties, density: 0.5, mask_seeds: 2}
            """;

    private ReducedExperiment() {}

    static ExperimentConfig tinyConfig() {
        return ConfigReader.parse(TINY_YAML, ExperimentConfig.class, "tiny.yaml");
    }

    static ExperimentConfig config() {
        return ConfigReader.parse(YAML, ExperimentConfig.class, "reduced.yaml");
    }
}
