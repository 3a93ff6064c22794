package org.mergelab.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mergelab.checkpoint.ConversionKernels;

/**
 * The command line of a child JVM that runs mergelab code with this process's Java and class path and the options
 * the engine needs. A child is how mergelab runs engine code under other engine settings (oneDNN reads its cap once
 * per process) or isolates a possible native crash.
 */
public final class ChildJvm {

    /** The line a JVM started with {@link #vectorModuleOptions()} prints first on its standard error. */
    public static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    private ChildJvm() {}

    /**
     * The command.
     *
     * @param jvmOptions options of the child JVM, e.g. {@code -Xmx2g}
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     */
    public static List<String> command(List<String> jvmOptions, Class<?> mainClass, List<String> args) {
        return command(jvmOptions, mainClass.getName(), args);
    }

    /**
     * {@code --add-modules jdk.incubator.vector} when this JVM has the Vector API module (so that a child that merges
     * converts with the same kernels), else nothing. The child then prints the JVM's incubator warning first on its
     * standard error; {@link #INCUBATOR_WARNING} is that line, for whoever shows a child's output to a user.
     */
    public static List<String> vectorModuleOptions() {
        return ConversionKernels.moduleLoaded()
                ? List.of("--add-modules", ConversionKernels.VECTOR_MODULE)
                : List.of();
    }

    /**
     * The command, naming the main class (for a class of a package this one must not depend on).
     *
     * @param jvmOptions options of the child JVM, e.g. {@code -Xmx2g}
     * @param mainClass the fully qualified name of the class whose {@code main} runs
     * @param args its arguments
     */
    public static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }
}
