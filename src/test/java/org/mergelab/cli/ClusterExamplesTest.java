package org.mergelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mergelab.config.ConfigReader;

/**
 * Syntax checks of the cluster examples (issue 10): the Slurm job array and the Kubernetes Indexed Job that run
 * several {@code mergelab run} workers on one shared output directory. They are checked here, never run on a
 * cluster: {@code bash -n} and the form of the {@code #SBATCH} directives, and the Job's shape (indexed, as many
 * pods at once as completions, a ReadWriteMany claim mounted, every pod running {@code mergelab run} with its
 * {@code --out} on that mount, as many CPUs as the experiment's {@code threads}).
 */
class ClusterExamplesTest {
    private static final Path SBATCH = Path.of("examples/slurm/mergelab-workers.sbatch");
    private static final Path JOB = Path.of("examples/kubernetes/mergelab-workers.yaml");
    /** The experiment both examples run by default. */
    private static final Path EXPERIMENT = Path.of("examples/builtin.yaml");
    private static final Pattern DIRECTIVE = Pattern.compile("#SBATCH --([a-z][a-z-]*)=(\\S+)");

    private static int experimentThreads() {
        JsonNode threads = ConfigReader.readTree(EXPERIMENT).get("threads");
        assertThat(threads).as("%s sets threads explicitly, since every worker uses it", EXPERIMENT).isNotNull();
        assertThat(threads.isInt()).as("threads in %s", EXPERIMENT).isTrue();
        return threads.asInt();
    }

    private static String bashCheck(Path script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }

    @Test
    void sbatchScriptIsValidBash(@TempDir Path tmp) throws Exception {
        assertThat(bashCheck(SBATCH)).isEmpty();
        Path broken = tmp.resolve("broken.sbatch");
        Files.writeString(broken, "#!/bin/bash\nif true; then\n  echo unfinished\n");
        assertThat(bashCheck(broken)).as("bash -n finds a syntax error").startsWith("exit ");
    }

    @Test
    void sbatchDirectivesAreWellFormedAndComeBeforeTheFirstCommand() throws IOException {
        List<String> lines = Files.readAllLines(SBATCH);
        assertThat(lines.getFirst()).isEqualTo("#!/bin/bash");
        Map<String, String> directives = new HashMap<>();
        boolean commandSeen = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#SBATCH")) {
                assertThat(commandSeen).as("line %d: Slurm ignores directives after the first command", i + 1).isFalse();
                Matcher m = DIRECTIVE.matcher(line);
                assertThat(m.matches()).as("line %d '%s' is '#SBATCH --option=value'", i + 1, line).isTrue();
                assertThat(directives.put(m.group(1), m.group(2))).as("line %d repeats --%s", i + 1, m.group(1)).isNull();
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                commandSeen = true;
            }
        }
        assertThat(directives).containsKeys("array", "cpus-per-task", "mem", "time");
        assertThat(directives.get("array")).matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*(%\\d+)?");
        assertThat(directives.get("cpus-per-task")).matches("[1-9]\\d*");
        assertThat(Integer.parseInt(directives.get("cpus-per-task"))).as("--cpus-per-task = threads of " + EXPERIMENT)
                .isEqualTo(experimentThreads());
        String script = Files.readString(SBATCH);
        assertThat(script).contains("exec ./mergelab run \"$EXPERIMENT\" --out \"$OUT\"")
                .contains("examples/builtin.yaml").contains("heartbeat_timeout_seconds")
                .contains("not been run on a Slurm cluster");
    }

    @Test
    void kubernetesJobIsIndexedWithWorkersOnASharedClaim() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var values = ConfigReader.yaml().readerFor(JsonNode.class).<JsonNode>readValues(JOB.toFile())) {
            values.forEachRemaining(documents::add);
        }
        JsonNode job = only(documents, "Job");
        JsonNode claim = only(documents, "PersistentVolumeClaim");
        assertThat(job.path("apiVersion").asText()).isEqualTo("batch/v1");
        JsonNode spec = job.path("spec");
        assertThat(spec.path("completionMode").asText()).isEqualTo("Indexed");
        assertThat(spec.path("completions").isInt()).isTrue();
        assertThat(spec.path("completions").asInt()).isGreaterThan(1).isEqualTo(spec.path("parallelism").asInt());
        assertThat(spec.path("template").path("spec").path("restartPolicy").asText()).isIn("Never", "OnFailure");
        assertThat(texts(claim.path("spec").path("accessModes"))).contains("ReadWriteMany");

        String claimName = claim.path("metadata").path("name").asText();
        String volume = null;
        for (JsonNode v : spec.path("template").path("spec").path("volumes")) {
            if (claimName.equals(v.path("persistentVolumeClaim").path("claimName").asText())) {
                volume = v.path("name").asText();
            }
        }
        assertThat(volume).as("a volume from the claim %s", claimName).isNotNull();

        JsonNode containers = spec.path("template").path("spec").path("containers");
        assertThat(containers.size()).isEqualTo(1);
        JsonNode worker = containers.get(0);
        String mountPath = null;
        for (JsonNode m : worker.path("volumeMounts")) {
            if (volume.equals(m.path("name").asText())) {
                mountPath = m.path("mountPath").asText();
                assertThat(m.path("readOnly").asBoolean(false)).as("the shared volume is writable").isFalse();
            }
        }
        assertThat(mountPath).as("volume %s is mounted", volume).startsWith("/");

        List<String> command = new ArrayList<>(texts(worker.path("command")));
        if (worker.has("args")) {
            command.addAll(texts(worker.path("args")));
        }
        assertThat(command.get(0)).endsWith("mergelab");
        assertThat(command.get(1)).isEqualTo("run");
        int out = command.indexOf("--out");
        assertThat(out).as("--out in %s", command).isPositive().isLessThan(command.size() - 1);
        assertThat(command.get(out + 1)).startsWith(mountPath.endsWith("/") ? mountPath : mountPath + "/");
        assertThat(command).doesNotContain("--force");

        JsonNode cpu = worker.path("resources").path("requests").path("cpu");
        assertThat(cpus(cpu.asText())).as("requests.cpu = threads of " + EXPERIMENT).isEqualTo(experimentThreads());
        assertThat(Files.readString(JOB)).contains("heartbeat_timeout_seconds")
                .contains("not been applied to a Kubernetes cluster");
    }

    private static JsonNode only(List<JsonNode> documents, String kind) {
        List<JsonNode> found = documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(found).as("one %s in %s", kind, JOB).hasSize(1);
        return found.getFirst();
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array.isArray()).as("%s is a list", array).isTrue();
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** A Kubernetes CPU quantity ("2", "2000m") in whole CPUs. */
    private static double cpus(String quantity) {
        return quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
                : Double.parseDouble(quantity);
    }
}
