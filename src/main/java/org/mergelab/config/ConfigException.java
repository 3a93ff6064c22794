package org.mergelab.config;

/** A configuration that cannot be used: unknown key, bad value, missing file. The message names it. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A configuration error with a message naming the key or value. */
    public ConfigException(String message) {
        super(message);
    }

    /** A configuration error with its cause. */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
