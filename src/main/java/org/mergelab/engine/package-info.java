/**
 * The native engine (DJL over libtorch 2.7.1), set up once and the same way for every entry point: the command line,
 * the test JVMs, and any Java code that uses the library.
 *
 * <p>{@link org.mergelab.engine.TorchEngine} is the only way in: before the first tensor exists it applies the
 * {@link org.mergelab.engine.EngineSettings} (the oneDNN instruction-set cap that keeps training correct, and a quiet
 * engine log level) to the process environment, then loads the engine. The cap is the fastest one under which the
 * known-answer check passes on this CPU ({@link org.mergelab.engine.OnednnCapSelection}: checked in child JVMs once
 * per machine and remembered), unless the user set one. The settings go into every lineage of a trained checkpoint
 * ({@code org.mergelab.lineage.VersionsRecord}) and into unit keys, because results depend on them.
 */
package org.mergelab.engine;
