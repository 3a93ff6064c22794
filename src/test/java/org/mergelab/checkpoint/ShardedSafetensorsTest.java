package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedSafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void readsTheGoldenShardedCheckpoint() throws IOException {
        Path index = GoldenFiles.path("sharded/" + ShardedSafetensors.INDEX_FILE_NAME);
        try (ShardedSafetensors s = ShardedSafetensors.open(index)) {
            assertThat(s.tensors()).extracting(TensorInfo::name).containsExactly("a", "b", "c");
            assertThat(s.metadata()).isEqualTo(Map.of("total_size", "48", "format", "pt"));
            assertThat(s.shardFiles()).extracting(p -> p.getFileName().toString())
                    .containsExactly("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
            assertThat(s.read("a").toFloats()).containsExactly(0f, 1f, 2f, 3f);
            assertThat(s.read("b").toFloats()).containsExactly(-3f, -2f, -1f, 0f, 1f, 2f);
            assertThat(s.read("b").shape()).containsExactly(2, 3);
            assertThat(s.read("c").toFloats()).containsExactly(-1f, 1f);
            assertThatThrownBy(() -> s.read("d")).hasMessageContaining("'d'").hasMessageContaining(index.toString());
        }
    }

    @Test
    void tensorSourceOpensFilesIndexesAndDirectories() throws IOException {
        Path shardedDir = GoldenFiles.path("sharded");
        try (TensorSource s = TensorSource.open(shardedDir)) {
            assertThat(s).isInstanceOf(ShardedSafetensors.class);
            assertThat(s.readAll().names()).containsExactly("a", "b", "c");
        }
        try (TensorSource s = TensorSource.open(shardedDir.resolve(ShardedSafetensors.INDEX_FILE_NAME))) {
            assertThat(s).isInstanceOf(ShardedSafetensors.class);
        }
        try (TensorSource s = TensorSource.open(GoldenFiles.path("multi.safetensors"))) {
            assertThat(s).isInstanceOf(SafetensorsReader.class);
            assertThat(s.tensors()).hasSize(4);
        }
        Path single = Files.createDirectory(dir.resolve("single"));
        Files.copy(GoldenFiles.path("f32.safetensors"), single.resolve("model.safetensors"));
        try (TensorSource s = TensorSource.open(single)) {
            assertThat(s.path()).isEqualTo(single.resolve("model.safetensors"));
            assertThat(s.read("x").toFloats()).hasSize(6);
        }
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> TensorSource.open(empty)).hasMessageContaining(empty.toString())
                .hasMessageContaining("neither");
        Files.writeString(single.resolve(ShardedSafetensors.INDEX_FILE_NAME), "{}");
        assertThatThrownBy(() -> TensorSource.open(single)).hasMessageContaining("both");
    }

    @Test
    void writesShardsOfAtMostTheGivenSizeAndReadsThemBack() throws IOException {
        NamedTensors t = new NamedTensors()
                .put("a", Tensor.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4})) // 16 bytes
                .put("b", Tensor.ofFloats(new long[] {2}, new float[] {5, 6})) // 8
                .put("c", Tensor.fromFloats(DType.F16, new long[] {2}, new float[] {7, 8})) // 4
                .put("huge", Tensor.ofFloats(new long[] {10}, new float[10])) // 40, alone
                .put("d", Tensor.fromFloats(DType.I8, new long[] {3}, new float[] {-1, 0, 1})); // 3
        Path index = ShardedSafetensors.write(dir, t, Map.of("format", "pt"), 24);
        assertThat(index).isEqualTo(dir.resolve(ShardedSafetensors.INDEX_FILE_NAME));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                    "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors",
                    ShardedSafetensors.INDEX_FILE_NAME);
        }
        try (ShardedSafetensors s = ShardedSafetensors.open(index)) {
            assertThat(s.readAll()).isEqualTo(t);
            assertThat(s.metadata()).containsEntry("format", "pt").containsEntry("total_size", "71");
        }
        // greedy in order: [a, b] = 24 bytes; c alone (24 + 4 > 24); huge alone (over the limit); d
        String[][] expected = {{"a", "b"}, {"c"}, {"huge"}, {"d"}};
        for (int i = 0; i < expected.length; i++) {
            Path shard = dir.resolve(String.format("model-%05d-of-00004.safetensors", i + 1));
            try (SafetensorsReader r = SafetensorsReader.open(shard)) {
                assertThat(r.tensors()).extracting(TensorInfo::name).containsExactly(expected[i]);
                assertThat(r.metadata()).containsEntry("format", "pt");
            }
        }
    }

    @Test
    void indexAndShardsMustAgree() throws IOException {
        SafetensorsWriter.write(dir.resolve("s1.safetensors"), new NamedTensors()
                .put("a", Tensor.ofFloats(new long[] {1}, new float[] {1}))
                .put("b", Tensor.ofFloats(new long[] {1}, new float[] {2})), Map.of());
        Path index = dir.resolve(ShardedSafetensors.INDEX_FILE_NAME);

        Files.writeString(index, "{\"weight_map\": {\"a\": \"s1.safetensors\"}}");
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("tensor 'b'").hasMessageContaining("s1.safetensors")
                .hasMessageContaining("does not list it");

        Files.writeString(index, "{\"weight_map\": {\"a\": \"s1.safetensors\", \"b\": \"s1.safetensors\","
                + " \"z\": \"s1.safetensors\"}}");
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).hasMessageContaining("tensor 'z'")
                .hasMessageContaining("s1.safetensors").hasMessageContaining("does not contain it");

        Files.writeString(index, "{\"weight_map\": {\"a\": \"../s1.safetensors\"}}");
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).hasMessageContaining("../s1.safetensors");

        Files.writeString(index, "{\"weight_map\": {\"a\": \"s1.safetensors\", \"a\": \"s1.safetensors\"}}");
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).hasMessageContaining("Duplicate")
                .hasMessageContaining("'a'");

        Files.writeString(index, "{\"weight_map\": {}, \"extra\": 1}");
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).hasMessageContaining("unknown index key 'extra'");

        Files.writeString(index, "{\"metadata\": {}}");
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).hasMessageContaining("weight_map");
    }

    @Test
    void aTensorInTwoShardsIsRejected() throws IOException {
        NamedTensors a = new NamedTensors().put("a", Tensor.ofFloats(new long[] {1}, new float[] {1}));
        SafetensorsWriter.write(dir.resolve("s1.safetensors"), a, Map.of());
        SafetensorsWriter.write(dir.resolve("s2.safetensors"), new NamedTensors()
                .put("a", Tensor.ofFloats(new long[] {1}, new float[] {9}))
                .put("b", Tensor.ofFloats(new long[] {1}, new float[] {2})), Map.of());
        Path index = Files.writeString(dir.resolve("i.index.json"),
                "{\"weight_map\": {\"a\": \"s1.safetensors\", \"b\": \"s2.safetensors\"}}");
        assertThatThrownBy(() -> TensorSource.open(index)).hasMessageContaining("tensor 'a'")
                .hasMessageContaining("s2.safetensors").hasMessageContaining("maps it to s1.safetensors");
    }

    @Test
    void indexMustBeUtf8() throws IOException {
        // The cause SafetensorsFuzzTest found in headers (see SafetensorsMalformedTest.headerMustBeUtf8): given
        // bytes, Jackson guessed UTF-16 from "{\0" and accepted such an index.
        SafetensorsWriter.write(dir.resolve("s1.safetensors"), new NamedTensors()
                .put("a", Tensor.ofFloats(new long[] {1}, new float[] {1})), Map.of());
        Path index = Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE_NAME),
                "{\"weight_map\": {\"a\": \"s1.safetensors\"}}", StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(index.toString()).hasMessageContaining("index is not valid JSON");
        Files.write(index, new byte[] {'{', (byte) 0xC3, '}'});
        assertThatThrownBy(() -> ShardedSafetensors.open(index)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(index.toString())
                .hasMessageContaining("index is not UTF-8: byte 1 starts an invalid sequence");
    }
}
