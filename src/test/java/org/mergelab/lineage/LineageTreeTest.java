package org.mergelab.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageTreeTest {
    @TempDir
    Path dir;

    private static final VersionsRecord V = new VersionsRecord("0.1.0", "0.36.0", "2.7.1", "25", "AVX2");

    private static String id(char c) {
        return String.valueOf(c).repeat(64);
    }

    private void save(String relative, Lineage l) throws IOException {
        Path f = dir.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, l.toJson());
    }

    @Test
    void rendersParentsAboveChildrenWithMergesUnderEachParent() throws IOException {
        Lineage base = Lineage.builder().setKind("pretrain").optCheckpointId(id('1'))
                .optTask(new TaskRecord("fmnist", "all", null)).optVersions(V).build();
        Lineage t1 = Lineage.builder().setKind("finetune").optCheckpointId(id('2')).addParent(base)
                .optTask(new TaskRecord("fmnist", "t1", "color-patch")).optVersions(V).build();
        Lineage t2 = Lineage.builder().setKind("finetune").optCheckpointId(id('3')).addParent(base)
                .optTask(new TaskRecord("fmnist", "t2", null)).optVersions(V).build();
        Lineage merged = Lineage.builder().setKind("merge").optCheckpointId(id('4')).addParent(t1).addParent(t2)
                .optVersions(V).build();
        Lineage onItsOwn = Lineage.builder().setKind("import").optCheckpointId(id('5')).optVersions(V).build();
        Lineage orphan = Lineage.builder().setKind("finetune").optCheckpointId(id('6'))
                .addParent(Lineage.builder().setKind("pretrain").optCheckpointId(id('9')).optVersions(V).build())
                .optVersions(V).build();
        save("base.lineage.json", base);
        save("ft/t2.lineage.json", t2);
        save("ft/t1.lineage.json", t1);
        save("zmerged.lineage.json", merged);
        save("imported/a.lineage.json", onItsOwn);
        save("ft/orphan.lineage.json", orphan);
        Files.writeString(dir.resolve("notes.json"), "not a lineage");

        assertThat(LineageTree.render(dir)).isEqualTo("""
                111111111111  pretrain  fmnist/all  base.lineage.json
                ├─ 222222222222  finetune  fmnist/t1/color-patch  ft/t1.lineage.json
                │  └─ 444444444444  merge  -  zmerged.lineage.json
                └─ 333333333333  finetune  fmnist/t2  ft/t2.lineage.json
                   └─ 444444444444  merge  -  zmerged.lineage.json
                666666666666  finetune  -  ft/orphan.lineage.json
                555555555555  import  -  imported/a.lineage.json
                """);
        assertThat(LineageTree.scan(dir)).extracting(Lineage::checkpointId)
                .containsExactly(id('1'), id('6'), id('2'), id('3'), id('5'), id('4'));
    }

    @Test
    void aRepeatedSubtreeIsExpandedOnce() throws IOException {
        Lineage a = Lineage.builder().setKind("finetune").optCheckpointId(id('a')).optVersions(V).build();
        Lineage b = Lineage.builder().setKind("finetune").optCheckpointId(id('b')).optVersions(V).build();
        Lineage m = Lineage.builder().setKind("merge").optCheckpointId(id('c')).addParent(a).addParent(b)
                .optVersions(V).build();
        Lineage child = Lineage.builder().setKind("finetune").optCheckpointId(id('d')).addParent(m)
                .optVersions(V).build();
        save("a.lineage.json", a);
        save("b.lineage.json", b);
        save("m.lineage.json", m);
        save("n.lineage.json", child);
        assertThat(LineageTree.render(dir)).isEqualTo("""
                aaaaaaaaaaaa  finetune  -  a.lineage.json
                └─ cccccccccccc  merge  -  m.lineage.json
                   └─ dddddddddddd  finetune  -  n.lineage.json
                bbbbbbbbbbbb  finetune  -  b.lineage.json
                └─ cccccccccccc  merge  -  m.lineage.json  (shown above)
                """);
    }

    @Test
    void aMalformedFileIsNamed() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.lineage.json"), "{\"format_version\": 3}");
        assertThatThrownBy(() -> LineageTree.render(dir)).hasMessageContaining(bad.toString())
                .hasMessageContaining("format_version 3");
        assertThat(LineageTree.render(Files.createDirectory(dir.resolve("empty")))).isEmpty();
    }
}
