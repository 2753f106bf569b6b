package dev.keel.serve.translate;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Turns an upload into the grey pixels a network takes. The picture's size is read from its
 * header before it is decoded, so a small file that claims a huge picture is refused without
 * the memory its pixels would take.
 */
final class GreyImages {
    private GreyImages() {}

    static byte[] toPixels(byte[] input, int width, int height, ImageClassifierTranslator.Settings settings) {
        if (input == null || input.length == 0) {
            throw new IllegalArgumentException("the image is empty; send a PNG or JPEG file, or " + width * height
                    + " raw grey bytes (" + width + "x" + height + ")");
        }
        if (input.length == width * height && !looksLikeImageFile(input)) {
            return input.clone();
        }
        BufferedImage image = decode(input, width, height, settings.maxSide());
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        byte[] pixels = new byte[width * height];
        grey.getRaster().getDataElements(0, 0, width, height, pixels);
        if (settings.invertLightBackground() && borderMean(pixels, width, height) > 128) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (255 - (pixels[i] & 0xff));
            }
        }
        return pixels;
    }

    private static BufferedImage decode(byte[] input, int width, int height, int maxSide) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(input))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IllegalArgumentException("the data is not a PNG or JPEG image (" + input.length
                        + " bytes); send a PNG or JPEG file, or exactly " + width * height + " raw grey bytes ("
                        + width + "x" + height + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w > maxSide || h > maxSide) {
                    throw new IllegalArgumentException("the image is " + w + "x" + h + " pixels, larger than this model"
                            + " takes (at most " + maxSide + " on a side); scale it down (" + width + "x" + height
                            + " is enough)");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(
                    "the image cannot be read (" + e.getMessage() + "); send a whole PNG or JPEG file", e);
        }
    }

    private static boolean looksLikeImageFile(byte[] b) {
        boolean png = (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
        boolean jpeg = (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8;
        return png || jpeg;
    }

    private static double borderMean(byte[] p, int w, int h) {
        long sum = 0;
        int n = 0;
        for (int x = 0; x < w; x++) {
            sum += (p[x] & 0xff) + (p[(h - 1) * w + x] & 0xff);
            n += 2;
        }
        for (int y = 0; y < h; y++) {
            sum += (p[y * w] & 0xff) + (p[y * w + w - 1] & 0xff);
            n += 2;
        }
        return (double) sum / n;
    }
}
