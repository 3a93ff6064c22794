package org.mergelab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions of mergelab and of the libraries it was built with, as recorded in every lineage. */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The mergelab version, e.g. {@code 0.1.0}. */
    public static String mergelab() {
        return PROPS.getProperty("mergelab.version");
    }

    /** The DJL version mergelab was built against. */
    public static String djl() {
        return PROPS.getProperty("djl.version");
    }

    /** The PyTorch (libtorch) version of the native engine. */
    public static String pytorch() {
        return PROPS.getProperty("pytorch.version");
    }

    /** The running JDK's version string. */
    public static String jdk() {
        return Runtime.version().toString();
    }
}
