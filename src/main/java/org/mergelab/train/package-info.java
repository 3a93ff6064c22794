/**
 * One trainer (SGD with momentum and weight decay, our own optimizer so its state can be checkpointed); incremental and parallel regimes are ways of calling it.
 */
package org.mergelab.train;
