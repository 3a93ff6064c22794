/**
 * Lineage records: what made an artefact (parents, config, seed, versions, data fingerprint), nested through merges.
 */
package org.mergelab.lineage;
