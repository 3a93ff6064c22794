package org.mergelab.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The one way into the native engine. The first call of any method applies {@link EngineSettings#inEffect()} to
 * the process environment (before oneDNN reads it: oneDNN takes its ISA cap at its first primitive, libtorch its
 * log level when logging is initialised), then loads DJL's PyTorch engine. Every class of mergelab that needs
 * tensors goes through here, never through {@code Engine.getInstance()} or {@code NDManager.newBaseManager()}
 * directly (a test checks the sources), so the command line, the test JVMs and library users get the same
 * engine.
 */
public final class TorchEngine {

    private TorchEngine() {}

    /** Initialisation on first use, exactly once per process (class initialisation is thread-safe). */
    private static final class Holder {
        static final Engine ENGINE = start();
        static final boolean LOG_LEVEL_APPLIED = applyLogLevel();
    }

    /** The engine, set up and loaded. */
    public static Engine engine() {
        EngineSettings.inEffect(); // first: a failed engine check surfaces as itself, not as a class-init error
        Engine engine = Holder.ENGINE;
        boolean ignored = Holder.LOG_LEVEL_APPLIED;
        return engine;
    }

    /** A new root manager for tensors (close it when done). */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    /** A gradient collector of the engine (close it when done). */
    public static GradientCollector newGradientCollector() {
        return engine().newGradientCollector();
    }

    /** Sets libtorch's intra-op thread count for this process (results depend on it: it belongs in lineage). */
    public static void useThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " is below 1");
        }
        engine();
        JniUtils.setNumThreads(threads);
    }

    /** True when libtorch's log level was applied through {@code c10::initLogging} (false: symbol not found). */
    public static boolean logLevelApplied() {
        engine();
        return Holder.LOG_LEVEL_APPLIED;
    }

    private static Engine start() {
        EngineSettings settings = EngineSettings.inEffect();
        if (!settings.onednnFromUser()) {
            setenv(EngineSettings.ONEDNN_MAX_CPU_ISA, settings.onednnMaxCpuIsa());
        }
        if (!settings.torchLogLevelFromUser()) {
            setenv(EngineSettings.TORCH_CPP_LOG_LEVEL, settings.torchLogLevel());
        }
        return Engine.getEngine("PyTorch");
    }

    /**
     * libtorch reads {@code TORCH_CPP_LOG_LEVEL} only in {@code c10::initLogging()}, which Python's torch calls at
     * import and DJL never does: call it once the libraries are loaded, before the first tensor.
     */
    private static boolean applyLogLevel() {
        Optional<MemorySegment> symbol = SymbolLookup.loaderLookup().find("_ZN3c1011initLoggingEv");
        if (symbol.isEmpty()) {
            return false;
        }
        try {
            Linker.nativeLinker().downcallHandle(symbol.get(), FunctionDescriptor.ofVoid()).invokeExact();
            return true;
        } catch (Throwable e) {
            throw new IllegalStateException("could not initialise libtorch's logging: " + e, e);
        }
    }

    private static void setenv(String name, String value) {
        Linker linker = Linker.nativeLinker();
        MemorySegment function = linker.defaultLookup().find("setenv")
                .orElseThrow(() -> new IllegalStateException("the C library has no setenv: cannot set " + name));
        MethodHandle handle = linker.downcallHandle(function, FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) handle.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            if (rc != 0) {
                throw new IllegalStateException("setenv(" + name + "=" + value + ") failed with " + rc);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("setenv(" + name + "=" + value + ") failed: " + e, e);
        }
    }
}
