/**
 * Probes (base, cue, cue-conflict), accuracy and the figures of merit of PROTOCOL.md; BatchNorm recalibration and Fisher estimation, which need a model and data.
 */
package org.mergelab.eval;
