/**
 * The native engine (DJL over libtorch 2.7.1), set up once and the same way for every entry point: the command line,
 * the test JVMs, and any Java code that uses the library.
 *
 * <p>{@link org.mergelab.engine.TorchEngine} is the only way in: before the first tensor exists it applies the
 * {@link org.mergelab.engine.EngineSettings} (the oneDNN instruction-set cap that keeps training correct on
 * AVX-512 CPUs, and a quiet engine log level) to the process environment, then loads the engine. The settings are
 * pure Java and go into every lineage ({@code org.mergelab.lineage.VersionsRecord}), because results depend on them.
 */
package org.mergelab.engine;
