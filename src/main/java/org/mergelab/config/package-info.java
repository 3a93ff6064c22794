/**
 * Reading configuration and deriving seeds; the configuration records themselves live beside the code they
 * configure (e.g. {@code experiment.ExperimentConfig}, {@code train.TrainConfig}, {@code model.ModelSpec},
 * {@code data.CueSettings}).
 *
 * <p>Entry points: {@link org.mergelab.config.ConfigReader} reads YAML or JSON into a record strictly (snake_case
 * keys; an unknown or duplicate key, a value of the wrong type, an anchor or alias, a file over 1 MiB is a
 * {@link org.mergelab.config.ConfigException} naming the file and the key path or line) and writes a record
 * back as YAML with every key. {@link org.mergelab.config.Seeds} derives independent seeds from a config seed
 * and a path of numbers or names (SplitMix64), so every random stream traces to the config and not to threads
 * or the order of work.
 */
package org.mergelab.config;
