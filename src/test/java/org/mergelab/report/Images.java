package org.mergelab.report;

import java.awt.image.BufferedImage;

/** Checks on rendered images. */
final class Images {
    private Images() {}

    /** True when the image has at least two pixel colours (it is not blank). */
    static boolean hasSeveralColours(BufferedImage img) {
        int first = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) != first) {
                    return true;
                }
            }
        }
        return false;
    }
}
