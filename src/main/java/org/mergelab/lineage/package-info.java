/**
 * Lineage records: what made an artefact (parents, config, seed, versions, data fingerprint), nested through merges.
 *
 * <p>{@link org.mergelab.lineage.Lineage} is built with a builder, written as versioned, deterministic JSON and
 * gives a reuse key that leaves out wall time; {@link org.mergelab.lineage.LineageTree} renders the family tree of
 * the {@code *.lineage.json} files in a directory. Depends on Jackson and {@link org.mergelab.Versions} only.
 */
package org.mergelab.lineage;
