package org.mergelab.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mergelab.Versions;

class LineageTest {
    private static final VersionsRecord VERSIONS = new VersionsRecord("0.1.0", "0.36.0", "2.7.1", "25.0.1", "AVX2");
    private static final String ID_A = "a".repeat(64);
    private static final String ID_B = "b".repeat(64);
    private static final String ID_M = "0123456789abcdef".repeat(4);

    private static Lineage parent(String id, String split, double wall) {
        return Lineage.builder().setKind("finetune").optCheckpointId(id)
                .optTask(new TaskRecord("fashion-mnist", split, null)).optSeed(7L)
                .optVersions(VERSIONS).optWallTimeSeconds(wall).build();
    }

    private static Lineage merge(double wall, ObjectNode config) {
        return Lineage.builder().setKind("merge").optCheckpointId(ID_M)
                .optParents(List.of(parent(ID_A, "t1", wall), parent(ID_B, "t2", wall)))
                .optConfig(config).optThreads(2).optVersions(VERSIONS).optDataFingerprint("sha256:ff")
                .optWallTimeSeconds(wall).putExtra("method", "ties").putExtra("bn_policy", "recalibrate").build();
    }

    private static ObjectNode config() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("method", "ties").put("density", 0.2);
        c.putArray("weights").add(0.5).add(0.5);
        return c;
    }

    /** The on-disk form, fixed: field order, omitted nulls, always-present parents and extra. */
    private static final String GOLDEN_PARENT = """
            {
              "format_version" : 2,
              "kind" : "finetune",
              "checkpoint_id" : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
              "task" : {
                "dataset" : "fashion-mnist",
                "split" : "t1"
              },
              "seed" : 7,
              "versions" : {
                "mergelab" : "0.1.0",
                "djl" : "0.36.0",
                "pytorch" : "2.7.1",
                "jdk" : "25.0.1",
                "onednn_max_cpu_isa" : "AVX2"
              },
              "wall_time_seconds" : 3.5,
              "extra" : { },
              "parents" : [ ]
            }""";

    @Test
    void writesTheGoldenJson() {
        assertThat(parent(ID_A, "t1", 3.5).toJson()).isEqualTo(GOLDEN_PARENT);
        assertThat(Lineage.fromJson(GOLDEN_PARENT)).isEqualTo(parent(ID_A, "t1", 3.5));
    }

    @Test
    void readsFormatOneWithoutTheEngineSettingAndRejectsItThere() {
        String v1 = GOLDEN_PARENT.replace("\"format_version\" : 2", "\"format_version\" : 1")
                .replace(",\n    \"onednn_max_cpu_isa\" : \"AVX2\"", "");
        Lineage old = Lineage.fromJson(v1);
        assertThat(old.versions().onednnMaxCpuIsa()).isNull();
        assertThat(old.versions().jdk()).isEqualTo("25.0.1");
        assertThat(old.toJson()).doesNotContain("onednn_max_cpu_isa").contains("\"format_version\" : 2");
        String v1WithIsa = GOLDEN_PARENT.replace("\"format_version\" : 2", "\"format_version\" : 1");
        assertThatThrownBy(() -> Lineage.fromJson(v1WithIsa)).hasMessageContaining("onednn_max_cpu_isa");
    }

    @Test
    void nestedLineageRoundTrips() {
        Lineage m = merge(1.25, config());
        String json = m.toJson();
        Lineage back = Lineage.fromJson(json);
        assertThat(back).isEqualTo(m);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.parents()).extracting(Lineage::checkpointId).containsExactly(ID_A, ID_B);
        assertThat(back.config().get("density").doubleValue()).isEqualTo(0.2);
        assertThat(back.extra().keySet()).containsExactly("bn_policy", "method");
        assertThat(json.indexOf("\"bn_policy\"")).isLessThan(json.lastIndexOf("\"method\" : \"ties\""));
    }

    @Test
    void rejectsUnknownVersionsAndFieldsNamingThem() {
        String json = parent(ID_A, "t1", 1).toJson();
        assertThatThrownBy(() -> Lineage.fromJson(json.replace("\"format_version\" : 2", "\"format_version\" : 3")))
                .hasMessageContaining("format_version 3");
        assertThatThrownBy(() -> Lineage.fromJson(json.replace("\"format_version\" : 2", "\"format_version\" : 0")))
                .hasMessageContaining("format_version 0");
        assertThatThrownBy(() -> Lineage.fromJson(json.replace("\"format_version\" : 2,", "")))
                .hasMessageContaining("no format_version");
        assertThatThrownBy(() -> Lineage.fromJson(json.replace("\"seed\"", "\"sed\"")))
                .hasMessageContaining("unknown field 'sed'");
        String nested = merge(1, null).toJson();
        String badParent = nested.replaceFirst("\"kind\" : \"finetune\"", "\"kind\" : \"finetune\", \"x\" : 1");
        assertThatThrownBy(() -> Lineage.fromJson(badParent)).hasMessageContaining("lineage.parents[0]")
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> Lineage.fromJson(json.replace("\"seed\" : 7", "\"seed\" : \"7\"")))
                .hasMessageContaining("seed");
        assertThatThrownBy(() -> Lineage.fromJson(json + "{}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Lineage.fromJson(json.replace("\"kind\" : \"finetune\",",
                "\"kind\" : \"finetune\", \"kind\" : \"merge\",")))
                .hasMessageContaining("Duplicate").hasMessageContaining("kind");
    }

    @Test
    void builderValidatesNamingTheBadValue() {
        assertThatThrownBy(() -> Lineage.builder().optVersions(VERSIONS).build()).hasMessageContaining("kind");
        assertThatThrownBy(() -> Lineage.builder().setKind("Merge!").optVersions(VERSIONS).build())
                .hasMessageContaining("'Merge!'");
        assertThatThrownBy(() -> Lineage.builder().setKind("merge").optCheckpointId("abc").optVersions(VERSIONS)
                .build()).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> Lineage.builder().setKind("merge").optThreads(0).optVersions(VERSIONS).build())
                .hasMessageContaining("threads").hasMessageContaining("0");
        assertThatThrownBy(() -> Lineage.builder().setKind("merge").optWallTimeSeconds(-1.0).optVersions(VERSIONS)
                .build()).hasMessageContaining("-1.0");
        Lineage noId = Lineage.builder().setKind("pretrain").optVersions(VERSIONS).build();
        assertThatThrownBy(() -> Lineage.builder().setKind("merge").addParent(noId).optVersions(VERSIONS).build())
                .hasMessageContaining("parent 0").hasMessageContaining("no checkpoint id");
        assertThatThrownBy(() -> Lineage.builder().setKind("merge").optVersions(VERSIONS)
                .optConfig(JsonNodeFactory.instance.arrayNode()).build()).hasMessageContaining("config");
    }

    @Test
    void defaultsToTheRunningVersionsAndKeepsConfigPrivate() {
        Lineage l = Lineage.builder().setKind("import").build();
        assertThat(l.versions()).isEqualTo(VersionsRecord.current());
        assertThat(l.versions().mergelab()).isEqualTo(Versions.mergelab());
        assertThat(l.versions().jdk()).isEqualTo(Versions.jdk());
        assertThat(l.parents()).isEmpty();
        assertThat(l.extra()).isEmpty();
        assertThat(l.shortId()).isEqualTo("-");

        ObjectNode c = config();
        Lineage m = merge(1, c);
        c.put("density", 0.9);
        ((ObjectNode) m.config()).put("density", 0.7);
        assertThat(m.config().get("density").doubleValue()).isEqualTo(0.2);
        assertThat(m.shortId()).isEqualTo("0123456789ab");
    }

    @Test
    void reuseKeyLeavesOutWallTimeEverywhere() {
        JsonNode key = merge(1.0, config()).reuseKey();
        assertThat(key.toString()).doesNotContain("wall_time_seconds");
        assertThat(merge(1.0, config()).toJson()).contains("wall_time_seconds");
        assertThat(key.get("parents")).hasSize(2);
        assertThat(key.get("parents").get(0).get("seed").longValue()).isEqualTo(7);
        assertThat(merge(99.0, config()).reuseKeySha256()).isEqualTo(merge(1.0, config()).reuseKeySha256());
        assertThat(merge(1.0, config()).reuseKeySha256()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void reuseKeyIgnoresConfigKeyOrderButNotConfigValues() {
        ObjectNode reordered = JsonNodeFactory.instance.objectNode();
        reordered.putArray("weights").add(0.5).add(0.5);
        reordered.put("density", 0.2).put("method", "ties");
        assertThat(merge(1, reordered).reuseKeySha256()).isEqualTo(merge(1, config()).reuseKeySha256());
        ObjectNode changed = config().put("density", 0.3);
        assertThat(merge(1, changed).reuseKeySha256()).isNotEqualTo(merge(1, config()).reuseKeySha256());
        Lineage otherSeed = merge(1, config()).toBuilder().optSeed(8L).build();
        assertThat(otherSeed.reuseKeySha256()).isNotEqualTo(merge(1, config()).reuseKeySha256());
        Lineage otherExtra = merge(1, config()).toBuilder().optExtra(Map.of("method", "ta")).build();
        assertThat(otherExtra.reuseKeySha256()).isNotEqualTo(merge(1, config()).reuseKeySha256());
    }

    @Test
    void taskDescribesItsPresentParts() {
        assertThat(new TaskRecord("cifar10", "t2", "color-patch").describe()).isEqualTo("cifar10/t2/color-patch");
        assertThat(new TaskRecord("cifar10", null, null).describe()).isEqualTo("cifar10");
        assertThatThrownBy(() -> new TaskRecord(" ", null, null)).hasMessageContaining("dataset");
    }
}
