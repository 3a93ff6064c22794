/**
 * Merge methods over named tensors: one MergeMethod interface, one class per method, one explicit registry. Never imports train, data, model or eval.
 */
package org.mergelab.merge;
