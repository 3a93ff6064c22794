package org.mergelab;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Guard for tests that need an installed package: skips the test (with a message) when {@code path} is
 * missing, unless the system property {@code mergelab.ci} is {@code true}, in which case the test fails.
 * The one such rule of the test suite (data uses it for Fashion-MNIST, report for Chromium).
 */
public final class RequiresInstalled {
    private RequiresInstalled() {}

    /** Skips (or, under {@code -Dmergelab.ci=true}, fails) unless every path exists. */
    public static void paths(String debianPackage, Path... paths) {
        for (Path p : paths) {
            if (!Files.exists(p)) {
                String message = p + " is missing: install the package " + debianPackage;
                if (Boolean.parseBoolean(System.getProperty("mergelab.ci", "false"))) {
                    fail(message + " (mergelab.ci=true, so this is a failure, not a skip)");
                }
                Assumptions.abort(message + " (skipped; set -Dmergelab.ci=true to fail instead)");
            }
        }
    }
}
