package dev.keel.examples.apparel.datasets;

import java.util.Arrays;

/**
 * Grey images with labels, stored compactly as unsigned bytes (pixel {@code i} of image
 * {@code n} at {@code pixels[n * rows * cols + i]}). Immutable by convention: views made by
 * {@link #select} copy.
 */
public record ImageSet(byte[] pixels, byte[] labels, int rows, int cols) {

    public ImageSet {
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(
                    "pixels (" + pixels.length + ") do not match " + labels.length + " labels of " + rows + "x" + cols);
        }
    }

    public int size() {
        return labels.length;
    }

    public int imageSize() {
        return rows * cols;
    }

    public int label(int index) {
        return labels[index] & 0xff;
    }

    /** The pixels of one image. */
    public byte[] image(int index) {
        int n = imageSize();
        return Arrays.copyOfRange(pixels, index * n, (index + 1) * n);
    }

    /** A new set of the images at {@code indices}, in that order. */
    public ImageSet select(int[] indices) {
        int n = imageSize();
        byte[] p = new byte[indices.length * n];
        byte[] l = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * n, p, i * n, n);
            l[i] = labels[indices[i]];
        }
        return new ImageSet(p, l, rows, cols);
    }

    /** The first {@code count} images (all when count is 0 or more than the size). */
    public ImageSet head(int count) {
        if (count <= 0 || count >= size()) {
            return this;
        }
        int[] idx = new int[count];
        Arrays.setAll(idx, i -> i);
        return select(idx);
    }

    /** Images per label, indexed by label. */
    public int[] countsPerLabel(int classes) {
        int[] counts = new int[classes];
        for (byte b : labels) {
            counts[b & 0xff]++;
        }
        return counts;
    }
}
