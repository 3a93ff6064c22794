/**
 * The cue protocol of PROTOCOL.md: plans units of work (pre-train, fine-tune, merge-and-probe) keyed by lineage, runs and resumes them.
 */
package org.mergelab.experiment;
