package org.mergelab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cap is the first candidate under which the check passes, whatever the machine: the tests hand the selection a
 * check whose answers they choose, so they do not depend on the CPU they run on. The cache remembers exactly what
 * was chosen, for this machine only, and anything else in its place is checked again.
 */
class OnednnCapSelectionTest {

    private static OnednnCapSelection.Prober answering(Set<String> correct, List<String> asked) {
        return cap -> {
            asked.add(cap);
            return correct.contains(cap) ? new OnednnCapSelection.Trial(cap, true, "", 1.5)
                    : new OnednnCapSelection.Trial(cap, false, "conv2d mb128_ic4oc4 grad_input: WRONG", 2.5);
        };
    }

    @Test
    void theFastestCandidateThatComputesCorrectlyIsChosenAndNoSlowerOneIsTried() {
        List<String> asked = new ArrayList<>();
        OnednnCapSelection.Selection all = OnednnCapSelection.select(OnednnCapSelection.CANDIDATES,
                answering(Set.of("AVX2", "AVX", "SSE41"), asked));
        assertThat(all.cap()).isEqualTo("AVX2");
        assertThat(asked).containsExactly("AVX2");

        asked.clear();
        OnednnCapSelection.Selection onlySse = OnednnCapSelection.select(OnednnCapSelection.CANDIDATES,
                answering(Set.of("SSE41"), asked));
        assertThat(onlySse.cap()).isEqualTo("SSE41");
        assertThat(asked).containsExactly("AVX2", "AVX", "SSE41");
        assertThat(onlySse.trials()).extracting(OnednnCapSelection.Trial::passed).containsExactly(false, false, true);
        assertThat(onlySse.describe()).startsWith("SSE41").contains("AVX2 wrong", "AVX wrong", "SSE41 correct");
    }

    @Test
    void noCorrectCandidateIsAnErrorNamingEveryFailure() {
        assertThatThrownBy(() -> OnednnCapSelection.select(OnednnCapSelection.CANDIDATES,
                answering(Set.of(), new ArrayList<>())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AVX2: fails the check: conv2d mb128_ic4oc4")
                .hasMessageContaining("AVX: fails the check")
                .hasMessageContaining("SSE41: fails the check")
                .hasMessageContaining("ONEDNN_MAX_CPU_ISA");
    }

    @Test
    void aTrialPassesExactlyWhenItHasNoFailure() {
        assertThatThrownBy(() -> new OnednnCapSelection.Trial("AVX2", true, "wrong", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnednnCapSelection.Trial("AVX2", false, "", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCacheRemembersTheSelectionForItsMachineOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("onednn-cap-test.txt");
        OnednnCapSelection.Selection chosen = OnednnCapSelection.select(OnednnCapSelection.CANDIDATES,
                answering(Set.of("AVX"), new ArrayList<>()));
        OnednnCapSelection.write(file, "cpu=A; cores=2", chosen);
        assertThat(dir).isDirectoryNotContaining(p -> p.getFileName().toString().contains(".tmp-"));

        OnednnCapSelection.Selection again = OnednnCapSelection.read(file, "cpu=A; cores=2");
        assertThat(again).isNotNull();
        assertThat(again.cap()).isEqualTo("AVX");
        assertThat(again.fromCache()).isTrue();
        assertThat(again.trials()).isEqualTo(chosen.trials());

        assertThat(OnednnCapSelection.read(file, "cpu=B; cores=2")).as("another machine's key").isNull();
        assertThat(OnednnCapSelection.read(dir.resolve("absent.txt"), "cpu=A; cores=2")).isNull();
    }

    @Test
    void aDamagedOrForgedCacheIsCheckedAgainNotTrusted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.txt");
        String key = "cpu=A";
        Files.writeString(file, "mergelab-onednn-cap 1\nkey cpu=A\ncap AVX2\n");
        assertThat(OnednnCapSelection.read(file, key)).as("no trials").isNull();
        Files.writeString(file, "mergelab-onednn-cap 1\nkey cpu=A\ncap AVX2\ntrial\tAVX2\t1.0\tconv2d WRONG\n");
        assertThat(OnednnCapSelection.read(file, key)).as("the chosen cap's trial failed").isNull();
        Files.writeString(file, "mergelab-onednn-cap 1\nkey cpu=A\ncap ALL\ntrial\tALL\t1.0\t\n");
        assertThat(OnednnCapSelection.read(file, key)).as("not a candidate").isNull();
        Files.writeString(file, "mergelab-onednn-cap 1\nkey cpu=A\ncap AVX2\ntrial\tAVX2\tx\t\n");
        assertThat(OnednnCapSelection.read(file, key)).as("unparsable seconds").isNull();
        Files.writeString(file, "something else\n");
        assertThat(OnednnCapSelection.read(file, key)).isNull();
        Files.writeString(file, "mergelab-onednn-cap 1\nkey cpu=A\ncap SSE41\ntrial\tAVX2\t1.0\tbad\n"
                + "trial\tSSE41\t2.0\t\n");
        assertThat(OnednnCapSelection.read(file, key).cap()).isEqualTo("SSE41");
    }

    @Test
    void theCacheDirectoryFollowsTheEnvironment() {
        assertThat(OnednnCapSelection.cacheDirectory(Map.of(OnednnCapSelection.CACHE_ENV, "/x/y")))
                .isEqualTo(Path.of("/x/y"));
        assertThat(OnednnCapSelection.cacheDirectory(Map.of("XDG_CACHE_HOME", "/c")))
                .isEqualTo(Path.of("/c/mergelab"));
        assertThat(OnednnCapSelection.cacheDirectory(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "mergelab"));
    }

    @Test
    void theMachineKeyNamesTheCpuTheEngineAndTheCheck() {
        String key = OnednnCapSelection.machineKey();
        assertThat(key).contains("cpu=", "flags=", "cores=" + Runtime.getRuntime().availableProcessors(),
                "libtorch=", "check=" + OnednnCapSelection.CHECK_VERSION);
        assertThat(OnednnCapSelection.machineKey()).isEqualTo(key);
    }
}
