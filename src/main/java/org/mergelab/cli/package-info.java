/**
 * Command-line interface: picocli commands that parse, validate, call one library method and return an exit code (0 ok, 1 failure, 2 bad usage).
 */
package org.mergelab.cli;
