/**
 * Configuration records read from YAML or JSON, strict about unknown keys, with documented defaults.
 */
package org.mergelab.config;
