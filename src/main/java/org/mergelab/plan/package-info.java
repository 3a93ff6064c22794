/**
 * Deciding a merge before deploying it ({@code mergelab plan-merge}): a {@link org.mergelab.plan.MergePolicy} names
 * the candidates, the probes, the must-keep rules and the preference; {@link org.mergelab.plan.SearchSpace} lists the
 * (method, coefficient) points; {@link org.mergelab.plan.MergePlanner} evaluates them as resumable units on seeded,
 * disjoint selection and test subsets; {@link org.mergelab.plan.MergeDecision} decides from the measured accuracies
 * alone, and says which rule binds when no merge satisfies them.
 */
package org.mergelab.plan;
