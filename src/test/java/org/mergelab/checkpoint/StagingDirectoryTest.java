package org.mergelab.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirectoryTest {

    @TempDir Path dir;

    private OutputDirectory claim(Path out, boolean force) {
        return OutputDirectory.builder().setPath(out).setCommand("merge", OutputKind.MERGE).optForce(force).claim();
    }

    /** A staging directory of {@code out} with the given owner record (or none). */
    private Path abandoned(Path out, String hex, StagingOwner owner) throws Exception {
        Path staging = Files.createDirectories(out.resolveSibling(out.getFileName() + ".tmp-" + hex));
        Files.writeString(staging.resolve("model.safetensors.tmp-aaaaaaaaaaaa"), "partial");
        if (owner != null) {
            Files.writeString(staging.resolve(StagingDirectory.OWNER_FILE), OutputDirectory.RECORD_JSON.writeValueAsString(owner));
        }
        return staging;
    }

    private static StagingOwner with(StagingOwner o, String host, String boot, long pid, String start) {
        return new StagingOwner(o.format(), o.formatVersion(), host, boot, pid, start);
    }

    @Test
    void theOwnerRecordNamesHostBootPidAndStart() {
        StagingOwner me = StagingOwner.current();
        assertThat(me.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(me.host()).isNotBlank();
        assertThat(Instant.parse(me.processStart())).isBefore(Instant.now());
        if (Files.exists(Path.of("/proc/sys/kernel/random/boot_id"))) {
            assertThat(me.bootId()).matches("[0-9a-f-]{36}");
        }
    }

    @Test
    void onlyStagingProvablyAbandonedOnThisHostAndBootIsRemoved() throws Exception {
        StagingOwner me = StagingOwner.current();
        org.junit.jupiter.api.Assumptions.assumeTrue(me.bootId() != null, "needs a boot id (Linux)");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path out = dir.resolve("merged");
        Path deadPid = abandoned(out, "000000000001", with(me, me.host(), me.bootId(), gone.pid(), me.processStart()));
        Path reusedPid = abandoned(out, "000000000002",
                with(me, me.host(), me.bootId(), me.pid(), Instant.parse(me.processStart()).minusSeconds(3600).toString()));
        Path otherHost = abandoned(out, "000000000003", with(me, "elsewhere", me.bootId(), gone.pid(), me.processStart()));
        Path otherBoot = abandoned(out, "000000000004",
                with(me, me.host(), "00000000-0000-0000-0000-000000000000", gone.pid(), me.processStart()));
        Path live = abandoned(out, "000000000005", me);
        Path noRecord = abandoned(out, "000000000006", null);
        Path otherOutput = abandoned(dir.resolve("other"), "000000000007",
                with(me, me.host(), me.bootId(), gone.pid(), me.processStart()));
        Path unreadable = abandoned(out, "000000000008", null);
        Files.writeString(unreadable.resolve(StagingDirectory.OWNER_FILE), "{not json");

        assertThat(StagingDirectory.removeAbandoned(out)).containsExactlyInAnyOrder(deadPid, reusedPid);
        assertThat(deadPid).doesNotExist();
        assertThat(reusedPid).doesNotExist();
        for (Path kept : List.of(otherHost, otherBoot, live, noRecord, otherOutput, unreadable)) {
            assertThat(kept).as(kept.toString()).isDirectory();
        }
    }

    @Test
    void aNewStagingRecordsItsOwnerCarriesTheMarkerAndPublishesWithoutThem() throws Exception {
        Path out = dir.resolve("a/b/merged");
        try (StagingDirectory staging = StagingDirectory.create(claim(out, false))) {
            assertThat(staging.path().getFileName().toString()).matches("merged\\.tmp-[0-9a-f]{12}");
            StagingOwner owner = StagingDirectory.readOwner(staging.path());
            assertThat(owner).isEqualTo(StagingOwner.current());
            assertThat(OutputDirectory.isMarked(staging.path(), OutputKind.MERGE)).isTrue();
            Files.writeString(staging.path().resolve("model.safetensors"), "new");
            staging.publish();
        }
        assertThat(Files.readString(out.resolve("model.safetensors"))).isEqualTo("new");
        assertThat(out.resolve(StagingDirectory.OWNER_FILE)).doesNotExist();
        assertThat(OutputDirectory.isMarked(out, OutputKind.MERGE)).isTrue();
        assertThat(siblings(out)).containsExactly("merged");
    }

    @Test
    void aFailedCommandLeavesNeitherStagingNorTheParentsItMade() throws Exception {
        Path out = dir.resolve("a/b/merged");
        try (StagingDirectory staging = StagingDirectory.create(claim(out, false))) {
            Files.writeString(staging.path().resolve("model.safetensors.tmp-0123456789ab"), "partial");
        }
        assertThat(dir.resolve("a")).doesNotExist();
    }

    @Test
    void publishingReplacesAnOldOutputOnlyWithForceAndOnlyIfItIsStillMergelabs() throws Exception {
        Path out = dir.resolve("merged");
        try (StagingDirectory first = StagingDirectory.create(claim(out, false))) {
            Files.writeString(first.path().resolve("model.safetensors"), "old");
            first.publish();
        }
        OutputDirectory target = claim(out, true);
        try (StagingDirectory second = StagingDirectory.create(target)) {
            Files.writeString(second.path().resolve("model.safetensors"), "new");
            // meanwhile the marker went away: the old directory is no longer provably mergelab's
            Files.delete(out.resolve(OutputDirectory.MARKER_FILE));
            org.assertj.core.api.Assertions.assertThatThrownBy(second::publish)
                    .hasMessageContaining(out.toString()).hasMessageContaining("not published");
        }
        assertThat(Files.readString(out.resolve("model.safetensors"))).isEqualTo("old");
        assertThat(siblings(out)).containsExactly("merged");
    }

    @Test
    void whenTheOldOutputCannotBeRemovedNothingIsPublishedAndWhatRemainsIsBack() throws Exception {
        Path out = dir.resolve("merged");
        try (StagingDirectory first = StagingDirectory.create(claim(out, false))) {
            Files.writeString(first.path().resolve("model.safetensors"), "old");
            Files.writeString(first.path().resolve("config.json"), "{}");
            first.publish();
        }
        OutputDirectory target = claim(out, true); // passes: everything is writable now
        Path locked = out.resolve("config.json");
        try (StagingDirectory second = StagingDirectory.create(target)) {
            Files.writeString(second.path().resolve("model.safetensors"), "new");
            org.junit.jupiter.api.Assumptions.assumeTrue(ImmutableFiles.lock(locked), "needs chattr +i");
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(second::publish)
                        .hasMessageContaining("cannot remove the old output " + out)
                        .hasMessageContaining("config.json").hasMessageContaining("not published");
            } finally {
                ImmutableFiles.unlock(locked);
            }
        }
        assertThat(Files.readString(locked)).isEqualTo("{}");
        assertThat(OutputDirectory.isMarked(out, OutputKind.MERGE)).as("a partly removed output keeps its marker").isTrue();
        assertThat(out.resolve("model.safetensors")).doesNotExist(); // removed before the failure; never the new one
        assertThat(siblings(out)).containsExactly("merged");
    }

    private List<String> siblings(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
