package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.lineage.Lineage;
import org.mergelab.lineage.TaskRecord;
import org.mergelab.lineage.VersionsRecord;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    private static final VersionsRecord VERSIONS = new VersionsRecord("0.1.0", "0.36.0", "2.7.1", "25", "AVX2");

    private static NamedTensors weights() {
        return new NamedTensors()
                .put("conv.weight", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}))
                .put("bn.running_mean", Tensor.fromFloats(DType.F16, new long[] {2}, new float[] {0.5f, -1}));
    }

    private static Lineage lineage() {
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("lr", 0.01).put("epochs", 3);
        return Lineage.builder().setKind("finetune").optTask(new TaskRecord("fashion-mnist", "t1", "color-patch"))
                .optConfig(config).optSeed(42L).optVersions(VERSIONS).optWallTimeSeconds(12.5).build();
    }

    @Test
    void writesWeightsAndLineageAndReadsThemBack() throws IOException {
        Path file = dir.resolve("ft.safetensors");
        assertThat(CheckpointStore.write(file, new Checkpoint(weights(), lineage()))).isEqualTo(file);
        String id = CheckpointId.of(weights());

        Checkpoint back = CheckpointStore.read(file);
        assertThat(back.tensors()).isEqualTo(weights());
        assertThat(back.lineage()).isEqualTo(lineage().withCheckpointId(id));
        assertThat(back.id()).isEqualTo(id);

        Path sidecar = dir.resolve("ft.lineage.json");
        assertThat(Lineage.fromJson(Files.readString(sidecar))).isEqualTo(back.lineage());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertThat(r.metadata()).containsEntry("format", "mergelab-checkpoint")
                    .containsEntry("format_version", "1").containsEntry("checkpoint_id", id);
            assertThat(r.tensors()).extracting(TensorInfo::name).containsExactly("conv.weight", "bn.running_mean");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(file, sidecar); // no temporaries left
        }
    }

    @Test
    void rejectsALineageWithAnotherCheckpointId() {
        Lineage wrong = lineage().withCheckpointId("0".repeat(64));
        Path file = dir.resolve("x.safetensors");
        assertThatThrownBy(() -> CheckpointStore.write(file, new Checkpoint(weights(), wrong)))
                .hasMessageContaining("0".repeat(64)).hasMessageContaining(CheckpointId.of(weights()));
        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> CheckpointStore.write(dir.resolve("x.bin"), new Checkpoint(weights(), lineage())))
                .hasMessageContaining(".safetensors");
    }

    /** Rewrites a stored checkpoint with some metadata changed, keeping its tensors. */
    private Path tamper(Map<String, String> changes, NamedTensors tensors) throws IOException {
        Path good = dir.resolve("good.safetensors");
        CheckpointStore.write(good, new Checkpoint(weights(), lineage()));
        Map<String, String> meta;
        try (SafetensorsReader r = SafetensorsReader.open(good)) {
            meta = new HashMap<>(r.metadata());
        }
        meta.putAll(changes);
        Path bad = dir.resolve("bad.safetensors");
        SafetensorsWriter.write(bad, tensors, meta);
        return bad;
    }

    @Test
    void rejectsUnknownFormatVersionNamingFileAndVersion() throws IOException {
        Path bad = tamper(Map.of("format_version", "7"), weights());
        assertThatThrownBy(() -> CheckpointStore.read(bad)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("'7'");
    }

    @Test
    void rejectsOtherFormats() throws IOException {
        Path bad = tamper(Map.of("format", "pt"), weights());
        assertThatThrownBy(() -> CheckpointStore.read(bad)).hasMessageContaining("not a mergelab checkpoint")
                .hasMessageContaining("'pt'");
        assertThatThrownBy(() -> CheckpointStore.read(GoldenFiles.path("f32.safetensors")))
                .hasMessageContaining("absent");
    }

    @Test
    void detectsCorruptedTensors() throws IOException {
        NamedTensors changed = new NamedTensors()
                .put("conv.weight", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4.5f}))
                .put("bn.running_mean", weights().get("bn.running_mean"));
        Path bad = tamper(Map.of(), changed);
        assertThatThrownBy(() -> CheckpointStore.read(bad)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("corrupted").hasMessageContaining(CheckpointId.of(changed))
                .hasMessageContaining(bad.toString());
    }

    @Test
    void detectsALineageOfAnotherCheckpoint() throws IOException {
        String otherLineage = lineage().withCheckpointId("a".repeat(64)).toJson();
        Path bad = tamper(Map.of("lineage", otherLineage), weights());
        assertThatThrownBy(() -> CheckpointStore.read(bad)).hasMessageContaining("a".repeat(64));
    }

    @Test
    void lineageFileNameSitsBesideTheWeights() {
        assertThat(CheckpointStore.lineageFile(Path.of("runs/m.safetensors")))
                .isEqualTo(Path.of("runs/m.lineage.json"));
    }
}
