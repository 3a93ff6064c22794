package org.mergelab.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mergelab.data.Batch;
import org.mergelab.data.BatchStream;
import org.mergelab.data.Cue;
import org.mergelab.data.CueSettings;
import org.mergelab.data.Cues;
import org.mergelab.data.ImageDataset;
import org.mergelab.data.Normalization;

/**
 * The inputs of every probe (PROTOCOL.md, "Probes") on one fixed set of test images: {@code base}
 * without a cue, each cue probe with the cue of the true label, each {@code -conflict} probe with
 * the cue of the deranged label. The batches do not depend on the model, so they are built once and
 * reused for every checkpoint and alpha of a run.
 */
public final class ProbeSet {

    /** Images per evaluation batch. */
    public static final int EVAL_BATCH = 250;

    private final Map<String, List<Batch>> batches;
    private final int images;

    private ProbeSet(Map<String, List<Batch>> batches, int images) {
        this.batches = batches;
        this.images = images;
    }

    /**
     * Builds the probe inputs.
     *
     * @param test the test set
     * @param ids the test images used (all, or a seeded subset)
     * @param probes probe names: {@code base} or a name of {@link Cues}
     * @param cueSeed the run's cue seed
     * @param normalization the training set's normalisation
     */
    public static ProbeSet build(ImageDataset test, int[] ids, List<String> probes, long cueSeed, Normalization normalization) {
        return build(test, ids, probes, cueSeed, Map.of(), normalization);
    }

    /** As {@link #build(ImageDataset, int[], List, long, Normalization)}, with settings per cue kind. */
    public static ProbeSet build(ImageDataset test, int[] ids, List<String> probes, long cueSeed, Map<String, CueSettings> cues,
            Normalization normalization) {
        Map<String, List<Batch>> map = new LinkedHashMap<>();
        for (String probe : probes) {
            Cue cue = probe.equals("base") ? null : Cues.byName(probe, test.numClasses(), cueSeed, cues);
            BatchStream.Builder b = BatchStream.builder()
                    .setDataset(test)
                    .optIds(ids)
                    .setBatchSize(EVAL_BATCH)
                    .optNormalization(normalization);
            if (cue != null) {
                b.optCue(cue);
            }
            List<Batch> list = new ArrayList<>();
            for (Batch batch : b.build().epoch(0)) {
                list.add(batch);
            }
            map.put(probe, Collections.unmodifiableList(list));
        }
        return new ProbeSet(Collections.unmodifiableMap(map), ids.length);
    }

    /** Probe names, in the order given. */
    public List<String> probes() {
        return List.copyOf(batches.keySet());
    }

    /** The batches of one probe. */
    public List<Batch> batches(String probe) {
        List<Batch> list = batches.get(probe);
        if (list == null) {
            throw new IllegalArgumentException("no probe '" + probe + "' in this probe set (have " + batches.keySet() + ")");
        }
        return list;
    }

    /** Test images per probe. */
    public int images() {
        return images;
    }

    @Override
    public String toString() {
        return "ProbeSet" + Arrays.toString(batches.keySet().toArray()) + " x " + images;
    }
}
