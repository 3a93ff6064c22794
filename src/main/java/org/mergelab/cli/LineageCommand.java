package org.mergelab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mergelab.lineage.LineageTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mergelab lineage}: the tree of checkpoints in a directory. */
@Command(
        name = "lineage",
        mixinStandardHelpOptions = true,
        description = {
            "Print the tree of checkpoints under DIR: what was trained from what, on which task.",
            "",
            "Example:  mergelab lineage mergelab-demo"
        })
final class LineageCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to scan for *.lineage.json.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no such directory");
        }
        System.out.print(LineageTree.render(dir));
        return 0;
    }
}
