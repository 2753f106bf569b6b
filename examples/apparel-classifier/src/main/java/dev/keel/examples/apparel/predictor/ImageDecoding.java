package dev.keel.examples.apparel.predictor;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Turns an upload into the 28×28 grey pixels the model expects: either exactly 784 raw grey
 * bytes, or a PNG/JPEG (any size, colour or grey) scaled to 28×28. Fashion-MNIST shows light
 * garments on black; a picture with a light background (a photo on white) is inverted so it
 * looks like the training data.
 */
final class ImageDecoding {
    static final int SIDE = 28;

    private ImageDecoding() {}

    static byte[] toPixels(byte[] input) {
        if (input == null || input.length == 0) {
            throw new IllegalArgumentException("the image is empty; send a PNG or JPEG file, or 784 raw grey bytes");
        }
        if (input.length == SIDE * SIDE && !looksLikeImageFile(input)) {
            return input.clone();
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(input));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "the image cannot be read (" + e.getMessage() + "); send a PNG or JPEG file", e);
        }
        if (image == null) {
            throw new IllegalArgumentException("the data is not a PNG or JPEG image (" + input.length
                    + " bytes); send a PNG or JPEG file, or exactly 784 raw grey bytes");
        }
        BufferedImage grey = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, SIDE, SIDE, null);
        } finally {
            g.dispose();
        }
        byte[] pixels = new byte[SIDE * SIDE];
        grey.getRaster().getDataElements(0, 0, SIDE, SIDE, pixels);
        if (borderMean(pixels) > 128) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (255 - (pixels[i] & 0xff));
            }
        }
        return pixels;
    }

    private static boolean looksLikeImageFile(byte[] b) {
        boolean png = (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
        boolean jpeg = (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8;
        return png || jpeg;
    }

    private static double borderMean(byte[] p) {
        long sum = 0;
        int n = 0;
        for (int i = 0; i < SIDE; i++) {
            sum += (p[i] & 0xff)
                    + (p[(SIDE - 1) * SIDE + i] & 0xff)
                    + (p[i * SIDE] & 0xff)
                    + (p[i * SIDE + SIDE - 1] & 0xff);
            n += 4;
        }
        return (double) sum / n;
    }
}
