package org.mergelab.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.model.Network;
import org.mergelab.engine.TorchEngine;

/**
 * Measures training throughput two ways in one process: the bare model step (one prepared batch
 * fed again and again: forward, backward, SGD update) and the whole pipeline (batches made on the
 * fly by a {@link BatchStream}: shuffling, augmentation, cue, normalisation). Rounds alternate so
 * that both see the same machine state.
 */
public final class ThroughputBenchmark {

    private ThroughputBenchmark() {}

    /**
     * Images per second of both ways.
     *
     * @param bareImagesPerSecond model step only
     * @param pipelineImagesPerSecond data pipeline included
     * @param bareRounds per-round rates of the bare step
     * @param pipelineRounds per-round rates of the pipeline
     */
    public record Result(double bareImagesPerSecond, double pipelineImagesPerSecond, List<Double> bareRounds, List<Double> pipelineRounds) {

        /** pipeline / bare. */
        public double ratio() {
            return pipelineImagesPerSecond / bareImagesPerSecond;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param network the network to train (its weights change)
     * @param stream the training batches (with augmentation and cue as wanted)
     * @param stepsPerRound training steps per round and way
     * @param rounds rounds (each runs both ways)
     * @param threads PyTorch threads
     */
    public static Result run(Network network, BatchStream stream, int stepsPerRound, int rounds, int threads) {
        TorchEngine.useThreads(threads);
        Batch fixed = stream.batch(0, 0);
        TrainConfig config = TrainConfig.defaults().withEpochs(1);
        try (SgdMomentum optimizer = new SgdMomentum(network.parameters(), network.manager(), config.momentum(), config.weightDecay())) {
            // warm-up
            for (int i = 0; i < 3; i++) {
                Trainer.step(network, optimizer, fixed, 0.01);
            }
            List<Double> bare = new ArrayList<>();
            List<Double> pipeline = new ArrayList<>();
            long bareImages = 0;
            double bareSeconds = 0;
            long pipeImages = 0;
            double pipeSeconds = 0;
            int epoch = 0;
            Iterator<Batch> it = stream.epoch(epoch).iterator();
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < stepsPerRound; i++) {
                    Trainer.step(network, optimizer, fixed, 0.01);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                bare.add(stepsPerRound * (double) fixed.size() / s);
                bareImages += (long) stepsPerRound * fixed.size();
                bareSeconds += s;
                long images = 0;
                t0 = System.nanoTime();
                for (int i = 0; i < stepsPerRound; i++) {
                    if (!it.hasNext()) {
                        it = stream.epoch(++epoch).iterator();
                    }
                    Batch b = it.next();
                    Trainer.step(network, optimizer, b, 0.01);
                    images += b.size();
                }
                s = (System.nanoTime() - t0) / 1e9;
                pipeline.add(images / s);
                pipeImages += images;
                pipeSeconds += s;
            }
            return new Result(bareImages / bareSeconds, pipeImages / pipeSeconds, bare, pipeline);
        }
    }
}
